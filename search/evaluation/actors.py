"""Measure actor extraction against hand-made judgments (the ``../shared/eval/actors.json`` format).

Parts: the records (``TypeScores``, ``ActorReport``), ``read_actor_judgments``, ``match_entity``
(a predicted canonical name → the gold entity it names, by accent-insensitive name or alias),
``evaluate_actors`` (precision / recall / F1 per type over (paragraph, actor) pairs, actors
under more than one name, paragraphs judged vs found) and ``format_report``.

Scoring rules: a predicted actor that matches an ``optional`` gold actor of its paragraph is
neither a true nor a false positive; a predicted actor counts only with the gold type; only
judged paragraphs are scored.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from search.records import Document, Paragraph
from search.text import fold_accents
from . import paragraph_for_anchor
from .metrics import precision_recall_f1

TYPES = ("person", "org", "place")


def _norm(name: str) -> str:
    return " ".join(fold_accents(name).lower().replace(".", "").split())


@dataclass(frozen=True, slots=True)
class TypeScores:
    """Counts and figures for one actor type (or all types together)."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return precision_recall_f1(self.tp, self.fp, self.fn)[0]

    @property
    def recall(self) -> float:
        return precision_recall_f1(self.tp, self.fp, self.fn)[1]

    @property
    def f1(self) -> float:
        return precision_recall_f1(self.tp, self.fp, self.fn)[2]


@dataclass(frozen=True, slots=True)
class ActorReport:
    """The scores of one judgments file; ``errors`` lists (anchor, "FP"/"FN", type, name)."""

    scores: dict[str, TypeScores]
    split_actors: dict[str, tuple[str, ...]]  # gold actor → the predicted names it appears under
    paragraphs_judged: int
    paragraphs_found: int
    missing_anchors: tuple[str, ...] = ()
    errors: tuple[tuple[str, str, str, str], ...] = field(default=())


def read_actor_judgments(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _alias_index(entities: Mapping[str, dict]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for name, info in entities.items():
        for alias in [name, *info.get("aliases", [])]:
            index.setdefault(_norm(alias), set()).add(name)
    return index


def match_entity(name: str, entities: Mapping[str, dict], aliases: Mapping[str, set[str]],
                 listed: Iterable[str] = ()) -> str | None:
    """Return the gold entity a predicted canonical name stands for, or None.

    By canonical name first, then by alias; an alias shared by several entities goes to the
    one judged in this paragraph (``listed``), if exactly one is.
    """
    norm = _norm(name)
    for gold in entities:
        if _norm(gold) == norm:
            return gold
    candidates = aliases.get(norm, set())
    if len(candidates) == 1:
        return next(iter(candidates))
    here = candidates & set(listed)
    return next(iter(here)) if len(here) == 1 else None


def evaluate_actors(judgments_path: Path, documents: list[Document], extractor) -> ActorReport:
    """Score ``extractor`` on the paragraphs of ``documents`` that the judgments file names."""
    judgments = read_actor_judgments(judgments_path)
    entities = judgments.get("entities", {})
    aliases = _alias_index(entities)
    # The corpus pass (one spelling per actor across articles) is what the index sees.
    if hasattr(extractor, "extract_corpus"):
        mentions = dict(extractor.extract_corpus(documents))
    else:
        mentions = {}
        for document in documents:
            mentions.update(extractor.extract_document(document))
    paragraphs: list[Paragraph] = [p for d in documents for p in d.paragraphs]
    counts = {t: [0, 0, 0] for t in TYPES}
    names_of: dict[str, set[str]] = {}
    errors, missing, found = [], [], 0
    for anchor, judged in judgments.get("paragraphs", {}).items():
        paragraph = paragraph_for_anchor(paragraphs, anchor)
        if paragraph is None:
            missing.append(anchor)
            continue
        found += 1
        required = {(a["name"], a["type"]) for a in judged.get("required", [])}
        optional = {(a["name"], a["type"]) for a in judged.get("optional", [])}
        listed = {n for n, _t in required | optional}
        predicted: set[tuple[str, str]] = set()
        for mention in mentions.get(paragraph.id, ()):
            gold = match_entity(mention.name, entities, aliases, listed)
            if gold is not None:
                names_of.setdefault(gold, set()).add(mention.name)
            predicted.add((gold if gold is not None else mention.name, mention.type))
        for pair in sorted(predicted):
            if pair in required:
                counts[pair[1]][0] += 1
            elif pair not in optional and pair[1] in counts:
                counts[pair[1]][1] += 1
                errors.append((anchor, "FP", pair[1], pair[0]))
        for pair in sorted(required - predicted):
            counts[pair[1]][2] += 1
            errors.append((anchor, "FN", pair[1], pair[0]))
    scores = {t: TypeScores(*counts[t]) for t in TYPES}
    scores["all"] = TypeScores(*(sum(counts[t][i] for t in TYPES) for i in range(3)))
    split = {gold: tuple(sorted(names)) for gold, names in sorted(names_of.items()) if len(names) > 1}
    return ActorReport(scores, split, len(judgments.get("paragraphs", {})), found,
                       tuple(missing), tuple(errors))


def format_report(report: ActorReport, show_errors: bool = False) -> str:
    """Render the report as a small table for a terminal."""
    lines = [f"{'type':<8} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"]
    for kind, s in report.scores.items():
        lines.append(f"{kind:<8} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
                     f"{s.tp:5d} {s.fp:5d} {s.fn:5d}")
    lines.append(f"actors under more than one name: {len(report.split_actors)}")
    for gold, names in report.split_actors.items():
        lines.append(f"  {gold}: {', '.join(names)}")
    lines.append(f"paragraphs judged: {report.paragraphs_judged}, found: {report.paragraphs_found}")
    for anchor in report.missing_anchors:
        lines.append(f"  not found: {anchor!r}")
    if show_errors:
        for anchor, what, kind, name in report.errors:
            lines.append(f"  {what} {kind:<6} {name}  [{anchor[:40]}]")
    return "\n".join(lines)
