"""/export.csv and /export.json: the whole result set of a search, bounded by MAX_EXPORT_ROWS."""
from __future__ import annotations

import csv
import io

import pytest
from markupsafe import Markup

from conftest import TINY_SEEDS, make_app, search
from web import create_app
from search.results import Hit
from web.export import CSV_COLUMNS, hits_to_csv


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _capped(index, limit: int):
    """The tiny corpus with exports capped at ``limit`` rows."""
    return create_app({"TESTING": True, "SEEDS_DIR": str(TINY_SEEDS), "INDEX_DIR": str(index),
                       "AUTO_INDEX": False, "MAX_EXPORT_ROWS": limit}).test_client()


def test_csv_has_a_header_and_every_hit_of_every_page(client):
    response = client.get("/export.csv", query_string={"sort": "oldest"})
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.get_data(as_text=True).splitlines()[0] == ",".join(CSV_COLUMNS)
    exported = rows(response)
    assert len(exported) == 28  # every paragraph, fetched page by page
    assert exported[0]["date"].startswith("2016")
    api = search(client, sort="oldest", per_page=100)
    assert [r["id"] for r in exported] == [h["id"] for h in api["hits"]]
    assert response.headers["X-Hemeroteca-Total"] == "28"
    assert response.headers["X-Hemeroteca-Truncated"] == "false"


def test_csv_keeps_utf8_and_joins_actors_and_places(client):
    exported = rows(client.get("/export.csv", query_string={"q": "Pérez"}))
    assert exported and any("José Pérez" in r["actors"].split("; ") for r in exported)
    hack = rows(client.get("/export.csv", query_string={"q": "hackers", "per_page": "1"}))
    first = next(r for r in hack if r["id"] == "d_chile_hack-p1")
    assert "Valparaíso" in first["places"].split("; ")
    assert "<script>alert(1)</script>" in first["text"], "CSV holds the text as it is, unescaped"


def test_export_takes_the_filters_but_ignores_page_and_per_page(client):
    params = {"q": "", "year": "2021", "page": "2", "per_page": "2"}
    assert len(rows(client.get("/export.csv", query_string=params))) == 6
    body = client.get("/export.json", query_string=params).get_json()
    assert body["total"] == 6 and body["exported"] == 6 and body["truncated"] is False
    assert {h["year"] for h in body["hits"]} == {2021}


def test_json_hits_have_the_api_shape(client):
    body = client.get("/export.json", query_string={"q": "drought"}).get_json()
    api = search(client, q="drought", per_page=100)
    assert body["query"] == "drought" and body["total"] == api["total"]
    assert [h["id"] for h in body["hits"]] == [h["id"] for h in api["hits"]]
    assert set(body["hits"][0]) == set(api["hits"][0])
    assert "note" not in body


def test_export_is_bounded_and_says_so(tiny_index):
    capped = _capped(tiny_index, 5)
    response = capped.get("/export.csv")
    assert len(rows(response)) == 5
    assert response.headers["X-Hemeroteca-Truncated"] == "true"
    assert response.headers["X-Hemeroteca-Total"] == "28"
    body = capped.get("/export.json").get_json()
    assert body["exported"] == 5 and body["truncated"] is True and "first 5 of 28" in body["note"]
    assert "the first 5 of these 28 paragraphs" in capped.get("/?sort=newest").get_data(as_text=True)


def test_downloads_are_attachments_with_a_filename_from_the_query(client):
    csv_response = client.get("/export.csv", query_string={"q": "Pérez López?"})
    disposition = csv_response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="hemeroteca-perez-lopez.csv"')
    assert "filename*=UTF-8''hemeroteca-perez-lopez.csv" in disposition
    json_response = client.get("/export.json", query_string={"actor": "José Pérez"})
    assert 'filename="hemeroteca-jose-perez.json"' in json_response.headers["Content-Disposition"]
    assert 'filename="hemeroteca-all.csv"' in client.get("/export.csv").headers["Content-Disposition"]


@pytest.mark.parametrize("params, name", [
    ({"sort": "sideways"}, "sort"),
    ({"year": "19x9"}, "year"),
    ({"date_from": "2020-13-01"}, "date_from"),
    ({"q": "x" * 1001}, "q"),
    ({"actor": ["a"] * 21}, "actor"),
])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_bad_parameter_is_a_400_json_error(client, params, name, fmt):
    response = client.get(f"/export.{fmt}", query_string=params)
    assert response.status_code == 400
    assert response.content_type == "application/json; charset=utf-8"
    error = response.get_json()["error"]
    assert error["code"] == "bad_parameter" and error["message"].startswith(name)


def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe():
    hit = Hit(id="x-p1", doc_id="x", position=1, kind="body", section=None, title="=HYPERLINK(1)",
              publication="+Times", date=None, year=None, text="-2 points, said @someone",
              highlight=Markup(""), actors=[{"name": "Ann", "type": "person"}], places=[], score=None)
    row = list(csv.reader(io.StringIO(hits_to_csv([hit]))))[1]
    assert row[4:7] == ["'=HYPERLINK(1)", "'+Times", ""]
    assert row[9] == "'-2 points, said @someone" and row[7] == "Ann"


def test_export_without_an_index_is_a_503_json_error(tmp_path):
    client = make_app(TINY_SEEDS, tmp_path / "no-index").test_client()
    for url in ("/export.csv?q=drought", "/export.json?q=drought"):
        response = client.get(url)
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "unavailable"
        assert "hemeroteca index" in response.get_json()["error"]["message"]
