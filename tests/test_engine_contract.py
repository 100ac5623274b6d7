"""The API's contract (CONTRACT.md), checked on every engine: the embedded engine always, the
OpenSearch engine when HEMEROTECA_OPENSEARCH_URL points to a live OpenSearch 2.x cluster.

The OpenSearch leg loads the tiny corpus (tests/data/seeds) through `hemeroteca index --engine
opensearch` under the alias ``hemeroteca-test-<pid>``, runs the same checks, compares its hits
with the embedded engine's, and deletes what it loaded. No server can be installed on the
machines these tests were written on: there the leg is skipped, and says why.
"""
from __future__ import annotations

import csv
import io
import os

import pytest
from click.testing import CliRunner

from conftest import TINY_SEEDS, facet, make_app, search
from search.cli import main
from search.config import resolve
from search.engine import open_engine
from search.seeds import read_seeds

# Read at import: the session fixture of conftest.py removes HEMEROTECA_* before the tests run.
LIVE_URL = os.environ.get("HEMEROTECA_OPENSEARCH_URL")
SKIP_LIVE = "no live OpenSearch: set HEMEROTECA_OPENSEARCH_URL (docs/scale-out.md starts one) to run this leg"
UKRAINE = "c_saved_page_ukraine_brazil-a1"


@pytest.fixture(scope="module")
def opensearch_app(tmp_path_factory):
    if not LIVE_URL:
        pytest.skip(SKIP_LIVE)
    alias = f"hemeroteca-test-{os.getpid()}"
    flags = ["--engine", "opensearch", "--opensearch-url", LIVE_URL, "--opensearch-index", alias]
    loaded = CliRunner().invoke(main, ["index", "--seeds", str(TINY_SEEDS), *flags])
    engine = open_engine(resolve({"seeds_dir": TINY_SEEDS, "engine": "opensearch",
                                  "opensearch_url": LIVE_URL, "opensearch_index": alias}))
    try:
        assert loaded.exit_code == 0, loaded.output
        yield create_opensearch_app(alias), engine, alias
    finally:
        client = engine.client()
        for name in client.indices.get(index=f"{alias}-*", expand_wildcards="open,closed"):
            client.indices.delete(index=name)
        engine.close()


def create_opensearch_app(alias: str):
    from web import create_app
    return create_app({"TESTING": True, "SEEDS_DIR": str(TINY_SEEDS), "ENGINE": "opensearch",
                       "OPENSEARCH_URL": LIVE_URL, "OPENSEARCH_INDEX": alias, "AUTO_INDEX": False})


@pytest.fixture(params=["whoosh", "opensearch"])
def engine_client(request, tiny_index):
    if request.param == "whoosh":
        return make_app(TINY_SEEDS, tiny_index).test_client()
    app, _, _ = request.getfixturevalue("opensearch_app")
    return app.test_client()


def ids(result: dict) -> list[str]:
    return [hit["id"] for hit in result["hits"]]


# ---------------------------------------------------------------------------- search
def test_empty_query_returns_every_paragraph_with_facet_counts(engine_client):
    result = search(engine_client, q="", per_page=100)
    assert result["total"] == 28 and len(result["hits"]) == 28
    assert facet(result, "year") == {2016: 5, 2018: 6, 2019: 5, 2021: 6, 2022: 6}
    assert facet(result, "kind") == {"body": 26, "caption": 1, "pullquote": 1}
    assert facet(result, "publication") == {"Frontline Review": 12, "The Weekly Globe": 6, "Nairobi Herald": 5}


def test_stemming_and_accent_folding(engine_client):
    singular = search(engine_client, q="sanction", per_page=100)
    plural = search(engine_client, q="sanctions", per_page=100)
    assert {f"{UKRAINE}-p3", f"{UKRAINE}-p4"} <= set(ids(singular)) == set(ids(plural))
    plain, accented = search(engine_client, q="Perez", per_page=100), search(engine_client, q="Pérez", per_page=100)
    assert plain["total"] == accented["total"] > 0


def test_highlights_mark_matches_and_escape_the_text(engine_client):
    highlights = " ".join(h["highlight"] for h in search(engine_client, q="sanction", per_page=100)["hits"])
    assert "<mark>sanctions</mark>" in highlights and "<mark>sanction</mark>" in highlights
    hackers = search(engine_client, q="hackers", per_page=100)["hits"]
    script = next(h for h in hackers if "<script>" in h["text"])
    assert "<script>" not in script["highlight"] and "&lt;script&gt;" in script["highlight"]


def test_year_is_any_of_and_its_counts_ignore_its_own_selection(engine_client):
    everything = search(engine_client, q="")
    result = search(engine_client, q="", year=[2021, 2016], per_page=100)
    assert result["total"] == 11 and {h["year"] for h in result["hits"]} == {2016, 2021}
    assert facet(result, "year") == facet(everything, "year")


