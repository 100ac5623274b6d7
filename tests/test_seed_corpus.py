"""The five seed articles as a new user searches them (the foundation's acceptance facts)."""
from __future__ import annotations

from conftest import facet, search


def test_six_articles_and_one_hundred_paragraphs(seed_client):
    documents = seed_client.get("/api/documents").get_json()
    assert len(documents) == 6
    assert sum(d["paragraphs"] for d in documents) == 100
    result = search(seed_client, q="", per_page=100)
    assert result["total"] == 100
    assert facet(result, "kind") == {"body": 93, "caption": 2, "pullquote": 5}


def test_guaido_with_and_without_accent_finds_the_same_paragraphs(seed_client):
    accented = search(seed_client, q="Guaidó", per_page=100)
    plain = search(seed_client, q="Guaido", per_page=100)
    assert accented["total"] == plain["total"] > 10
    assert {h["id"] for h in accented["hits"]} == {h["id"] for h in plain["hits"]}
    assert all("<mark>" in h["highlight"] for h in accented["hits"])


def test_all_four_facets_are_filled(seed_client):
    result = search(seed_client, q="Guaidó")
    for name in ("actor", "place", "year", "publication"):
        assert result["facets"][name], name


def test_the_two_articles_of_the_saved_page_have_their_own_dates(seed_client):
    documents = {d["id"]: d for d in seed_client.get("/api/documents").get_json()}
    assert documents["002_4e2d0f4cee225133-a1"]["date"] == "2016-08-05"
    assert documents["002_4e2d0f4cee225133-a2"]["date"] == "2022-03"
    by_year: dict[int, int] = {}
    for document in documents.values():
        year = int(document["date"][:4])
        by_year[year] = by_year.get(year, 0) + document["paragraphs"]
    assert facet(search(seed_client, q=""), "year") == by_year
    assert set(by_year) == {2016, 2019, 2021, 2022}


def test_maduro_is_one_actor_under_his_full_accented_name(seed_client):
    names = [v["value"] for v in search(seed_client, q="Maduro")["facets"]["actor"]]
    assert "Nicolás Maduro" in names
    assert not [n for n in names if "Maduro" in n and n != "Nicolás Maduro"]
