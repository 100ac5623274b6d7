"""Measure rankings against graded query judgments (the ``../shared/eval/qrels.json`` format).

Parts: the records (``QueryScores``, ``QueryResult``, ``QueryReport``), ``read_judgments``
(file → query entries), ``grades_for`` (anchors → paragraph ids, with warnings for anchors that
match nothing), ``evaluate_queries`` (every system on every query: nDCG@10, recall@20, reciprocal
rank, and their means), ``format_report`` (the table for a terminal) and ``format_ablation`` (one
row per system and judgments file: the ablation of search/evaluation/ablation.py).

Systems are plain callables ``(query, k) -> [paragraph id, …]`` so the real index, the FTS5
baseline or any experiment plug in the same way.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from search.records import Paragraph
from . import paragraph_for_anchor
from .metrics import ndcg_at_k, recall_at_k, reciprocal_rank

System = Callable[[str, int], list[str]]

# How deep each system is asked to rank: recall is measured at 20, nDCG at 10.
RANK_DEPTH = 20
NDCG_K = 10
RECALL_K = 20


@dataclass(frozen=True, slots=True)
class QueryScores:
    """One system's figures on one query (or their means over queries)."""

    ndcg: float    # nDCG@10
    recall: float  # recall@20
    rr: float      # reciprocal rank; its mean is MRR


@dataclass(frozen=True, slots=True)
class QueryResult:
    """One judged query and each system's scores and ranking on it."""

    file: str
    id: str
    category: str
    query: str
    intent: str
    scores: dict[str, QueryScores]
    ranked: dict[str, list[str]]  # system → the paragraph ids it returned, best first
    relevant: int                 # judged paragraphs with grade ≥ 1 that exist in the corpus


