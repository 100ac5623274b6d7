"""One phase of one system, in its own process: ``python -m bench.phase SYSTEM build|query CORPUS WORK``.

Prints one JSON line. ``build`` times the system's build; ``query`` opens the index (timed as
``open_s``), runs the query set once to warm up (also timed as the ``first`` pass: what the first
users see after a start), then ``--repeat`` timed passes until ``--budget`` seconds run out, and
reports every latency and the process's peak RSS (``resource.getrusage``: the memory a server
holding this index and answering these queries needs; it counts the index files' pages a
memory-mapped reader touched) and, at the end, its anonymous (non-file) resident memory.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from bench.queries import QUERIES
from bench.systems import system


def directory_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def run_build(name: str, corpus: Path, work: Path) -> dict:
    module = system(name)
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    notes = module.build(corpus, work)
    seconds = time.perf_counter() - started
    if hasattr(module, "after_build"):
        module.after_build(work)
    return {"build_s": seconds, "index_mb": directory_mb(module.index_path(work)), "notes": notes}


def run_queries(name: str, work: Path, repeat: int, budget: float) -> dict:
    module = system(name)
    started = time.perf_counter()
    engine = module.open_engine(work)
    open_s = time.perf_counter() - started
    deadline = time.perf_counter() + budget
    first, totals, latencies = [], [], []
    complete = True
    for query in QUERIES:
        t0 = time.perf_counter()
        total, facets, hits = engine.search(query)
        first.append(time.perf_counter() - t0)
        totals.append(total)
        if time.perf_counter() > deadline:
            complete = False
            break
    for _ in range(repeat if complete else 0):
        for query in QUERIES:
            t0 = time.perf_counter()
            engine.search(query)
            latencies.append(time.perf_counter() - t0)
        if time.perf_counter() > deadline:
            break
    if not latencies:
        latencies = first
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    status = Path("/proc/self/status").read_text().splitlines()
    anon_mb = next((int(line.split()[1]) / 1024 for line in status if line.startswith("RssAnon")), 0.0)
    return {"open_s": open_s, "anon_mb": anon_mb, "first": first, "latencies": latencies, "totals": totals,
            "rss_mb": rss_mb, "complete": complete, "queries": len(first)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("system")
    parser.add_argument("phase", choices=("build", "query", "names"))
    parser.add_argument("corpus", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=300.0)
    args = parser.parse_args()
    if args.phase == "names":
        system("hemeroteca").export_names_only(args.corpus, args.work)
        out = {}
    elif args.phase == "build":
        out = run_build(args.system, args.corpus, args.work)
    else:
        out = run_queries(args.system, args.work, args.repeat, args.budget)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
