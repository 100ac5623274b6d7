"""Every error of the JSON API has one shape: {"error": {"code": …, "message": …}}.

400 bad_parameter for any malformed or out-of-range parameter, 404 not_found for unknown
documents, actors and routes under /api, 405 method_not_allowed for a method a route does not
take, 503 unavailable when there is no index. Never a 500.
"""
from __future__ import annotations

import pytest

from conftest import TINY_SEEDS, make_app


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


@pytest.mark.parametrize("query_string", [
    "per_page=0", "per_page=1000", "per_page=-1", "per_page=1.5", "page=abc", "page=0",
    "date_from=notadate", "date_to=2019-02-30", "sort=sideways", "year=nineteen",
    "date_from=2020-01-01&date_to=2019-01-01", "page=2&page=3", "page=101&per_page=100",
    "q=" + "x" * 1001, "&".join(f"actor=A{i}" for i in range(21)),
    "kind=animal",
    # only ASCII digits are numbers; int() alone would take these
    "per_page=%EF%BC%91%EF%BC%90", "page=1_0", "per_page=%205",
    # the bound on filter values holds even when they are empty
    "&".join("actor=" for _ in range(21)),
])
def test_bad_search_parameter_is_400_bad_parameter(client, query_string):
    assert_error(client.get("/api/search?q=x&" + query_string), 400, "bad_parameter")


def test_bad_actor_type_is_400(client):
    assert_error(client.get("/api/actors?type=animal"), 400, "bad_parameter")


@pytest.mark.parametrize("url", ["/api/documents/does-not-exist", "/api/actors/Nobody%20Atall",
                                 "/api/nothing-here"])
def test_unknown_thing_is_404_not_found(client, url):
    assert_error(client.get(url), 404, "not_found")


def test_wrong_method_is_405_method_not_allowed(client):
    assert_error(client.post("/api/search"), 405, "method_not_allowed")
    codes = client.get("/openapi.json").get_json()["components"]["schemas"]["Error"]
    assert "method_not_allowed" in codes["properties"]["error"]["properties"]["code"]["enum"]


def test_missing_index_is_503_with_a_hint(tmp_path):
    client = make_app(TINY_SEEDS, tmp_path / "no-index").test_client()
    response = client.get("/api/search?q=x")
    assert_error(response, 503, "unavailable")
    assert "hemeroteca index" in response.get_json()["error"]["message"]


def test_missing_index_page_is_html_503(tmp_path):
    client = make_app(TINY_SEEDS, tmp_path / "no-index").test_client()
    response = client.get("/")
    assert response.status_code == 503
    assert b"hemeroteca index" in response.data


@pytest.mark.parametrize("q", ['"', "(", ")", "AND", "OR OR", "NOT", "*", "?", "~", "^", ":", "title:",
                               "year:[2019 TO", "year:abc", "a" * 1000, "\x00", "%", "\\", "{}[]",
                               "field:value:other", "'unbalanced", "Guaido~9", "year:2019..20",
                               # numeric and ID fields have terms that are not words to highlight
                               "year:2016", "year:2016 drought", "kind:caption", "year:[2016 TO 2019]"])
def test_odd_queries_never_500(client, q):
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code in (200, 400)
    assert response.get_json() is not None


def test_openapi_describes_every_route(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3")
    assert {"/api/search", "/api/documents", "/api/documents/{doc_id}", "/api/actors",
            "/api/actors/{name}"} <= set(spec["paths"])


def test_security_headers_on_pages_and_api(client):
    for url in ("/", "/api/search?q=x"):
        headers = client.get(url).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
