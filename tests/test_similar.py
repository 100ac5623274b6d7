"""More like this: /api/search?like=<paragraph id>."""
from __future__ import annotations

import re
from html import unescape

import pytest
from conftest import facet, search

from search.engines.whoosh.schema import text_analyzer
from search.text import fold_accents


def marks(hit: dict) -> list[str]:
    return [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", hit["highlight"])]


def first_hit(client, **params) -> dict:
    return search(client, **params)["hits"][0]


def test_like_returns_other_paragraphs_sharing_its_words(client):
    source = first_hit(client, q="drought")
    result = search(client, like=source["id"])
    ids = [hit["id"] for hit in result["hits"]]
    assert result["total"] > 0
    assert source["id"] not in ids
    # The best neighbour of a drought paragraph is another paragraph of the drought article.
    assert result["hits"][0]["doc_id"] == source["doc_id"]


def test_like_never_returns_the_paragraph_itself_on_any_page(client):
    source = first_hit(client, q="drought")
    result = search(client, like=source["id"], per_page=100)
    assert source["id"] not in [hit["id"] for hit in result["hits"]]
    assert len(result["hits"]) == result["total"]


def test_like_works_with_facets_and_filters(client):
    source = first_hit(client, q="drought")
    everything = search(client, like=source["id"])
    years = facet(everything, "year")
    year = next(iter(years))
    narrowed = search(client, like=source["id"], year=str(year))
    assert narrowed["total"] == years[year]
    assert all(hit["year"] == year for hit in narrowed["hits"])


def test_like_with_q_keeps_only_paragraphs_matching_q(client):
    source = first_hit(client, q="drought")
    both = search(client, like=source["id"], q="food")
    assert all("food" in hit["text"].lower() for hit in both["hits"])
    assert both["total"] <= search(client, like=source["id"])["total"]


def test_unknown_paragraph_id_is_400_bad_parameter(client):
    response = client.get("/api/search", query_string={"like": "no-such-paragraph"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_parameter"
    assert "like" in response.get_json()["error"]["message"]


def test_malformed_paragraph_id_is_400_bad_parameter(client):
    response = client.get("/api/search", query_string={"like": "<script>"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_parameter"


def test_search_page_accepts_like(client):
    source = first_hit(client, q="drought")
    response = client.get("/", query_string={"like": source["id"]})
    assert response.status_code == 200


# --- on the seed corpus (issue 15): only neighbours that share the source's distinctive terms -

ARMS = "004_ab55c0625fe0604d-p8"  # arms for Guaidó's side: the paragraph of the issue (77 hits)
CHINA_OIL = "002_4e2d0f4cee225133-a2-p30"  # China's oil-for-loans bet
PADRINO_CAPTION = "002_4e2d0f4cee225133-a1-p1"  # a photo caption naming the defence minister


def stems(text: str) -> set[str]:
    return {token.text for token in text_analyzer()(text)}


def source_of(client, paragraph_id: str) -> dict:
    doc_id = paragraph_id.rpartition("-p")[0]
    document = client.get(f"/api/documents/{doc_id}").get_json()
    return next(p for p in document["paragraphs"] if p["id"] == paragraph_id)


def test_like_keeps_only_paragraphs_sharing_enough_of_its_terms(seed_client):
    result = search(seed_client, like=ARMS, per_page=100)
    # one shared word ("also", "much") made 77 of the 100 paragraphs neighbours
    assert 1 <= result["total"] <= 20
    for hit in result["hits"]:
        assert len({m.lower() for m in marks(hit)}) >= 2, hit["highlight"]


@pytest.mark.parametrize("paragraph_id", [ARMS, CHINA_OIL, PADRINO_CAPTION])
def test_like_marks_only_terms_the_hit_shares_with_the_source(seed_client, paragraph_id):
    source = source_of(seed_client, paragraph_id)
    source_stems = stems(source["text"])
    source_names = {fold_accents(a["name"]).lower() for a in source["actors"]} | \
                   {fold_accents(p).lower() for p in source["places"]}
    result = search(seed_client, like=paragraph_id, per_page=100)
    assert result["total"] > 0
    for hit in result["hits"]:
        assert hit["id"] != paragraph_id
        for mark in marks(hit):
            last = fold_accents(mark.split()[-1]).lower()
            shared_name = any(last in name.split() for name in source_names)
            assert stems(mark) <= source_stems or shared_name, (hit["id"], mark)


def test_like_never_marks_words_too_rare_to_share(seed_client):
    # "wind" and "receive" are in two paragraphs each: chance, not a shared topic
    marked = {m.lower() for hit in search(seed_client, like=ARMS, per_page=100)["hits"] for m in marks(hit)}
    assert not marked & {"wind", "receive", "distribute"}, marked


def test_like_finds_the_neighbours_a_reader_would_expect(seed_client):
    oil = search(seed_client, like=CHINA_OIL)["hits"][:3]
    assert oil and all(re.search(r"\b(oil|crude)\b", hit["text"]) for hit in oil)
    padrino = search(seed_client, like=PADRINO_CAPTION)["hits"][:5]
    assert padrino and all("Vladimir Padrino López" in [a["name"] for a in hit["actors"]]
                           for hit in padrino)
