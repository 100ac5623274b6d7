"""Index safety with real processes: a build killed with SIGKILL at any moment leaves the previous
index serving and the next build succeeds; two builds at once do not corrupt anything (the
second is refused with a clear message); a running server keeps answering while the index is
rebuilt under it and picks up the new one without a restart; an unreadable index is a 503
(issue 8, part 2). All of it for full rebuilds and for incremental updates (issue 14).

The crash tests run ``build_index`` in a child process with one function wrapped so that the
child writes a marker file and waits at a chosen moment; the test then sends it SIGKILL. The
random-moment tests kill a plain ``hemeroteca index`` (full, and incremental) at random times.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, TINY_SEEDS, make_app
from search.config import resolve
from search.engines.whoosh.generation import open_current
from search.engines.whoosh.indexer import build_index
from search.engines.whoosh.layout import current_generation
from search.request import parse_request
from search.engines.whoosh.searcher import run_search

TINY_PARAGRAPHS = 28
NEW_WORD = "zanzibarian"
NEW_ARTICLE = f"A new headline\n\nThe {NEW_WORD} delegation arrived in Lima on Monday.\n"

# A child build that stops at MOMENT: it writes PAUSED, then waits for RELEASE (or is killed).
# MODE is "full" (--full) or "incremental" (the index holds the seeds but one new article).
CHILD = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from search import changes
    from search import pipeline_cache
    from search.engines.whoosh import indexer
    from search.config import resolve

    moment, seeds, index, paused, release, mode = sys.argv[1:7]

    def pause():
        Path(paused).write_text(str(os.getpid()))
        deadline = time.time() + 60
        while not Path(release).exists() and time.time() < deadline:
            time.sleep(0.02)

    def before(function):
        def wrapped(*args, **kwargs):
            pause()
            return function(*args, **kwargs)
        return wrapped

    def after(function):
        def wrapped(*args, **kwargs):
            result = function(*args, **kwargs)
            pause()
            return result
        return wrapped

    progress = None
    if moment == "ingest":  # reading a seed file
        changes.ingest_file = before(changes.ingest_file)
    elif moment == "cache":  # writing the pipeline's state for the new seeds
        pipeline_cache.PipelineCache.save_state = before(pipeline_cache.PipelineCache.save_state)
    elif moment == "linked":  # the previous generation's files linked into the new one
        indexer._link_previous = after(indexer._link_previous)
    elif moment == "commit":  # inside Whoosh's commit (the merge policy runs there)
        indexer.MergePolicy.__call__ = before(indexer.MergePolicy.__call__)
    elif moment == "columns":  # the new segment written, its facet columns not yet
        indexer._write_new_columns = before(indexer._write_new_columns)
    elif moment == "writing":
        def progress(done, total, **stage):
            # halfway through writing the new generation (not an earlier stage's progress)
            writing = any(Path(index).glob(".gen-*.building"))
            if writing and done >= total // 2 and not Path(paused).exists():
                pause()
    elif moment == "directory":
        indexer._write_json = before(indexer._write_json)
    elif moment == "switch":
        indexer._switch_current = before(indexer._switch_current)
    elif moment == "replace":
        real_replace = os.replace
        def replace(source, target):
            if Path(target).name == indexer.CURRENT:
                pause()
            return real_replace(source, target)
        indexer.os.replace = replace
    elif moment == "cleanup":
        indexer._remove_old_generations = before(indexer._remove_old_generations)
    report = indexer.build_index(resolve({"seeds_dir": seeds, "index_dir": index}), progress=progress,
                                 full=mode == "full")
    print(Path(report.location))
""")
MOMENTS = ["ingest", "cache", "writing", "directory", "switch", "replace", "cleanup"]
INCREMENTAL_MOMENTS = ["linked", "commit", "columns"]  # only an incremental build has them
CASES = ([("full", moment) for moment in MOMENTS]
         + [("incremental", moment) for moment in MOMENTS + INCREMENTAL_MOMENTS])


@pytest.fixture
def seeds(tmp_path):
    copy = tmp_path / "seeds"
    shutil.copytree(TINY_SEEDS, copy)
    return copy