@dataclass(slots=True)
class QueryReport:
    """Every query's results, the means per system, and what went wrong with the judgments.

    ``means`` is over all queries of all files; ``file_means`` per judgments file.
    ``baseline`` names the system the first one is compared with, or None with one system.
    """

    systems: list[str]
    baseline: str | None
    results: list[QueryResult] = field(default_factory=list)
    means: dict[str, QueryScores] = field(default_factory=dict)
    file_means: dict[str, dict[str, QueryScores]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def improvement(self) -> float | None:
        """Relative gain of the first system over the baseline in mean nDCG@10 (0.1 = +10%)."""
        if self.baseline is None or not self.means:
            return None
        base = self.means[self.baseline].ndcg
        if base == 0:
            return None
        return (self.means[self.systems[0]].ndcg - base) / base


def read_judgments(path: Path) -> list[dict]:
    """Return the query entries of a judgments file: ``{id, category, query, intent, judgments}``."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return list(data["queries"])


def grades_for(judgments: Mapping[str, int], paragraphs: list[Paragraph],
               where: str) -> tuple[dict[str, int], list[str]]:
    """Map anchor → grade to paragraph id → grade; return it with a warning per unmatched anchor.

    Paragraphs are tried in corpus order, so an anchor shared by a pull-quote and the body
    paragraph it repeats keys the pull-quote (it comes first); the judgment files give the body
    paragraph a longer anchor. Two anchors landing on one paragraph keep the higher grade.
    """
    grades: dict[str, int] = {}
    warnings: list[str] = []
    for anchor, grade in judgments.items():
        paragraph = paragraph_for_anchor(paragraphs, anchor)
        if paragraph is None:
            warnings.append(f"{where}: anchor matches no paragraph: {anchor!r}")
            continue
        grades[paragraph.id] = max(grade, grades.get(paragraph.id, 0))
    return grades, warnings


def _mean(scores: Iterable[QueryScores]) -> QueryScores:
    scores = list(scores)
    n = len(scores) or 1
    return QueryScores(sum(s.ndcg for s in scores) / n, sum(s.recall for s in scores) / n,
                       sum(s.rr for s in scores) / n)


def evaluate_queries(judgments_paths: list[Path], paragraphs: list[Paragraph],
                     systems: dict[str, System], baseline: str | None = None) -> QueryReport:
    """Rank every judged query with every system and score it against the judgments.

    ``systems`` maps a name to ``rank(query, k)``; the first one is the system under test.
    ``baseline`` defaults to the last system when there are several.
    """
    if not systems:
        raise ValueError("evaluate_queries needs at least one system to rank with")
    names = list(systems)
    if baseline is None and len(names) > 1:
        baseline = names[-1]
    if baseline is not None and baseline not in systems:
        raise ValueError(f"unknown baseline {baseline!r}; choose from: {', '.join(names)}")
    report = QueryReport(systems=names, baseline=baseline)
    paragraphs = list(paragraphs)
    for path in judgments_paths:
        file = Path(path).name
        for entry in read_judgments(Path(path)):
            where = f"{file} {entry['id']}"
            grades, warnings = grades_for(entry["judgments"], paragraphs, where)
            report.warnings.extend(warnings)
            relevant = sum(1 for g in grades.values() if g >= 1)
            if relevant == 0:
                report.warnings.append(f"{where}: no judged paragraph found; every score is 0")
            scores: dict[str, QueryScores] = {}
            ranked: dict[str, list[str]] = {}
            for name, rank in systems.items():
                ids = list(rank(entry["query"], RANK_DEPTH))
                ranked[name] = ids
                scores[name] = QueryScores(ndcg_at_k(ids, grades, NDCG_K),
                                           recall_at_k(ids, grades, RECALL_K),
                                           reciprocal_rank(ids, grades))
            report.results.append(QueryResult(file, entry["id"], entry.get("category", ""),
                                              entry["query"], entry.get("intent", ""),
                                              scores, ranked, relevant))
    for name in names:
        report.means[name] = _mean(r.scores[name] for r in report.results)
        for file in dict.fromkeys(r.file for r in report.results):
            report.file_means.setdefault(file, {})[name] = _mean(
                r.scores[name] for r in report.results if r.file == file)
    return report


# Column widths of the table: id, category, query; then three figures per system.
_ID, _CAT, _QUERY, _FIG = 5, 10, 28, 7


def _cells(scores: QueryScores) -> str:
    return f"{scores.ndcg:>{_FIG}.3f} {scores.recall:>{_FIG}.3f} {scores.rr:>{_FIG}.3f}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def format_report(report: QueryReport) -> str:
    """Render the report as a table: a row per query, mean rows, the gain over the baseline."""
    system_width = 3 * _FIG + 2
    left = _ID + _CAT + _QUERY + 2
    lines = [" " * left + "".join(f" | {_clip(n, system_width):<{system_width}}" for n in report.systems),
             f"{'id':<{_ID}} {'category':<{_CAT}} {'query':<{_QUERY}}"
             + "".join(f" | {'nDCG@10':>{_FIG}} {'R@20':>{_FIG}} {'RR':>{_FIG}}" for _ in report.systems)]
    rule = "-" * len(lines[1])
    lines.append(rule)
    files = list(report.file_means)
    for file in files:
        rows = [r for r in report.results if r.file == file]
        if len(files) > 1:
            lines.append(f"{file}")
        for r in rows:
            lines.append(f"{_clip(r.id, _ID):<{_ID}} {_clip(r.category, _CAT):<{_CAT}} "
                         f"{_clip(r.query, _QUERY):<{_QUERY}}"
                         + "".join(f" | {_cells(r.scores[n])}" for n in report.systems))
        if len(files) > 1:
            label = f"mean {file} ({len(rows)})"
            lines.append(f"{_clip(label, left):<{left}}"
                         + "".join(f" | {_cells(report.file_means[file][n])}" for n in report.systems))
    lines.append(rule)
    label = f"mean, all ({len(report.results)} queries)"
    lines.append(f"{_clip(label, left):<{left}}"
                 + "".join(f" | {_cells(report.means[n])}" for n in report.systems))
    if report.improvement is not None:
        first = report.systems[0]
        lines.append(f"\n{first} vs {report.baseline}: mean nDCG@10 "
                     f"{report.means[first].ndcg:.3f} vs {report.means[report.baseline].ndcg:.3f} "
                     f"({report.improvement:+.1%})")
    if report.warnings:
        lines.append("")
        lines.extend(f"warning: {w}" for w in report.warnings)
    return "\n".join(lines)


def format_ablation(report: QueryReport, unavailable: Mapping[str, str] | None = None) -> str:
    """One row per system (in the report's order): nDCG@10 / R@20 / MRR per judgments file and
    over all queries, as a Markdown table; a system in ``unavailable`` shows its reason instead."""
    unavailable = unavailable or {}
    files = list(report.file_means)
    header = "| system | " + " | ".join(f"{file} ({sum(r.file == file for r in report.results)}): "
                                        "nDCG@10 · R@20 · MRR" for file in files)
    header += f" | all ({len(report.results)}): nDCG@10 · R@20 · MRR |"
    lines = [header, "|---" * (len(files) + 2) + "|"]
    for name in report.systems:
        if name in unavailable:
            lines.append(f"| {name} | " + " | ".join([unavailable[name]] + [""] * len(files)) + " |")
            continue
        cells = [report.file_means[file][name] for file in files] + [report.means[name]]
        lines.append(f"| {name} | " + " | ".join(f"{s.ndcg:.3f} · {s.recall:.3f} · {s.rr:.3f}"
                                                  for s in cells) + " |")
    return "\n".join(lines)


def format_ndcg_by_query(report: QueryReport, unavailable: Mapping[str, str] | None = None) -> str:
    """nDCG@10 of every query for every system that ran: where a change helps or hurts."""
    names = [n for n in report.systems if n not in (unavailable or {})]
    width = max(8, *(len(n) for n in names))
    lines = [f"{'id':<{_ID}} {'query':<{_QUERY}}" + "".join(f" {_clip(n, width):>{width}}" for n in names)]
    for r in report.results:
        lines.append(f"{_clip(r.id, _ID):<{_ID}} {_clip(r.query, _QUERY):<{_QUERY}}"
                     + "".join(f" {r.scores[n].ndcg:>{width}.3f}" for n in names))
    return "\n".join(lines)
