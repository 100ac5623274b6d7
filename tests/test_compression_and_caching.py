"""Responses go out compressed to a client that accepts it, exports still stream, and static
files are served under versioned URLs that a browser may keep for a year."""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib

import pytest


@pytest.mark.parametrize("url, content_type", [
    ("/?q=&per_page=100", "text/html"),
    ("/api/search?q=&per_page=100", "application/json"),
])
def test_pages_and_json_are_gzipped_when_asked(client, url, content_type):
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers, "only for a client that asks"
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.mimetype == content_type
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    body = gzip.decompress(response.data)
    assert _steady(body) == _steady(plain.data)
    assert len(response.data) < len(body) / 2


def _steady(body: bytes) -> bytes:
    """A response without the time it took (the one part that differs between two runs)."""
    return re.sub(rb'"took_ms": [0-9.]+|in [0-9]+ ms', b"", body)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_exports_are_compressed_and_still_streamed(client, fmt):
    plain = client.get(f"/export.{fmt}?q=")
    response = client.get(f"/export.{fmt}?q=", headers={"Accept-Encoding": "deflate"}, buffered=False)
    assert response.headers["Content-Encoding"] == "deflate"
    # streamed: no length known up front, the body is an iterator compressed as it goes
    assert response.is_streamed and "Content-Length" not in response.headers
    body = zlib.decompress(b"".join(response.response))
    response.close()
    assert body == plain.data
    if fmt == "csv":
        assert len(list(csv.DictReader(io.StringIO(body.decode("utf-8"))))) == 28
    else:
        assert json.loads(body)["total"] == 28


def test_static_files_have_versioned_urls_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert {u.split("?")[0] for u in urls} == {"/static/style.css", "/static/app.js", "/static/favicon.svg"}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        cache = _cache_control(client, url)
        assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
    stale = _cache_control(client, "/static/style.css?v=000000000000")
    assert "no-cache" in stale and "max-age=31536000" not in stale
    assert "max-age=31536000" not in _cache_control(client, "/static/style.css")


def _cache_control(client, url: str) -> str:
    with client.get(url) as response:
        assert response.status_code == 200
        return response.headers["Cache-Control"]


def test_static_files_are_compressed_too(client):
    with client.get("/static/style.css", headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert b"Hemeroteca" in gzip.decompress(response.data)
