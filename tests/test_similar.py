"""More like this: /api/search?like=<paragraph id>."""
from __future__ import annotations

from conftest import facet, search


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
