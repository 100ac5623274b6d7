"""API limits and web safety (issue 8, parts 3 and 4).

Limits: ``q`` ≤ 1000 characters, ≤ 20 values per filter, ``per_page`` 1–100, ``page × per_page``
≤ 10,000, single-valued parameters given once; every error a 400/404/503 JSON body. Unknown
parameters are ignored, the same way on every route (README "Reliability").

Safety: every user string is escaped in HTML and highlights, including text inside the articles
(a paragraph containing ``<script>``); security headers on every response; the server binds to
127.0.0.1 by default and never runs in debug mode.
"""
from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from conftest import TINY_SEEDS, make_app, search
from search.cli import main as cli_main
from search.config import resolve
from search.engines.whoosh.indexer import build_index
from search.request import MAX_FILTER_VALUES, MAX_PER_PAGE, MAX_QUERY_LENGTH, MAX_RESULT_WINDOW

FILTERS = ("actor", "place", "year", "publication", "kind")
SCRIPT = '<script>alert("owned")</script>'


def assert_json_error(response, status: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}


# ---------------------------------------------------------------------------------- limits

def test_query_length_limit_is_exact(client):
    assert client.get("/api/search", query_string={"q": "a" * MAX_QUERY_LENGTH}).status_code == 200
    assert_json_error(client.get("/api/search", query_string={"q": "a" * (MAX_QUERY_LENGTH + 1)}), 400)


def test_query_length_counts_characters_not_bytes(client):
    q = "ó" * MAX_QUERY_LENGTH  # 2000 bytes of UTF-8
    assert client.get("/api/search", query_string={"q": q}).status_code == 200


@pytest.mark.parametrize("name", FILTERS)
def test_filter_value_count_limit_is_exact(client, name):
    value = {"year": "2019", "kind": "body"}.get(name, "Somebody")
    values = [f"{value}" if name in ("year", "kind") else f"{value} {i}" for i in range(MAX_FILTER_VALUES)]
    assert client.get("/api/search", query_string={name: values}).status_code == 200
    assert_json_error(client.get("/api/search", query_string={name: values + values[:1]}), 400)


def test_per_page_and_page_depth_limits_are_exact(client):
    ok = [f"per_page={MAX_PER_PAGE}", "per_page=1",
          f"page={MAX_RESULT_WINDOW // MAX_PER_PAGE}&per_page={MAX_PER_PAGE}",
          f"page={MAX_RESULT_WINDOW}&per_page=1"]
    bad = [f"per_page={MAX_PER_PAGE + 1}", "per_page=0",
           f"page={MAX_RESULT_WINDOW // MAX_PER_PAGE + 1}&per_page={MAX_PER_PAGE}",
           f"page={MAX_RESULT_WINDOW + 1}&per_page=1", "page=99999999999999999999999",
           "per_page=ten", "page=1e3"]
    for query in ok:
        response = client.get("/api/search?" + query)
        assert response.status_code == 200, query
        assert response.get_json()["hits"] == [] or "page=1" in query or "per_page=1" in query
    for query in bad:
        assert_json_error(client.get("/api/search?" + query), 400)


def test_a_page_past_the_results_is_empty_not_an_error(client):
    body = search(client, q="drought", page="50")
    assert body["hits"] == [] and body["total"] > 0 and body["page"] == 50


@pytest.mark.parametrize("name", ["q", "sort", "page", "per_page", "date_from", "date_to"])
def test_single_valued_parameters_given_twice_are_400(client, name):
    value = {"sort": "newest", "page": "1", "per_page": "10", "date_from": "2019-01-01",
             "date_to": "2019-01-01"}.get(name, "x")
    assert_json_error(client.get("/api/search", query_string={name: [value, value]}), 400)


def test_unknown_parameters_are_ignored_on_every_route(client):
    extra = {"utm_source": "mail", "Q": "other", "limit": "99999", "callback": "evil"}
    with_extra, without = search(client, q="drought", **extra), search(client, q="drought")
    with_extra.pop("took_ms"), without.pop("took_ms")
    assert with_extra == without
    for url in ("/api/documents", "/api/actors", "/openapi.json", "/"):
        assert client.get(url, query_string=extra).status_code == 200, url
    first = client.get("/api/documents").get_json()[0]["id"]
    assert client.get(f"/api/documents/{first}", query_string=extra).status_code == 200


def test_empty_values_are_the_same_as_absent_ones(client):
    assert search(client, q="", page="", per_page="", sort="", year="", date_from="")["total"] == \
        search(client)["total"]


@pytest.mark.parametrize("url, status", [
    ("/api/search?q=%00", 200), ("/api/search?q=%ff%fe", 200), ("/api/search?year=%ff", 400),
    ("/api/documents/%00", 404), ("/api/documents/" + "x" * 5000, 404),
    ("/api/actors/%ff", 404), ("/api/actors?type=%00", 400), ("/api/nothing", 404),
    ("/api/search/extra", 404)])