def start_child(moment: str, seeds: Path, index: Path, tmp_path: Path,
                mode: str = "incremental") -> tuple[subprocess.Popen, Path, Path]:
    paused, release = tmp_path / f"paused-{moment}", tmp_path / f"release-{moment}"
    child = subprocess.Popen([sys.executable, "-c", CHILD, moment, str(seeds), str(index),
                              str(paused), str(release), mode], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not paused.exists():
        assert child.poll() is None, child.communicate()
        assert time.time() < deadline, "the child build never reached its pause"
        time.sleep(0.02)
    return child, paused, release


def search_total(index: Path, q: str) -> int:
    return run_search(open_current(index), parse_request({"q": [q]})).total


def assert_serving(index: Path, expect_new_word: bool) -> None:
    generation = open_current(index)
    with generation.index.searcher() as searcher:
        count = searcher.doc_count()
    assert count == TINY_PARAGRAPHS + (1 if expect_new_word else 0)
    assert search_total(index, NEW_WORD) == (1 if expect_new_word else 0)
    assert search_total(index, "drought") > 0


def leftovers(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir()
                  if p.name.endswith(".building") or p.name.startswith(".current"))


@pytest.mark.parametrize("mode, moment", CASES)
def test_a_build_killed_at_any_moment_leaves_the_previous_index_serving(seeds, tmp_path, mode, moment):
    index = tmp_path / "index"
    settings = resolve({"seeds_dir": seeds, "index_dir": index})
    build_index(settings)
    before = current_generation(index)
    client = make_app(seeds, index).test_client()
    assert client.get("/api/search?q=drought").status_code == 200
    (seeds / "e_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")

    child, _, _ = start_child(moment, seeds, index, tmp_path, mode)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.communicate()
    assert child.returncode == -signal.SIGKILL

    # killed after the swap, the new index serves; before it, the previous one does, untouched
    swapped = moment == "cleanup"
    assert (current_generation(index) != before) is swapped
    assert_serving(index, expect_new_word=swapped)
    response = client.get(f"/api/search?q={NEW_WORD}")
    assert response.status_code == 200 and response.get_json()["total"] == (1 if swapped else 0)

    # the lock died with the process: the next build runs (incremental: the previous index and
    # the pipeline's cache are intact), and cleans what the killed one left
    report = build_index(settings)
    assert not report.skipped
    if not swapped:
        assert (report.added, report.unchanged) == (1, 5)
    assert current_generation(index) == Path(report.location)
    assert_serving(index, expect_new_word=True)
    assert leftovers(index) == []
    generations = [p for p in index.iterdir() if p.name.startswith("gen-")]
    assert len(generations) <= 2  # the new one and the previous one
    assert client.get(f"/api/search?q={NEW_WORD}").get_json()["total"] == 1


def live_ids(index: Path) -> list[str]:
    return sorted(open_current(index).docnum_of)


def test_a_real_index_command_killed_at_random_times(seeds, tmp_path):
    """kill -9 of `hemeroteca index --full` at random moments; every time, a consistent index."""
    for copy in range(30):  # about 850 paragraphs: a build lasts a few seconds
        for source in TINY_SEEDS.glob("*.txt"):
            shutil.copy(source, seeds / f"copy{copy:02d}_{source.name}")
    index = tmp_path / "index"
    command = [sys.executable, "-m", "search", "index", "--seeds", str(seeds), "--index", str(index), "--full"]
    started = time.perf_counter()
    assert subprocess.run(command, cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    duration = time.perf_counter() - started
    good = live_ids(index)
    rng = random.Random(9)
    for _ in range(4):
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, duration))
        child.kill()
        child.wait(timeout=30)
        assert live_ids(index) == good
    assert subprocess.run(command, cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    assert leftovers(index) == []
    assert live_ids(index) == good


def test_an_incremental_index_command_killed_at_random_times(seeds, tmp_path):
    """kill -9 of an incremental `hemeroteca index` at random moments: the index holds the
    seeds before the change or after it, never a mix, and the next run completes it."""
    for copy in range(30):
        for source in TINY_SEEDS.glob("*.txt"):
            shutil.copy(source, seeds / f"copy{copy:02d}_{source.name}")
    index = tmp_path / "index"
    command = [sys.executable, "-m", "search", "index", "--seeds", str(seeds), "--index", str(index)]
    assert subprocess.run(command, cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    before = live_ids(index)
    rng = random.Random(14)
    for round_number in range(3):
        # one article added, one removed, one changed
        (seeds / f"new{round_number}.txt").write_text(
            NEW_ARTICLE.replace(NEW_WORD, f"{NEW_WORD}{round_number}"), encoding="utf-8")
        (seeds / f"copy{round_number:02d}_b_kenya_drought.txt").unlink()
        changed = seeds / f"copy{10 + round_number:02d}_b_kenya_drought.txt"
        changed.write_text(changed.read_text(encoding="utf-8") + "\n\nA closing paragraph.\n",
                           encoding="utf-8")
        reference = tmp_path / f"reference{round_number}"
        build_index(resolve({"seeds_dir": seeds, "index_dir": reference}), full=True)
        after = live_ids(reference)
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 2.0))
        child.kill()
        child.wait(timeout=30)
        assert live_ids(index) in (before, after), time.perf_counter() - started
        finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert finished.returncode == 0, finished.stderr
        assert leftovers(index) == []
        assert live_ids(index) == after
        before = after


