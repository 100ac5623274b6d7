"""An OpenSearch cluster that cannot be reached, or none configured, is a 503 ``unavailable``
with a hint in the web app and a message (exit 1, no traceback) in the CLI, never a 500.

The unreachable cluster is real: port 9 on the loopback interface (the discard port) has no
server here, so every connection is refused, as with a cluster that is down. Nothing answers in
its place.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import TINY_SEEDS
from search.cli import main
from search.config import resolve
from search.engine import EngineUnavailable, open_engine
from search.seeds import read_seeds
from web import create_app

DOWN = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def down_client():
    return create_app({"TESTING": True, "SEEDS_DIR": str(TINY_SEEDS), "ENGINE": "opensearch",
                       "OPENSEARCH_URL": DOWN}).test_client()


@pytest.mark.parametrize("url", ["/api/search?q=drought", "/api/documents", "/api/documents/d_chile_hack",
                                 "/api/actors", "/api/actors/José Pérez", "/export.csv?q=drought",
                                 "/export.json", "/api/search?like=d_chile_hack-p1"])
def test_api_and_exports_answer_503_with_the_hint(down_client, url):
    response = down_client.get(url)
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "unavailable"
    assert f"cannot reach OpenSearch at {DOWN}" in error["message"]
    assert "HEMEROTECA_OPENSEARCH_URL" in error["message"] and "docs/scale-out.md" in error["message"]


@pytest.mark.parametrize("url", ["/", "/?q=drought", "/documents/d_chile_hack"])
def test_pages_answer_503_with_the_hint(down_client, url):
    response = down_client.get(url)
    assert response.status_code == 503
    assert "text/html" in response.content_type
    assert "cannot reach OpenSearch" in response.get_data(as_text=True)


def test_no_url_configured_says_how_to_set_it():
    response = create_app({"TESTING": True, "ENGINE": "opensearch"}).test_client().get("/api/search")
    assert response.status_code == 503
    message = response.get_json()["error"]["message"]
    assert "HEMEROTECA_OPENSEARCH_URL" in message and "--opensearch-url" in message


def test_a_password_in_the_url_is_not_shown():
    client = create_app({"TESTING": True, "ENGINE": "opensearch",
                         "OPENSEARCH_URL": "http://admin:s3cret@127.0.0.1:9"}).test_client()
    message = client.get("/api/documents").get_json()["error"]["message"]
    assert "s3cret" not in message and "admin:***@127.0.0.1:9" in message


def test_the_engine_raises_engine_unavailable_for_every_question():
    engine = open_engine(resolve({"engine": "opensearch", "opensearch_url": DOWN}))
    for ask in (engine.seed_state, engine.documents, engine.actors,
                lambda: engine.stale_reason(read_seeds(TINY_SEEDS)), lambda: engine.facet_values("year")):
        with pytest.raises(EngineUnavailable, match="cannot reach OpenSearch"):
            ask()


def test_index_against_an_unreachable_cluster_exits_1_with_a_message():
    result = CliRunner().invoke(main, ["index", "--seeds", str(TINY_SEEDS), "--engine", "opensearch",
                                       "--opensearch-url", DOWN])
    assert result.exit_code == 1
    assert "error: cannot reach OpenSearch at http://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, EngineUnavailable)


def test_search_against_an_unreachable_cluster_exits_1_with_a_message():
    result = CliRunner().invoke(main, ["search", "drought", "--engine", "opensearch",
                                       "--opensearch-url", DOWN])
    assert result.exit_code == 1 and "cannot reach OpenSearch" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("url", ["/api/search?q=drought&mode=hybrid", "/export.csv?q=drought&mode=hybrid"])
def test_hybrid_is_a_400_saying_it_is_the_embedded_engines_not_a_missing_extra(down_client, url):
    # answered before the cluster is asked (it is down here): a request it could never serve
    response = down_client.get(url)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_parameter" and error["message"].startswith("mode: ")
    assert "embedded engine only" in error["message"]
    assert "pip install" not in error["message"]
