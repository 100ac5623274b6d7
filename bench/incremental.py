"""Incremental updates at scale (issue 14): what adding, changing and removing articles costs
next to a full rebuild, and what 50 successive updates do to search latency.

Usage: ``python -m bench.incremental [--paragraphs 100000] [--updates 50] [--work DIR]``

Every build is the real command, ``python -m search index`` (``--full`` for rebuilds), in its
own process: "wall" is what a user waits for (interpreter start and imports included), "build"
the seconds the command reports (planning, reading, extraction, writing). Latency is
``run_search`` (the work of /api/search) over bench/queries.py, on the index after the updates
and on a fresh full build of the same seeds, in alternating passes so the machine's load hits
both alike. Writes ``DIR/incremental.json`` and its section of bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import generate  # noqa: E402
from bench.queries import QUERIES  # noqa: E402
from bench.run import machine, percentile  # noqa: E402

START, END = "<!-- bench.incremental: start -->", "<!-- bench.incremental: end -->"
SUMMARY = re.compile(r"(\d+) added, (\d+) changed, (\d+) removed, (\d+) unchanged documents; "
                     r"(\d+) paragraphs, (\d+) actors in ([\d.]+) s")


def index_command(seeds: Path, index: Path, full: bool = False,
                  python: tuple[str, ...] = ("-m", "search")) -> dict:
    """Run ``hemeroteca index`` (``python``: how the interpreter starts the CLI); return its
    report and its wall time."""
    command = [sys.executable, *python, "index", "--seeds", str(seeds), "--index", str(index)]
    started = time.perf_counter()
    done = subprocess.run(command + (["--full"] if full else []), cwd=ROOT, capture_output=True,
                          text=True, timeout=3600)
    wall = time.perf_counter() - started
    match = SUMMARY.search(done.stdout)
    if done.returncode != 0 or match is None:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    added, changed, removed, unchanged, paragraphs, actors, seconds = match.groups()
    return {"added": int(added), "changed": int(changed), "removed": int(removed),
            "unchanged": int(unchanged), "paragraphs": int(paragraphs), "build_s": float(seconds),
            "wall_s": wall}


class Corpus:
    """The seeds folder under test, and a pool of new articles to add to it."""

    def __init__(self, seeds: Path, pool: Path):
        self.seeds = seeds
        self.pool = pool
        self.entries = {entry["file"]: entry for entry in
                        tomllib.loads((pool / "catalog.toml").read_text(encoding="utf-8"))["article"]}
        self.next_new = 0

    def add(self, count: int) -> list[str]:
        names = []
        for _ in range(count):
            source = f"art-{self.next_new:06d}.txt"
            name = f"new-{self.next_new:06d}.txt"
            self.next_new += 1
            shutil.copy(self.pool / source, self.seeds / name)
            entry = {**self.entries[source], "file": name}
            with open(self.seeds / "catalog.toml", "a", encoding="utf-8") as catalog:
                catalog.write("\n[[article]]\n" + "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n"
                                                          for k, v in entry.items()))
            names.append(name)
        return names

    def change(self, name: str) -> None:
        path = self.seeds / name
        path.write_text(path.read_text(encoding="utf-8") + "\nA paragraph added later: "
                        "Nicolás Maduro spoke again about the sanctions in Caracas.\n", encoding="utf-8")

    def retitle(self, name: str) -> None:
        catalog = self.seeds / "catalog.toml"
        text = catalog.read_text(encoding="utf-8")
        head, _, tail = text.partition(f'file = "{name}"\ntitle = "')
        catalog.write_text(head + f'file = "{name}"\ntitle = "Retitled: ' + tail, encoding="utf-8")

    def remove(self, name: str) -> None:
        (self.seeds / name).unlink()
        catalog = self.seeds / "catalog.toml"
        entries = catalog.read_text(encoding="utf-8").split("[[article]]")
        catalog.write_text("[[article]]".join(e for e in entries if f'file = "{name}"' not in e),
                           encoding="utf-8")


def segments(index: Path) -> list[int]:
    from search.engines.whoosh.generation import open_current
    generation = open_current(index)
    with generation.index.reader() as reader:
        sizes = [leaf.doc_count_all() for leaf, _ in reader.leaf_readers()]
    generation.close()
    return sizes


def latencies(indexes: dict[str, Path], passes: int) -> dict[str, dict]:
    """p50/p95/max of run_search over QUERIES per index, passes alternating between indexes."""
    from search.engines.whoosh.generation import open_current
    from search.engines.whoosh.searcher import run_search
    from search.request import parse_request
    opened, times, open_s = {}, {name: [] for name in indexes}, {}
    for name, index in indexes.items():
        started = time.perf_counter()
        opened[name] = open_current(index)
        open_s[name] = time.perf_counter() - started
    requests = [parse_request({"q": [q["q"]], "actor": q.get("actor", []),
                               "year": [str(y) for y in q.get("year", [])]}) for q in QUERIES]
    for number in range(passes + 1):
        for name, generation in opened.items():
            for request in requests:
                started = time.perf_counter()
                run_search(generation, request)
                if number:  # the first pass warms up
                    times[name].append(time.perf_counter() - started)
    return {name: {"p50_ms": percentile(times[name], 50), "p95_ms": percentile(times[name], 95),
                   "max_ms": max(times[name]) * 1000, "open_s": open_s[name], "searches": len(times[name])}
            for name in indexes}


def run(paragraphs: int, updates: int, work: Path, passes: int) -> dict:
    seeds, pool = work / "seeds", work / "pool"
    shutil.rmtree(seeds, ignore_errors=True)  # the run changes it: start from the generated one
    generate(paragraphs, seeds, seed=1)
    if not pool.exists():
        generate(max(4000, 25 * (updates + 110)), pool, seed=2)  # new articles, ~20 paragraphs each
    shutil.rmtree(work / "index", ignore_errors=True)
    shutil.rmtree(work / "fresh", ignore_errors=True)
    corpus = Corpus(seeds, pool)
    originals = sorted(p.name for p in seeds.glob("art-*.txt"))
    index = work / "index"
    results: dict = {"paragraphs": paragraphs, "steps": []}

    def step(label: str, **extra) -> dict:
        report = index_command(seeds, index, full=extra.pop("full", False))
        report.update(label=label, segments=segments(index), **extra)
        results["steps"].append(report)
        print(f"{label}: build {report['build_s']:.2f} s, wall {report['wall_s']:.2f} s, "
              f"segments {report['segments']}", flush=True)
        return report

    step("first build (full)", full=True)
    corpus.add(1)
    step("add 1 article")
    corpus.add(100)
    step("add 100 articles")
    corpus.change(originals[10])
    step("change 1 article (text)")
    corpus.retitle(originals[20])
    step("change 1 article (catalog title)")
    corpus.remove(originals[30])
    step("remove 1 article")
    step("nothing changed")
    results["full"] = step("full rebuild (--full)", full=True)
    # 50 successive single-article updates: mostly new articles, some changes and removals
    for number in range(updates):
        if number % 10 == 4:
            corpus.change(originals[100 + number])
            step(f"update {number + 1}: change 1", series=True)
        elif number % 10 == 9:
            corpus.remove(originals[200 + number])
            step(f"update {number + 1}: remove 1", series=True)
        else:
            corpus.add(1)
            step(f"update {number + 1}: add 1", series=True)
    fresh = work / "fresh"
    results["fresh"] = index_command(seeds, fresh, full=True)
    results["fresh"]["segments"] = segments(fresh)
    results["latency"] = latencies({"after updates": index, "fresh full build": fresh}, passes)
    (work / "incremental.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


def render(results: dict, minutes: float) -> str:
    full = results["full"]
    rows = ["| change | documents added / changed / removed | build s | wall s | build vs full rebuild |",
            "|---|---:|---:|---:|---:|"]
    for step in results["steps"]:
        if step.get("series"):
            continue
        ratio = "—" if "full" in step["label"] else f"1/{full['build_s'] / step['build_s']:,.0f}"
        rows.append(f"| {step['label']} | {step['added']:,} / {step['changed']} / {step['removed']} | "
                    f"{step['build_s']:.2f} | {step['wall_s']:.2f} | {ratio} |")
    series = [s for s in results["steps"] if s.get("series")]
    builds = sorted(s["build_s"] for s in series)
    latency = results["latency"]
    after, fresh = latency["after updates"], latency["fresh full build"]
    add_one = next(s for s in results["steps"] if s["label"] == "add 1 article")
    lines = [
        START, "## Incremental updates (issue 14)", "",
        f"Written by `python -m bench.incremental --paragraphs {results['paragraphs']}` in "
        f"{minutes:.0f} minutes (one run; do not edit by hand). Every build is `hemeroteca index` "
        "in its own process: *build s* is what it reports (planning, reading, actor extraction, "
        "writing), *wall s* what a user waits for (interpreter start and imports included, about "
        "a second here). The corpus is bench/generate_corpus.py's (seed 1); new articles come "
        "from a second corpus (seed 2), about 20 paragraphs each.", "",
        *machine(), "",
        *rows, "",
        f"{len(series)} successive single-article updates (adds, a change and a removal every ten): "
        f"build p50 {builds[len(builds) // 2]:.2f} s, max {builds[-1]:.2f} s; segments after them "
        f"{series[-1]['segments']} (a fresh build: {results['fresh']['segments']}).", "",
        "| index | p50 ms | p95 ms | max ms | open s |", "|---|---:|---:|---:|---:|",
        *(f"| {name} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['max_ms']:.1f} | {row['open_s']:.2f} |"
          for name, row in latency.items()), "",
        "Targets:",
        f"- one added article ≤ 2 s: {add_one['build_s']:.2f} s build, {add_one['wall_s']:.2f} s "
        f"wall: {'met' if add_one['build_s'] <= 2 else 'not met'} (build)"
        f"{'' if add_one['wall_s'] <= 2 else ', not met with the interpreter start'}",
        f"- and ≤ 1/50 of a full rebuild ({full['build_s']:.1f} s): 1/{full['build_s'] / add_one['build_s']:.0f}: "
        f"{'met' if add_one['build_s'] * 50 <= full['build_s'] else 'not met'}",
        f"- p95 after {len(series)} updates within 1.2× of a fresh index: "
        f"{after['p95_ms'] / fresh['p95_ms']:.2f}×: {'met' if after['p95_ms'] <= 1.2 * fresh['p95_ms'] else 'not met'}",
        END]
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    path = BENCH / "RESULTS.md"
    previous = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if START in previous and END in previous:
        before, rest = previous.split(START, 1)
        previous = before.rstrip("\n") + "\n" + rest.split(END, 1)[1]
    path.write_text(previous.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--updates", type=int, default=50)
    parser.add_argument("--passes", type=int, default=3, help="timed passes over the queries per index")
    parser.add_argument("--work", type=Path, default=BENCH / "work" / "incremental")
    parser.add_argument("--render", action="store_true", help="only rewrite the section from DIR/incremental.json")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if args.render:
        results = json.loads((args.work / "incremental.json").read_text(encoding="utf-8"))
    else:
        results = run(args.paragraphs, args.updates, args.work, args.passes)
    text = render(results, (time.perf_counter() - started) / 60)
    write_section(text)
    print(text)


if __name__ == "__main__":
    main()