def test_a_second_build_while_one_runs_is_refused_with_a_clear_message(seeds, tmp_path):
    index = tmp_path / "index"
    build_index(resolve({"seeds_dir": seeds, "index_dir": index}))
    (seeds / "e_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    first, _, release = start_child("writing", seeds, index, tmp_path)  # holds the lock
    second = subprocess.run([sys.executable, "-m", "search", "index", "--seeds", str(seeds),
                             "--index", str(index)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert second.returncode == 1
    assert "another `hemeroteca index` is building" in second.stderr
    assert "Traceback" not in second.stderr
    assert_serving(index, expect_new_word=False)  # the refused build changed nothing
    release.write_text("go")
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert_serving(index, expect_new_word=True)


def test_two_builds_started_together_leave_one_good_index(seeds, tmp_path):
    index = tmp_path / "index"
    command = [sys.executable, "-m", "search", "index", "--seeds", str(seeds), "--index", str(index)]
    builds = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True) for _ in range(2)]
    results = [(b.wait(timeout=120), b.communicate()[1]) for b in builds]
    assert 0 in [code for code, _ in results]
    for code, err in results:
        assert code == 0 or "another `hemeroteca index` is building" in err, err
    assert_serving(index, expect_new_word=False)
    assert leftovers(index) == []


# -------------------------------------------------------------- a server during rebuilds

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_a_running_server_answers_during_rebuilds_and_picks_up_the_new_index(seeds, tmp_path):
    index = tmp_path / "index"
    settings = resolve({"seeds_dir": seeds, "index_dir": index})
    build_index(settings)
    port = free_port()
    env = {**os.environ, "HEMEROTECA_SEEDS": str(seeds), "HEMEROTECA_INDEX": str(index)}
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "search", "serve", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if get_json(base + "/api/search?q=drought")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.time() < deadline, "the server did not start"
            time.sleep(0.1)

        stop = threading.Event()
        statuses: list[int] = []

        def hammer() -> None:
            queries = ["drought", "peso", "sanctions", "", "Kenya", NEW_WORD]
            number = 0
            while not stop.is_set() and number < 5000:
                status, body = get_json(f"{base}/api/search?q={queries[number % len(queries)]}")
                statuses.append(status)
                assert "error" not in body or status != 200
                number += 1

        clients = [threading.Thread(target=hammer) for _ in range(3)]
        for thread in clients:
            thread.start()
        for round_number in range(3):
            (seeds / f"e_new{round_number}.txt").write_text(
                NEW_ARTICLE.replace(NEW_WORD, f"{NEW_WORD}{round_number}"), encoding="utf-8")
            build_index(settings)
            # picked up at once, no restart
            status, body = get_json(f"{base}/api/search?q={NEW_WORD}{round_number}")
            assert (status, body["total"]) == (200, 1)
        stop.set()
        for thread in clients:
            thread.join(timeout=30)
        assert statuses and set(statuses) == {200}, sorted(set(statuses))
    finally:
        server.kill()
        server.wait(timeout=30)
        log.close()


# -------------------------------------------------------------------- unreadable indexes

def break_by(how: str, generation: Path) -> None:
    if how == "dangling current":
        shutil.rmtree(generation)
    elif how == "no whoosh table of contents":
        for toc in generation.glob("*.toc"):
            toc.unlink()
    elif how == "truncated table of contents":
        for toc in generation.glob("*.toc"):
            toc.write_bytes(toc.read_bytes()[:20])
    elif how == "garbage table of contents":
        for toc in generation.glob("*.toc"):
            toc.write_bytes(os.urandom(toc.stat().st_size))
    elif how == "segment files gone":
        for segment in generation.glob("*.seg"):
            segment.unlink()
        for segment in generation.glob("*.trm"):
            segment.unlink()
    elif how == "directory.json garbage":
        (generation / "directory.json").write_text("{not json", encoding="utf-8")
    elif how == "directory.json missing":
        (generation / "directory.json").unlink()
    elif how == "facet columns missing":
        shutil.rmtree(generation / "columns")
    elif how == "built by another version":
        build = json.loads((generation / "build.json").read_text(encoding="utf-8"))
        (generation / "build.json").write_text(json.dumps({**build, "schema_version": 1}),
                                               encoding="utf-8")
    elif how == "current is a file":
        link = generation.parent / "current"
        link.unlink()
        link.write_text("oops", encoding="utf-8")


# Whoosh leaves a file handle open when it fails on a damaged table of contents.
@pytest.mark.filterwarnings("ignore::ResourceWarning",
                            "ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("how", ["dangling current", "no whoosh table of contents",
                                 "truncated table of contents", "garbage table of contents",
                                 "segment files gone", "directory.json garbage",
                                 "directory.json missing", "facet columns missing",
                                 "built by another version", "current is a file"])
