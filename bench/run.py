"""The benchmark: ``python -m bench.run [--sizes 10000,100000,300000] [--systems a,b]``.

For each size: generate the corpus (bench/work/corpus-N, kept between runs), build each
system's index in its own process (timed), then run the query set in another process (index
size, peak RSS, open time, p50/p95/p99 of search + 4 facets + 10 highlights). Prints the table
and writes bench/RESULTS.md (machine, versions, table, target ratios, growth to the largest
size, and bench/NOTES.md: what was measured and tried). Raw numbers go to bench/work/.
A system whose build at this size is estimated (linearly from the previous size) to take longer
than --build-limit seconds is skipped and the table says so.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import generate  # noqa: E402
from bench.queries import QUERIES  # noqa: E402
from bench.systems import SYSTEMS  # noqa: E402
from bench.systems.paragraphs import NAMES_FILE  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of ``values`` (seconds) in milliseconds."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank] * 1000


def phase(system: str, name: str, corpus: Path, work: Path, timeout: float, *extra: str) -> dict:
    command = [sys.executable, "-m", "bench.phase", system, name, str(corpus), str(work), *extra]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"{name} timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": f"{name} failed: " + done.stderr.strip().splitlines()[-1][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def available(system: str) -> bool:
    if system == "tantivy":
        try:
            import tantivy  # noqa: F401
        except ImportError:
            return False
    return True


def run(sizes: list[int], systems: list[str], repeat: int, budget: float, build_limit: float) -> list[dict]:
    rows: list[dict] = []
    previous: dict[str, tuple[int, float]] = {}
    for size in sizes:
        corpus = WORK / f"corpus-{size}"
        if not (corpus / "catalog.toml").exists():
            generate(size, corpus)
        base = WORK / f"run-{size}"
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        for system in systems:
            if system != "hemeroteca" and not (base / NAMES_FILE).exists():
                print(f"[{datetime.now():%H:%M:%S}] N={size}: actors for the peers (not timed)", flush=True)
                phase("hemeroteca", "names", corpus, base / "hemeroteca", build_limit * 3)
            row = {"system": system, "n": size}
            rows.append(row)
            if not available(system):
                row["error"] = "not installed (pip install -e '.[bench]')"
                continue
            if system in previous:
                n0, s0 = previous[system]
                estimate = s0 * size / n0
                if estimate > build_limit:
                    row["error"] = f"skipped: build estimated at {estimate:.0f} s (> {build_limit:.0f} s)"
                    continue
            print(f"[{datetime.now():%H:%M:%S}] {system} N={size}: build", flush=True)
            built = phase(system, "build", corpus, base / system, build_limit * 2)
            row.update(built)
            if "error" in built:
                continue
            previous[system] = (size, built["build_s"])
            print(f"[{datetime.now():%H:%M:%S}] {system} N={size}: queries "
                  f"(build {built['build_s']:.1f} s)", flush=True)
            queried = phase(system, "query", corpus, base / system, budget + 600,
                            "--repeat", str(repeat), "--budget", str(budget))
            row.update(queried)
            if "latencies" in queried:
                row.update({f"p{p}": percentile(queried["latencies"], p) for p in (50, 95, 99)})
                row["first_p95"] = percentile(queried["first"], 95)
            if system != "hemeroteca":
                shutil.rmtree(base / system, ignore_errors=True)  # disk: keep only ours
        (WORK / "results.json").write_text(json.dumps(rows, indent=1))
    return rows


def fmt(row: dict) -> str:
    if "error" in row and "p95" not in row:
        build = f"{row['build_s']:.1f}" if "build_s" in row else "–"
        return f"| {row['system']} | {row['n']:,} | {build} | – | – | – | – | – | – | – | {row['error']} |"
    note = "" if row.get("complete", True) else f"only {row['queries']} of {len(QUERIES)} queries within the time budget"
    return (f"| {row['system']} | {row['n']:,} | {row['build_s']:.1f} | {row['index_mb']:.0f} | "
            f"{row['open_s']:.2f} | {row['rss_mb']:.0f} | {row.get('anon_mb', 0):.0f} | {row['p50']:.1f} | {row['p95']:.1f} | "
            f"{row['p99']:.1f} | {note} |")


TABLE_HEAD = ("| system | N paragraphs | build s | index MB | open s | server RSS MB (peak) | of it anon MB "
              "| p50 ms | p95 ms | p99 ms | note |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")


def find(rows: list[dict], system: str, n: int) -> dict | None:
    return next((r for r in rows if r["system"] == system and r["n"] == n and "p95" in r), None)


def targets(rows: list[dict]) -> list[str]:
    out = []
    n = 100_000 if any(r["n"] == 100_000 for r in rows) else max(r["n"] for r in rows)
    ours, fts, whoosh = find(rows, "hemeroteca", n), find(rows, "sqlite-fts5", n), find(rows, "whoosh-plain", n)
    if ours and fts:
        ratio = ours["p95"] / fts["p95"]
        out.append(f"- p95 vs SQLite FTS5 at {n:,}: {ratio:.2f}× (target ≤ 2×): "
                   + ("met" if ratio <= 2 else f"missed by {ratio / 2:.1f}×"))
    if ours and whoosh:
        ratio = ours["p95"] / whoosh["p95"]
        out.append(f"- p95 vs plain Whoosh at {n:,}: {ratio:.2f}× (target ≤ 0.33×): "
                   + ("met" if ratio <= 1 / 3 else f"missed by {ratio * 3:.1f}×"))
        ratio = ours["build_s"] / whoosh["build_s"]
        out.append(f"- build (with actor extraction) vs plain Whoosh's build at {n:,}: {ratio:.2f}× "
                   "(target ≤ 1.5×): " + ("met" if ratio <= 1.5 else f"missed by {ratio / 1.5:.1f}×"))
    if ours:
        out.append(f"- server RSS at {n:,}: {ours['rss_mb']:.0f} MB (target < 500 MB): "
                   + ("met" if ours["rss_mb"] < 500 else "missed"))
    return out


def growth(rows: list[dict]) -> list[str]:
    sizes = sorted({r["n"] for r in rows})
    out = []
    for a, b in zip(sizes, sizes[1:]):
        out.append(f"From {a:,} to {b:,} paragraphs ({b / a:.0f}× the data; a ratio near {b / a:.0f} "
                   "is linear):")
        for system in SYSTEMS:
            r0, r1 = find(rows, system, a), find(rows, system, b)
            if not (r0 and r1):
                continue
            parts = []
            for key, name in (("build_s", "build"), ("index_mb", "index size"), ("rss_mb", "RSS"),
                              ("open_s", "open"), ("p50", "p50"), ("p95", "p95")):
                ratio = r1[key] / r0[key] if r0[key] else float("nan")
                kind = "linear" if ratio > 0.75 * b / a else "sub-linear"
                parts.append(f"{name} ×{ratio:.1f} ({kind})")
            out.append(f"- {system}: " + ", ".join(parts))
        out.append("")
    return out


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    versions = []
    for package in ("whoosh", "numpy", "flask", "tantivy"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} not installed")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return [f"- machine: {os.cpu_count()} cores ({cpu}), {mem / 1024 / 1024:.1f} GiB memory, "
            f"{platform.system()} {platform.release()}; shared with other work, so compare ratios "
            "within this run",
            f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, " + ", ".join(versions),
            f"- code: git {commit} plus the working tree; run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"]


def write_results(rows: list[dict], args: argparse.Namespace, seconds: float) -> str:
    table = "\n".join([TABLE_HEAD] + [fmt(r) for r in rows])
    notes = (BENCH / "NOTES.md").read_text(encoding="utf-8") if (BENCH / "NOTES.md").exists() else ""
    text = "\n".join([
        "# Benchmark results", "",
        f"Written by `python -m bench.run --sizes {args.sizes}` in {seconds / 60:.0f} minutes "
        "(one run; do not edit by hand).", "",
        *machine(), "",
        f"Work per query: search + counts of 4 facets (actor, place, year, publication) over all "
        f"matches + highlights of the first 10 hits; {len(QUERIES)} queries (bench/queries.py), "
        f"one warm-up pass then {args.repeat} timed passes. Build = ingest of the corpus files + "
        "indexing (Hemeroteca also extracts actors; peers index the actors it found). Server RSS = "
        "peak RSS of the process that opened the index and ran the queries (it includes the file "
        "pages of any memory-mapped index: plain Whoosh maps its segments, Hemeroteca does not; "
        "anon MB = its non-file memory at the end). Open = opening the "
        "index in a fresh process (cold start).", "",
        table, "", "## Targets (issue 7)", "", *targets(rows), "", "## Growth", "", *growth(rows), "",
        notes])
    # bench.hybrid's and bench.incremental's sections are their own runs': carry them over
    previous = (BENCH / "RESULTS.md").read_text(encoding="utf-8") if (BENCH / "RESULTS.md").exists() else ""
    for section in ("bench.hybrid", "bench.incremental"):
        start, end = f"<!-- {section}: start -->", f"<!-- {section}: end -->"
        if start in previous and end in previous:
            text = text.rstrip("\n") + "\n\n" + start + previous.split(start, 1)[1].split(end, 1)[0] + end + "\n"
    (BENCH / "RESULTS.md").write_text(text, encoding="utf-8")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description="Hemeroteca vs peers at several corpus sizes")
    parser.add_argument("--sizes", default="10000,100000,300000")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=150.0, help="seconds of queries per system and size")
    parser.add_argument("--build-limit", type=float, default=420.0)
    parser.add_argument("--render", type=Path, metavar="RESULTS_JSON",
                        help="only rewrite RESULTS.md from a finished run's results.json")
    parser.add_argument("--minutes", type=float, default=0.0, help="with --render: that run's length")
    args = parser.parse_args()
    if args.render:
        rows = json.loads(args.render.read_text())
        print(write_results(rows, args, args.minutes * 60))
        print("\n".join(targets(rows)))
        return
    started = time.perf_counter()
    rows = run([int(s) for s in args.sizes.split(",")], args.systems.split(","), args.repeat,
               args.budget, args.build_limit)
    print(write_results(rows, args, time.perf_counter() - started))
    print("\n".join(targets(rows)))


if __name__ == "__main__":
    main()
