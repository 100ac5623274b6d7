"""Shared fixtures: real indexes built into temp folders, the Flask app and its test client.

The tiny corpus (tests/data/seeds, described in tests/data/README.md) has answers written by
hand; the seed corpus (seeds/) is what a new user searches.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from search.config import resolve
from search.engines.whoosh.indexer import build_index
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
TINY_SEEDS = ROOT / "tests" / "data" / "seeds"
REAL_SEEDS = ROOT / "seeds"
README = ROOT / "README.md"


def readme_query_rows() -> list[tuple[tuple[str, ...], str]]:
    """The rows of README's "Query language" table: (what you type, each in backticks; what it
    finds, as plain text)."""
    section = README.read_text(encoding="utf-8").split("\n## Query language\n", 1)[1].split("\n#", 1)[0]
    rows = []
    for syntax, meaning in re.findall(r"^\| (`.*`) \| (.*) \|$", section, re.M):
        rows.append((tuple(re.findall(r"`([^`]+)`", syntax)), " ".join(meaning.replace("`", "").split())))
    return rows


@pytest.fixture(autouse=True, scope="session")
def _standard_environ():
    """Remove HEMEROTECA_* so a developer's shell cannot change what the tests see."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("HEMEROTECA_")}
    for key in saved:
        del os.environ[key]
    yield
    os.environ.update(saved)


def _build(seeds: Path, index: Path):
    return build_index(resolve({"seeds_dir": seeds, "index_dir": index}))


@pytest.fixture
def seeds(tmp_path) -> Path:
    """A writable copy of the tiny corpus, for tests that add, break or remove files."""
    copy = tmp_path / "seeds"
    shutil.copytree(TINY_SEEDS, copy)
    return copy


@pytest.fixture(scope="session")
def tiny_index(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("tiny-index")
    _build(TINY_SEEDS, index)
    return index


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("seed-index")
    _build(REAL_SEEDS, index)
    return index


def make_app(seeds: Path, index: Path):
    return create_app({"TESTING": True, "SEEDS_DIR": str(seeds), "INDEX_DIR": str(index),
                       "AUTO_INDEX": False})


@pytest.fixture(scope="session")
def app(tiny_index):
    return make_app(TINY_SEEDS, tiny_index)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def seed_client(seed_index):
    return make_app(REAL_SEEDS, seed_index).test_client()


def search(client, **params) -> dict:
    """GET /api/search with ``params`` (lists repeat the parameter) and return the JSON body."""
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def facet(result: dict, name: str) -> dict:
    """A facet of a search result as {value: count}."""
    return {entry["value"]: entry["count"] for entry in result["facets"][name]}


def combined_corpus(folder: Path) -> Path:
    """The seed and tiny corpora in one seeds folder (their catalogs joined)."""
    seeds = folder / "seeds"
    seeds.mkdir()
    for source in (*REAL_SEEDS.glob("*.txt"), REAL_SEEDS / "catalog.toml", *TINY_SEEDS.glob("*.*")):
        target = seeds / source.name
        if source.name == "catalog.toml" and target.exists():
            target.write_text(target.read_text(encoding="utf-8") + "\n" + source.read_text(encoding="utf-8"),
                              encoding="utf-8")
        else:
            target.write_bytes(source.read_bytes())
    return seeds


@pytest.fixture
def two_segment_index(tmp_path, monkeypatch):
    """The combined corpus written by two processes into two segments, as big corpora are."""
    from search.engines.whoosh import indexer
    from search.engines.whoosh.generation import open_current
    monkeypatch.setattr(indexer, "PARALLEL_FROM", 1)
    settings = resolve({"seeds_dir": combined_corpus(tmp_path), "index_dir": tmp_path / "index"})
    indexer.build_index(settings)
    return open_current(settings.index_dir)