def test_an_unreadable_index_is_a_503_with_a_hint(seeds, tmp_path, how):
    index = tmp_path / "index"
    report = build_index(resolve({"seeds_dir": seeds, "index_dir": index}))
    break_by(how, Path(report.location))
    client = make_app(seeds, index).test_client()
    for url in ("/api/search?q=drought", "/api/documents", "/api/actors"):
        response = client.get(url)
        assert response.status_code == 503, (url, response.get_data(as_text=True)[:500])
        body = response.get_json()
        assert body["error"]["code"] == "unavailable"
        assert "hemeroteca index" in body["error"]["message"]
    page = client.get("/")
    assert page.status_code == 503 and b"hemeroteca index" in page.data
    assert b"Traceback" not in page.data
    # and a build repairs it
    build_index(resolve({"seeds_dir": seeds, "index_dir": index}))
    assert client.get("/api/search?q=drought").status_code == 200


def test_load_test_smoke_on_the_tiny_corpus(tmp_path):
    """bench/load_test.py end to end, tiny and bounded: the real server, zero errors."""
    result = subprocess.run([sys.executable, "bench/load_test.py", "--seeds", str(TINY_SEEDS),
                             "--index", str(tmp_path / "index"), "--requests", "60",
                             "--duration", "30", "--clients", "3", "--threads", "2",
                             "--json", str(tmp_path / "load.json")],
                            cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "load.json").read_text(encoding="utf-8"))
    assert summary["errors"] == 0 and summary["requests"] == 60
    assert summary["overall"]["p99_ms"] >= summary["overall"]["p50_ms"] > 0


def test_serve_rebuilds_an_index_it_cannot_read_instead_of_crashing(seeds, tmp_path, monkeypatch):
    import waitress
    from click.testing import CliRunner

    from search.cli import main as cli_main
    index = tmp_path / "index"
    report = build_index(resolve({"seeds_dir": seeds, "index_dir": index}))
    (Path(report.location) / "build.json").write_text("{garbage", encoding="utf-8")
    monkeypatch.setattr(waitress, "serve", lambda app, **kwargs: None)
    result = CliRunner().invoke(cli_main, ["serve", "--seeds", str(seeds), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "cannot be read" in result.output
    assert current_generation(index) != Path(report.location)
    assert_serving(index, expect_new_word=False)
