"""The `hemeroteca` command through a real subprocess, as a user runs it."""
from __future__ import annotations

import json
import subprocess
import sys


from conftest import ROOT, TINY_SEEDS


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "search", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)


def test_index_prints_a_summary_and_exits_0(seeds, tmp_path):
    result = run("index", "--seeds", str(seeds), "--index", str(tmp_path / "index"))
    assert result.returncode == 0, result.stderr
    assert "5 added, 0 changed, 0 removed, 0 unchanged documents; 28 paragraphs" in result.stdout
    assert (tmp_path / "index" / "current").exists()


def test_index_reports_a_skipped_file_and_exits_1(seeds, tmp_path):
    (seeds / "broken.txt").write_bytes(b"\x00\xff\x00\xfe" * 100)
    result = run("index", "--seeds", str(seeds), "--index", str(tmp_path / "index"))
    assert result.returncode == 1
    assert "broken.txt" in result.stderr
    assert "28 paragraphs" in result.stdout


def test_malformed_catalog_names_the_line_and_leaves_the_index_alone(seeds, tmp_path):
    index = tmp_path / "index"
    assert run("index", "--seeds", str(seeds), "--index", str(index)).returncode == 0
    before = (index / "current").resolve()
    (seeds / "catalog.toml").write_text('[[article]]\nfile = "a.txt"\ndate = \n', encoding="utf-8")
    result = run("index", "--seeds", str(seeds), "--index", str(index))
    assert result.returncode == 1
    assert "line 3" in result.stderr
    assert "Traceback" not in result.stderr
    assert (index / "current").resolve() == before


def test_missing_seeds_folder_is_a_usage_error(tmp_path):
    result = run("index", "--seeds", str(tmp_path / "nope"), "--index", str(tmp_path / "index"))
    assert result.returncode == 2
    assert "seeds" in result.stderr


def test_search_json_is_the_api_shape(seeds, tmp_path):
    index = tmp_path / "index"
    run("index", "--seeds", str(seeds), "--index", str(index))
    result = run("search", "sanctions", "--json", "--seeds", str(seeds), "--index", str(index))
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["total"] > 0 and {"hits", "facets", "suggestion"} <= set(body)


def test_search_filters_from_flags(seeds, tmp_path):
    index = tmp_path / "index"
    run("index", "--seeds", str(seeds), "--index", str(index))
    result = run("search", "--year", "2016", "--json", "--seeds", str(seeds), "--index", str(index))
    body = json.loads(result.stdout)
    assert body["total"] == 5 and {h["year"] for h in body["hits"]} == {2016}


def test_search_for_a_terminal_marks_matches(seeds, tmp_path):
    index = tmp_path / "index"
    run("index", "--seeds", str(seeds), "--index", str(index))
    result = run("search", "drought", "--seeds", str(seeds), "--index", str(index))
    assert result.returncode == 0
    assert "[drought]" in result.stdout.lower()


def test_search_bad_flag_value_is_usage_error(seeds, tmp_path):
    result = run("search", "x", "--sort", "sideways", "--seeds", str(seeds), "--index", str(tmp_path / "i"))
    assert result.returncode == 2
    assert "sort" in result.stderr


def test_env_vars_configure_the_folders(seeds, tmp_path):
    import os
    env = {**os.environ, "HEMEROTECA_SEEDS": str(seeds), "HEMEROTECA_INDEX": str(tmp_path / "env-index")}
    result = run("index", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "env-index" / "current").exists()


def test_search_on_a_damaged_index_says_rebuild_without_a_traceback(seeds, tmp_path):
    index = tmp_path / "index"
    run("index", "--seeds", str(seeds), "--index", str(index))
    for toc in (index / "current").resolve().glob("*.toc"):
        toc.write_bytes(b"\x80garbage")
    result = run("search", "drought", "--seeds", str(seeds), "--index", str(index))
    assert result.returncode == 1
    assert "hemeroteca index" in result.stderr
    assert "Traceback" not in result.stderr


# --- in process, through click's runner (issue 15): first start, paging and every filter -----

def invoke(*args: str):
    from click.testing import CliRunner
    from search.cli import main
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def in_tiny(tiny_index, *args: str):
    return invoke(*args, "--seeds", str(TINY_SEEDS), "--index", str(tiny_index))


