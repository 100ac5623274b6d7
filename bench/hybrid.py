"""What hybrid search costs: ``python -m bench.hybrid [--paragraphs 5000] [--repeat 3]``.

Needs the semantic extra (``pip install -e '.[semantic]'``). On the bench corpus
(bench/work/corpus-N, made by bench/generate_corpus.py and kept between runs), in one process:

1. build an index with the extra hidden (as an installation without it builds);
2. build one with it, into an empty folder (every paragraph embedded);
3. rebuild that one (every vector comes from the cache of step 2);
4. add one article at a time (from a second corpus, as bench.incremental does) and update both
   indexes with `hemeroteca index` in a process of its own, the lexical one with the extra
   hidden: what a user waits for, the model's loading included;
5. run the query set (bench/queries.py) in lexical and in hybrid mode, alternating, after a
   warm-up pass: p50/p95 of each. Each hybrid query embeds its text anew (the embedder forgets
   the vectors it remembered), as for a query no one asked before.

Writes the "Hybrid search" section of bench/RESULTS.md (bench.run keeps it when it rewrites the
file) and the raw numbers to bench/work/hybrid-N.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import generate  # noqa: E402
from bench.incremental import Corpus, index_command  # noqa: E402
from bench.queries import QUERIES, label  # noqa: E402
from bench.run import percentile  # noqa: E402
from search.config import Settings  # noqa: E402
from search.engine import open_engine  # noqa: E402
from search.engines.whoosh.indexer import build_index  # noqa: E402
from search.request import parse_request  # noqa: E402
from search.semantic.model import MODEL, load_embedder, missing_reason  # noqa: E402

SECTION_START = "<!-- bench.hybrid: start -->"
SECTION_END = "<!-- bench.hybrid: end -->"


@contextmanager
def extra_hidden():
    """As if the semantic extra were not installed (a None in sys.modules fails find_spec)."""
    saved = sys.modules.get("onnxruntime")
    sys.modules["onnxruntime"] = None
    try:
        yield
    finally:
        if saved is None:
            del sys.modules["onnxruntime"]
        else:
            sys.modules["onnxruntime"] = saved


# ``hemeroteca index`` run as if the extra were not installed (see extra_hidden)
WITHOUT_EXTRA = ("-c", "import sys; sys.modules['onnxruntime'] = None; "
                 "from search.cli import main; main()")
UPDATES = 3


def timed_updates(seeds: Path, pool: Path, work: Path) -> dict[str, list[dict]]:
    """Add one article UPDATES times; after each, update the lexical and the hybrid index."""
    corpus = Corpus(seeds, pool)
    runs: dict[str, list[dict]] = {"lexical": [], "hybrid": []}
    for _ in range(UPDATES):
        corpus.add(1)
        runs["lexical"].append(index_command(seeds, work / "lexical", python=WITHOUT_EXTRA))
        runs["hybrid"].append(index_command(seeds, work / "hybrid"))
    return runs


def timed_build(corpus: Path, index: Path, full: bool = False) -> tuple[float, float]:
    """Seconds of the whole build, and of its vectors stage (first to last progress call)."""
    stamps: list[float] = []

    def progress(done: int, total: int, stage: str = "indexing") -> None:
        if stage == "vectors":
            stamps.append(time.perf_counter())
    started = time.perf_counter()
    build_index(Settings(seeds_dir=corpus, index_dir=index), progress=progress, full=full)
    seconds = time.perf_counter() - started
    return seconds, (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0


def params_of(query: dict, mode: str) -> dict:
    params = {"q": [query["q"]], "actor": query.get("actor", []),
              "year": [str(y) for y in query.get("year", [])]}
    if mode == "hybrid":
        params["mode"] = ["hybrid"]
    return params


def run_queries(index: Path, corpus: Path, repeat: int) -> dict:
    engine = open_engine(Settings(seeds_dir=corpus, index_dir=index))
    embedder = load_embedder()
    latencies: dict[str, list[float]] = {"lexical": [], "hybrid": []}
    totals: dict[str, list[int]] = {"lexical": [], "hybrid": []}
    for rep in range(repeat + 1):  # the first pass warms up (opens the index, loads the vectors)
        for query in QUERIES:
            for mode in ("lexical", "hybrid"):
                request = parse_request(params_of(query, mode))
                embedder.forget()
                started = time.perf_counter()
                result = engine.search(request)
                elapsed = time.perf_counter() - started
                if rep:
                    latencies[mode].append(elapsed)
                else:
                    totals[mode].append(result.total)
    engine.close()
    return {"latencies": latencies, "totals": totals}


def main() -> None:
    parser = argparse.ArgumentParser(description="hybrid search: build and query costs")
    parser.add_argument("--paragraphs", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if missing_reason() is not None:
        sys.exit(f"bench.hybrid: {missing_reason()}")
    started = time.perf_counter()
    corpus = WORK / f"corpus-{args.paragraphs}"
    if not (corpus / "catalog.toml").exists():
        generate(args.paragraphs, corpus)
    work = WORK / f"hybrid-{args.paragraphs}"
    shutil.rmtree(work, ignore_errors=True)
    seeds = work / "seeds"  # a copy: the updates below add articles to it
    shutil.copytree(corpus, seeds)
    pool = WORK / "hybrid-pool"
    if not (pool / "catalog.toml").exists():
        generate(500, pool, seed=2)
    with extra_hidden():
        lexical_build, _ = timed_build(seeds, work / "lexical")
    hybrid_build, vectors = timed_build(seeds, work / "hybrid")
    rebuild, cached_vectors = timed_build(seeds, work / "hybrid", full=True)
    paragraphs = len(json.loads(next((work / "hybrid").glob("gen-*/vectors/ids.json")).read_text()))
    queries = run_queries(work / "hybrid", seeds, args.repeat)
    updates = timed_updates(seeds, pool, work)
    numbers = {"paragraphs": paragraphs, "model": MODEL.id, "lexical_build_s": lexical_build,
               "hybrid_build_s": hybrid_build, "vectors_s": vectors, "rebuild_s": rebuild,
               "cached_vectors_s": cached_vectors, "updates": updates, **queries,
               "minutes": (time.perf_counter() - started) / 60}
    (WORK / f"hybrid-{args.paragraphs}.json").write_text(json.dumps(numbers))
    section = render(numbers, args)
    write_section(BENCH / "RESULTS.md", section)
    print(section)


def render(n: dict, args: argparse.Namespace) -> str:
    per_k = 1000 / n["paragraphs"]
    lat = n["latencies"]
    commit = os.popen(f"git -C {ROOT} rev-parse --short HEAD 2>/dev/null").read().strip() or "?"
    rows = [f"| {mode} | {len(lat[mode])} | {percentile(lat[mode], 50):.1f} | "
            f"{percentile(lat[mode], 95):.1f} | {percentile(lat[mode], 99):.1f} |"
            for mode in ("lexical", "hybrid")]
    more = [t_h - t_l for t_h, t_l in zip(n["totals"]["hybrid"], n["totals"]["lexical"])]
    return "\n".join([
        SECTION_START,
        "## Hybrid search (`mode=hybrid`, the semantic extra)", "",
        f"Written by `python -m bench.hybrid --paragraphs {args.paragraphs} --repeat {args.repeat}` "
        f"in {n['minutes']:.0f} minutes, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, git {commit} "
        f"plus the working tree, Python {platform.python_version()}, {os.cpu_count()} cores (shared "
        f"with other work: compare the two modes within this run). Model {n['model']} "
        f"(int8 ONNX, 128 tokens).", "",
        f"Build of {n['paragraphs']:,} paragraphs (ingest, actors, Whoosh, columns; seconds per "
        "1,000 paragraphs in brackets):", "",
        "| build | s | s / 1k paragraphs |", "|---|---:|---:|",
        f"| without the extra | {n['lexical_build_s']:.1f} | {n['lexical_build_s'] * per_k:.1f} |",
        f"| with vectors, empty cache | {n['hybrid_build_s']:.1f} | {n['hybrid_build_s'] * per_k:.1f} |",
        f"| of it, the vectors | {n['vectors_s']:.1f} | {n['vectors_s'] * per_k:.1f} |",
        f"| rebuild, vectors from the cache | {n['rebuild_s']:.1f} | {n['rebuild_s'] * per_k:.1f} |",
        "",
        f"Updates: one article added ({len(n['updates']['hybrid'])} times), `hemeroteca index` in "
        "its own process (*build s* is what it reports; *wall s* adds starting Python, the imports "
        "and, with the extra, loading the model); median of the runs:", "",
        "| update | build s | wall s |", "|---|---:|---:|",
        *[f"| {label} | {statistics.median(r['build_s'] for r in n['updates'][mode]):.2f} | "
          f"{statistics.median(r['wall_s'] for r in n['updates'][mode]):.2f} |"
          for mode, label in (("lexical", "without the extra"), ("hybrid", "with vectors"))],
        "",
        f"Queries: the {len(QUERIES)} of bench/queries.py, each in both modes one after the other, "
        f"{args.repeat} timed passes after a warm-up; search + facets + 10 highlights, and in "
        "hybrid mode the query's embedding (never remembered) and the cosine with every paragraph:", "",
        "| mode | searches | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|", *rows, "",
        f"Hybrid mode added {sum(more) / len(more):.1f} paragraphs a query on average (found by meaning "
        f"only; at most 20), {min(more)} to {max(more)}.",
        SECTION_END])


def write_section(path: Path, section: str) -> None:
    """Put ``section`` in ``path`` between its markers, replacing the previous one."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
