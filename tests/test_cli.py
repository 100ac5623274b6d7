"""The `hemeroteca` command through a real subprocess, as a user runs it."""
from __future__ import annotations

import json
import subprocess
import sys


from conftest import ROOT


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