def test_first_start_says_in_plain_words_that_it_builds_the_index(seeds, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default folders: ./seeds (the tiny corpus) and ./index
    result = invoke("search", "drought")
    assert result.exit_code == 0, result.output
    assert "building the index from ./seeds (first start)…" in result.stderr
    assert "no index" not in result.stderr
    again = invoke("search", "drought")
    assert "building" not in again.stderr  # only the first start builds


def test_search_says_which_page_it_is_and_how_to_get_the_next(tiny_index):
    first = in_tiny(tiny_index, "search", "--per-page", "2")
    assert first.exit_code == 0, first.output
    assert "page 1 of 14: hits 1–2 of 28; next: --page 2" in first.stdout
    second = in_tiny(tiny_index, "search", "--per-page", "2", "--page", "2")
    assert "page 2 of 14: hits 3–4 of 28; next: --page 3" in second.stdout
    last = in_tiny(tiny_index, "search", "--per-page", "2", "--page", "14")
    assert "page 14 of 14: hits 27–28 of 28" in last.stdout and "next" not in last.stdout
    past = in_tiny(tiny_index, "search", "--per-page", "2", "--page", "99")
    assert "page 99 is past the end: the last page is 14 (--page 14)" in past.stdout


def test_search_kind_keeps_only_that_kind(tiny_index):
    body = json.loads(in_tiny(tiny_index, "search", "--kind", "caption", "--json").stdout)
    assert body["total"] == 1 and [h["kind"] for h in body["hits"]] == ["caption"]
    both = json.loads(in_tiny(tiny_index, "search", "--kind", "caption", "--kind", "pullquote",
                              "--json").stdout)
    assert both["total"] == 2


def test_search_date_range_keeps_only_dates_inside_it(tiny_index):
    body = json.loads(in_tiny(tiny_index, "search", "--date-from", "2021-01-01", "--date-to",
                              "2021-12-31", "--json", "--per-page", "100").stdout)
    assert body["total"] == 6
    assert all(h["date"].startswith("2021") for h in body["hits"])
    after = json.loads(in_tiny(tiny_index, "search", "--date-from", "2021-11-19", "--json").stdout)
    assert all(h["date"] > "2021-11-18" for h in after["hits"])


def test_search_bad_date_is_a_usage_error(tiny_index):
    result = in_tiny(tiny_index, "search", "--date-from", "last week")
    assert result.exit_code == 2
    assert "date_from" in result.stderr


def test_search_like_lists_other_paragraphs_like_it(tiny_index):
    source = json.loads(in_tiny(tiny_index, "search", "drought", "--json").stdout)["hits"][0]
    body = json.loads(in_tiny(tiny_index, "search", "--like", source["id"], "--json").stdout)
    assert body["total"] > 0
    assert source["id"] not in [h["id"] for h in body["hits"]]
    printed = in_tiny(tiny_index, "search", "--like", source["id"])
    assert printed.exit_code == 0 and f"[{body['hits'][0]['id']}]" in printed.stdout
    unknown = in_tiny(tiny_index, "search", "--like", "no-such-paragraph")
    assert unknown.exit_code == 2 and "like" in unknown.stderr


def test_index_overtaken_by_another_build_says_run_it_again_and_keeps_the_other(seeds, tmp_path, monkeypatch):
    """A build whose plan another build overtook (IndexBusy, search/engine.py): one line saying
    to run it again, exit 1, no traceback, and the other build's index left serving."""
    import search.changes as changes
    from search.config import resolve
    from search.engines.whoosh.indexer import build_index
    from search.engines.whoosh.layout import current_generation
    index = tmp_path / "index"
    assert invoke("index", "--seeds", str(seeds), "--index", str(index)).exit_code == 0
    (seeds / "early.txt").write_text("Harbour pilots went on strike in the spring.\n", encoding="utf-8")
    planned_by_cli = changes.plan_changes

    def overtaken(*args, **kwargs):
        plan = planned_by_cli(*args, **kwargs)
        (seeds / "late.txt").write_text("The ferry timetable changed again.\n", encoding="utf-8")
        build_index(resolve({"seeds_dir": seeds, "index_dir": index}))  # finishes first
        return plan

    monkeypatch.setattr(changes, "plan_changes", overtaken)
    from click.testing import CliRunner
    from search.cli import main
    result = CliRunner().invoke(main, ["index", "--seeds", str(seeds), "--index", str(index)])
    assert result.exit_code == 1, result.output
    assert "changed while this build read the seeds" in result.stderr
    assert "hemeroteca index` again" in result.stderr and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    other = current_generation(index)
    monkeypatch.undo()
    searched = invoke("search", "ferry", "--json", "--seeds", str(seeds), "--index", str(index))
    assert json.loads(searched.output)["total"] == 1       # the other build's article serves
    assert current_generation(index) == other              # and nothing needed rebuilding