def test_odd_urls_are_json_errors_or_answers(client, url, status):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_are_405_json(client, method):
    response = getattr(client, method)("/api/search?q=x")
    assert_json_error(response, 405)
    assert "GET" in response.headers["Allow"]  # RFC 9110; schemathesis found it missing


def test_exports_are_bounded(tiny_index):
    app = make_app(TINY_SEEDS, tiny_index)
    app.config["MAX_EXPORT_ROWS"] = 5
    client = app.test_client()
    response = client.get("/export.json?q=")
    if response.status_code == 404:
        pytest.skip("no export route in this tree")
    body = response.get_json()
    assert response.status_code == 200 and len(body["hits"]) == 5 and body["truncated"] is True
    assert len(client.get("/export.csv?q=").get_data(as_text=True).strip().splitlines()) == 6


# ------------------------------------------------------------------------------ escaping

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A corpus whose article text, title and publication carry markup."""
    root = tmp_path_factory.mktemp("hostile")
    seeds = root / "seeds"
    shutil.copytree(TINY_SEEDS, seeds)
    (seeds / "x_hostile.txt").write_text(
        "Markup in the news\n\n"
        f"The minister posted {SCRIPT} on the ministry website, and the page showed it.\n\n"
        "Another line had <img src=x onerror=alert(1)> and a link "
        "<a href=\"javascript:alert(2)\">click</a> in the minister's text.\n", encoding="utf-8")
    with open(seeds / "catalog.toml", "a", encoding="utf-8") as catalog:
        catalog.write('\n[[article]]\nfile = "x_hostile.txt"\n'
                      f"title = 'Title {SCRIPT}'\npublication = '<b>Bold Press</b>'\n")
    build_index(resolve({"seeds_dir": seeds, "index_dir": root / "index"}))
    return make_app(seeds, root / "index").test_client()


def no_live_markup(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert '<a href="javascript:' not in html
    assert "<b>Bold Press</b>" not in html


def test_article_markup_is_escaped_in_api_highlights(hostile):
    body = search(hostile, q="minister")
    hits = [hit for hit in body["hits"] if hit["doc_id"] == "x_hostile"]
    assert len(hits) == 2
    for hit in hits:
        no_live_markup(hit["highlight"])
        assert "&lt;" in hit["highlight"] and "<mark>minister</mark>" in hit["highlight"]
    assert SCRIPT in hits[0]["text"] + hits[1]["text"]  # plain text stays plain text
    # a query for the markup's own words highlights inside the escaped text
    highlight = search(hostile, q="script alert")["hits"][0]["highlight"]
    no_live_markup(highlight)
    assert "&lt;<mark>script</mark>&gt;" in highlight


@pytest.mark.parametrize("url", [
    "/?q=minister", "/?q=script", "/documents/x_hostile", "/documents/x_hostile?q=script",
    f"/?q={SCRIPT}", f"/?q={SCRIPT}&year=abc", f"/documents/{SCRIPT}", f"/actors/{SCRIPT}",
    "/?publication=<b>Bold Press</b>", f"/documents/x_hostile?q={SCRIPT}"])
def test_every_html_page_escapes_user_and_article_strings(hostile, url):
    response = hostile.get(url)
    assert response.status_code in (200, 400, 404), url
    html = response.get_data(as_text=True)
    no_live_markup(html)
    # the only scripts are files from /static: no inline script, no event handler attributes
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.IGNORECASE)


def test_api_errors_echoing_user_input_are_json_not_html(hostile):
    response = hostile.get("/api/documents/" + SCRIPT)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")


# ---------------------------------------------------------------------- headers and serve

@pytest.mark.parametrize("url", ["/", "/?q=drought", "/api/search?q=x", "/api/documents",
                                 "/openapi.json", "/api/nothing", "/no-such-page",
                                 "/static/style.css", "/api/search?per_page=0"])
def test_security_headers_on_every_response(client, url):
    with client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")


def test_security_headers_on_503_too(tmp_path):
    response = make_app(TINY_SEEDS, tmp_path / "none").test_client().get("/api/search")
    assert response.status_code == 503
    assert "Content-Security-Policy" in response.headers


def test_serve_binds_to_localhost_by_default_and_never_debugs(monkeypatch, tiny_index):
    seen = {}

    def fake_serve(app, **kwargs):
        seen.update(kwargs, debug=app.debug)

    import waitress
    monkeypatch.setattr(waitress, "serve", fake_serve)
    result = CliRunner().invoke(cli_main, ["serve", "--seeds", str(TINY_SEEDS), "--index", str(tiny_index)])
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.1" and seen["debug"] is False
    assert make_app(TINY_SEEDS, tiny_index).debug is False


def test_a_server_error_shows_no_traceback(tiny_index):
    app = make_app(TINY_SEEDS, tiny_index)

    @app.get("/api/boom-for-test")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/api/boom-for-test")
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"]["code"] == "internal"
    assert "secret" not in body["error"]["message"] and "Traceback" not in response.get_data(as_text=True)
