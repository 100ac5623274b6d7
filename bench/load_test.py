"""Load test: the production server (``hemeroteca serve``: waitress, a few threads) on 127.0.0.1,
hit by a small threaded client with a mix of queries, facets, filters, sorts and pages.

Usage::

    python bench/generate_corpus.py --paragraphs 100000 --out bench/work/load-seeds
    python bench/load_test.py --seeds bench/work/load-seeds --index bench/work/load-index \\
        [--requests 2000] [--duration 180] [--clients 8] [--threads 4] [--json OUT]

Builds the index first when it is missing (that takes minutes at 100,000 paragraphs). Bounded
twice: at most ``--requests`` requests and ``--duration`` seconds, then it stops the server.
Only ever talks to 127.0.0.1. Reports throughput, latency percentiles (p50/p95/p99/max) per kind
of request and overall, and every error; exits 1 when any request failed (not a 200 with the
expected JSON).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # never anything else: this is a load test of our own server

WORDS = ["sanctions", "oil", "election", "inflation", "drought", "government", "opposition",
         "president", "army", "protest", "court", "economy", "rates", "congress", "police",
         "vote", "talks", "crisis", "minister", "peso", "farmers", "prices", "military", "aid"]
QUERY_SHAPES = ["{w}", "{w} {v}", '"{w} {v}"', "{w} AND {v}", "{w} OR {v}", "{w} -{v}",
                "{p}*", "{w}~", "title:{w}", "year:2010..2020 {w}", ""]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def wait_for_server(port: int, server: subprocess.Popen, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            status, _ = get(conn, "/api/search?q=&per_page=1")
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer in time")


def facet_values(port: int) -> dict[str, list[str]]:
    """Real facet values to filter by: the most frequent actors, places, years, publications."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    status, body = get(conn, "/api/search?q=&per_page=1")
    conn.close()
    facets = json.loads(body)["facets"]
    return {name: [str(entry["value"]) for entry in facets.get(name, [])[:15]]
            for name in ("actor", "place", "year", "publication")}


def make_requests(count: int, facets: dict[str, list[str]], seed: int) -> list[tuple[str, str]]:
    """(kind, path) pairs: searches with and without filters, deep pages, sorts, documents."""
    rng = random.Random(seed)
    requests = []
    for _ in range(count):
        w, v = rng.sample(WORDS, 2)
        q = rng.choice(QUERY_SHAPES).format(w=w, v=v, p=w[:4])
        params: list[tuple[str, str]] = [("q", q)]
        roll = rng.random()
        kind = "search"
        if roll < 0.45 and any(facets.values()):
            kind = "search+facet"
            for name in rng.sample([n for n in facets if facets[n]], k=rng.randint(1, 2)):
                params.append((name, rng.choice(facets[name])))
        elif roll < 0.60:
            kind = "search+page"
            params += [("page", str(rng.randint(2, 20))), ("per_page", rng.choice(["10", "20", "50"]))]
        elif roll < 0.70:
            kind = "search+sort"
            params += [("sort", rng.choice(["newest", "oldest"]))]
        elif roll < 0.75:
            kind = "actors"
            requests.append((kind, "/api/actors?" + urlencode({"q": w[:3]})))
            continue
        elif roll < 0.78:
            kind = "page"
            requests.append((kind, "/?" + urlencode(params)))
            continue
        requests.append((kind, "/api/search?" + urlencode(params, quote_via=quote)))
    return requests


def run_clients(port: int, requests: list[tuple[str, str]], clients: int, duration: float) -> dict:
    lock = threading.Lock()
    queue = iter(requests)
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    stop_at = time.perf_counter() + duration

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        while time.perf_counter() < stop_at:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            kind, path = item
            started = time.perf_counter()
            try:
                status, body = get(conn, path)
                ok = status == 200 and (kind == "page" or body[:1] in (b"{", b"["))
                problem = None if ok else f"{status} {path} {body[:200]!r}"
            except (OSError, http.client.HTTPException) as error:
                problem = f"{type(error).__name__}: {error} on {path}"
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.setdefault(kind, []).append(elapsed)
                if problem:
                    errors.append(problem)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"wall": time.perf_counter() - started, "latencies": latencies, "errors": errors}


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return {"n": len(ordered), "p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000,
            "p99_ms": cuts[98] * 1000, "max_ms": ordered[-1] * 1000}


def report(result: dict, paragraphs: int, args: argparse.Namespace) -> dict:
    every = [value for values in result["latencies"].values() for value in values]
    summary = {
        "paragraphs": paragraphs, "server_threads": args.threads, "clients": args.clients,
        "requests": len(every), "seconds": round(result["wall"], 1),
        "throughput_rps": round(len(every) / result["wall"], 1) if result["wall"] else 0.0,
        "errors": len(result["errors"]),
        "overall": {k: round(v, 1) for k, v in percentiles(every).items()} if every else {},
        "by_kind": {kind: {k: round(v, 1) for k, v in percentiles(values).items()}
                    for kind, values in sorted(result["latencies"].items())},
    }
    print(f"{summary['requests']} requests in {summary['seconds']} s from {args.clients} clients "
          f"→ {summary['throughput_rps']} req/s; server: waitress, {args.threads} threads; "
          f"index: {paragraphs:,} paragraphs")
    print(f"{'kind':<14}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for kind, row in [*summary["by_kind"].items(), ("ALL", summary["overall"])]:
        print(f"{kind:<14}{row['n']:>6}{row['p50_ms']:>10.1f}{row['p95_ms']:>10.1f}"
              f"{row['p99_ms']:>10.1f}{row['max_ms']:>10.1f}")
    print(f"errors: {summary['errors']}")
    for error in result["errors"][:20]:
        print("  " + error)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=2000, help="at most this many requests")
    parser.add_argument("--duration", type=float, default=180, help="at most this many seconds")
    parser.add_argument("--clients", type=int, default=8, help="client threads")
    parser.add_argument("--threads", type=int, default=4, help="server (waitress) threads")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the summary here")
    args = parser.parse_args(argv)
    if not (args.index / "current").exists():
        print(f"building the index of {args.seeds} into {args.index} first", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "search", "index", "--seeds", str(args.seeds),
                        "--index", str(args.index)], cwd=ROOT, check=False)
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("HEMEROTECA_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--host", HOST, "--port", str(port),
         "--threads", str(args.threads), "--seeds", str(args.seeds), "--index", str(args.index)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_server(port, server, timeout=600)
        facets = facet_values(port)
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        paragraphs = json.loads(get(conn, "/api/search?q=&per_page=1")[1])["total"]
        conn.close()
        requests = make_requests(args.requests, facets, args.seed)
        result = run_clients(port, requests, args.clients, args.duration)
        summary = report(result, paragraphs, args)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