def test_actor_filter_requires_every_actor(engine_client):
    everything = search(engine_client, q="", per_page=100)
    name, count = next(iter(facet(everything, "actor").items()))
    one = search(engine_client, q="", actor=name, per_page=100)
    assert one["total"] == count
    assert all(name in [a["name"] for a in h["actors"]] for h in one["hits"])
    both = search(engine_client, q="", actor=[name, "Nobody At All"], per_page=100)
    assert both["total"] == 0
    assert {"value": "Nobody At All", "count": 0, "selected": True}.items() <= \
        next(v for v in both["facets"]["actor"] if v["value"] == "Nobody At All").items()


def test_dates_and_orders(engine_client):
    dated = search(engine_client, q="", date_from="2019-01-01", date_to="2021-12-31", per_page=100)
    assert {h["year"] for h in dated["hits"]} == {2019, 2021}
    newest = search(engine_client, q="", sort="newest", per_page=100)["hits"]
    oldest = search(engine_client, q="", sort="oldest", per_page=100)["hits"]
    assert [h["date"] for h in newest if h["date"]] == sorted((h["date"] for h in newest if h["date"]), reverse=True)
    assert [h["date"] for h in oldest if h["date"]] == sorted(h["date"] for h in oldest if h["date"])


def test_pages_split_the_result_without_overlap(engine_client):
    first = search(engine_client, q="", per_page=10)
    second = search(engine_client, q="", per_page=10, page=2)
    everything = search(engine_client, q="", per_page=20)
    assert ids(first) + ids(second) == ids(everything)


def test_like_finds_other_paragraphs_and_an_unknown_id_is_400(engine_client):
    similar = search(engine_client, like=f"{UKRAINE}-p3", per_page=100)
    assert f"{UKRAINE}-p3" not in ids(similar)
    response = engine_client.get("/api/search", query_string={"like": "no-such-paragraph"})
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_parameter"


def test_bad_parameters_are_400(engine_client):
    for params in ({"per_page": "0"}, {"year": "soon"}, {"sort": "random"}, {"kind": "poem"}):
        response = engine_client.get("/api/search", query_string=params)
        assert response.status_code == 400 and response.json["error"]["code"] == "bad_parameter"


# ---------------------------------------------------------------------------- directory
def test_documents_and_actors(engine_client):
    documents = engine_client.get("/api/documents").json
    assert [d["id"] for d in documents] == ["a_argentina_rates", "b_kenya_drought", f"{UKRAINE}",
                                            "c_saved_page_ukraine_brazil-a2", "d_chile_hack"]
    assert sum(d["paragraphs"] for d in documents) == 28
    ukraine = engine_client.get(f"/api/documents/{UKRAINE}").json
    assert [p["kind"] for p in ukraine["paragraphs"]] == ["caption", "body", "body", "body", "body", "body"]
    assert engine_client.get("/api/documents/nope").status_code == 404
    actors = engine_client.get("/api/actors").json
    assert actors and engine_client.get(f"/api/actors/{actors[0]['name']}").json["name"] == actors[0]["name"]


# ---------------------------------------------------------------------------- exports
def test_export_streams_every_match(engine_client):
    response = engine_client.get("/export.csv", query_string={"q": ""})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert response.status_code == 200 and len(rows) == 29 and response.headers["X-Hemeroteca-Total"] == "28"
    exported = engine_client.get("/export.json", query_string={"q": "drought"}).json
    assert exported["total"] == len(exported["hits"]) == search(engine_client, q="drought")["total"]


# ---------------------------------------------------------------------------- the two engines agree
@pytest.mark.parametrize("params", [
    {"q": "sanctions"}, {"q": "drought"}, {"q": "Pérez"}, {"q": "", "year": 2021},
    {"q": "", "kind": "caption"}, {"q": "central bank"},
])
def test_opensearch_finds_the_paragraphs_the_embedded_engine_finds(opensearch_app, client, params):
    app, _, _ = opensearch_app
    ours = search(app.test_client(), per_page=100, **params)
    embedded = search(client, per_page=100, **params)
    assert ours["total"] == embedded["total"]
    assert set(ids(ours)) == set(ids(embedded))
    assert ours["facets"] == embedded["facets"]


def test_a_loaded_index_is_up_to_date_and_a_reload_moves_the_alias(opensearch_app):
    _, engine, alias = opensearch_app
    assert engine.stale_reason(read_seeds(TINY_SEEDS)) is None
    before = engine.client().indices.get_alias(name=alias)
    result = CliRunner().invoke(main, ["index", "--full", "--seeds", str(TINY_SEEDS), "--engine", "opensearch",
                                       "--opensearch-url", LIVE_URL, "--opensearch-index", alias])
    assert result.exit_code == 0, result.output
    after = engine.client().indices.get_alias(name=alias)
    assert list(after) != list(before) and len(after) == 1
    assert search(create_opensearch_app(alias).test_client(), q="")["total"] == 28
