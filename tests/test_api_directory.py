"""/api/documents and /api/actors: what the archive holds, and who is named in it."""
from __future__ import annotations

from urllib.parse import quote

from conftest import search


def test_documents_list_has_metadata_and_paragraph_counts(client):
    documents = client.get("/api/documents").get_json()
    by_id = {d["id"]: d for d in documents}
    assert set(by_id) == {"a_argentina_rates", "b_kenya_drought", "c_saved_page_ukraine_brazil-a1",
                          "c_saved_page_ukraine_brazil-a2", "d_chile_hack"}
    ukraine = by_id["c_saved_page_ukraine_brazil-a1"]
    assert ukraine == {"id": "c_saved_page_ukraine_brazil-a1", "title": "Ukraine Braces for a Hard Winter",
                       "display_title": "Ukraine Braces for a Hard Winter", "publication": "Frontline Review", "date": "2021-11-18",
                       "author": "María Fernández", "source_url": "https://frontline.example/ukraine-winter",
                       "paragraphs": 6}
    assert by_id["d_chile_hack"]["publication"] is None  # no catalog entry
    assert by_id["d_chile_hack"]["date"] == "2019-09-14"  # read from the text


def test_document_has_its_paragraphs_in_order_with_kinds_and_sections(client):
    document = client.get("/api/documents/c_saved_page_ukraine_brazil-a2").get_json()
    paragraphs = document["paragraphs"]
    assert [p["position"] for p in paragraphs] == [1, 2, 3, 4, 5, 6]
    assert [p["kind"] for p in paragraphs] == ["body", "body", "body", "pullquote", "body", "body"]
    assert [p["section"] for p in paragraphs] == [None, None] + ["Soy at Any Cost"] * 4
    assert all({"id", "text", "actors", "places"} <= set(p) for p in paragraphs)


def test_actor_list_matches_the_facet_counts(client):
    actors = client.get("/api/actors").get_json()
    everything = search(client, q="", per_page=100)
    people_and_orgs = {v["value"]: v["count"] for v in everything["facets"]["actor"]}
    places = {v["value"]: v["count"] for v in everything["facets"]["place"]}
    for actor in actors:
        expected = places if actor["type"] == "place" else people_and_orgs
        assert expected.get(actor["name"]) == actor["paragraphs"], actor["name"]
        assert actor["aliases"], actor["name"]


def test_actor_list_filters_by_type_and_accent_insensitive_name(client):
    places = client.get("/api/actors?type=place").get_json()
    assert places and all(a["type"] == "place" for a in places)
    found = client.get("/api/actors?q=perez").get_json()
    assert any("Pérez" in a["name"] for a in found)


def test_one_actor_has_years_and_co_actors_consistent_with_search(client):
    actors = client.get("/api/actors?type=person").get_json()
    person = actors[0]
    detail = client.get("/api/actors/" + quote(person["name"])).get_json()
    assert sum(y["count"] for y in detail["years"]) == person["paragraphs"]
    for other in detail["co_actors"]:
        key = "place" if other["type"] == "place" else "actor"
        params = {"q": "", "actor": person["name"]}
        params[key] = [person["name"], other["name"]] if key == "actor" else other["name"]
        assert search(client, **params)["total"] == other["count"]


def test_actor_lookup_ignores_accents(client):
    actors = client.get("/api/actors?q=perez&type=person").get_json()
    name = actors[0]["name"]
    plain = name.replace("é", "e")
    assert client.get("/api/actors/" + quote(plain)).get_json()["name"] == name
