"""/api/search on the tiny corpus (tests/data/README.md lists its facts)."""
from __future__ import annotations

import re

from conftest import facet, search

UKRAINE = "c_saved_page_ukraine_brazil-a1"
BRAZIL = "c_saved_page_ukraine_brazil-a2"


def test_empty_query_returns_every_paragraph_and_year_counts_add_up(client):
    result = search(client, q="", per_page=100)
    assert result["total"] == 28
    assert len(result["hits"]) == 28
    assert sum(facet(result, "year").values()) == 28
    assert facet(result, "year") == {2016: 5, 2018: 6, 2019: 5, 2021: 6, 2022: 6}
    assert facet(result, "kind") == {"body": 26, "caption": 1, "pullquote": 1}


def test_publication_facet_counts_paragraphs_per_publication(client):
    result = search(client, q="")
    assert facet(result, "publication") == {"Frontline Review": 12, "The Weekly Globe": 6,
                                            "Nairobi Herald": 5}


def test_stemming_finds_both_inflections(client):
    singular = search(client, q="sanction", per_page=100)
    plural = search(client, q="sanctions", per_page=100)
    ids = {hit["id"] for hit in singular["hits"]}
    assert {f"{UKRAINE}-p3", f"{UKRAINE}-p4"} <= ids
    assert ids == {hit["id"] for hit in plural["hits"]}


def test_accent_folding_finds_accented_names_from_plain_spelling(client):
    plain = search(client, q="Perez", per_page=100)
    accented = search(client, q="Pérez", per_page=100)
    assert plain["total"] == accented["total"] > 0
    assert any("Pérez" in hit["text"] for hit in plain["hits"])


def test_highlight_marks_stemmed_and_accent_folded_matches(client):
    result = search(client, q="sanction", per_page=100)
    highlights = " ".join(hit["highlight"] for hit in result["hits"])
    assert "<mark>sanctions</mark>" in highlights
    assert "<mark>sanction</mark>" in highlights
    accented = search(client, q="Perez", per_page=100)
    assert any(re.search(r"<mark>[^<]*Pérez[^<]*</mark>", hit["highlight"]) for hit in accented["hits"])


def test_every_hit_of_a_word_query_has_a_mark(client):
    result = search(client, q="drought", per_page=100)
    assert result["total"] > 0
    assert all("<mark>" in hit["highlight"] for hit in result["hits"])


def test_script_in_paragraph_text_is_escaped_in_highlights(client):
    result = search(client, q="hackers", per_page=100)
    paragraph = next(hit for hit in result["hits"] if "<script>" in hit["text"])
    assert "<script>" not in paragraph["highlight"]
    assert "&lt;script&gt;" in paragraph["highlight"]


def test_script_in_query_is_not_echoed_into_highlights(client):
    result = search(client, q="<script>alert(1)</script> drought", per_page=100)
    assert all("<script" not in hit["highlight"] for hit in result["hits"])


def test_year_filter_narrows_and_year_facet_ignores_its_own_selection(client):
    everything = search(client, q="")
    result = search(client, q="", year=2021, per_page=100)
    assert result["total"] == 6
    assert {hit["year"] for hit in result["hits"]} == {2021}
    # the other years stay reachable with their full counts
    assert facet(result, "year") == facet(everything, "year")
    selected = [v for v in result["facets"]["year"] if v["selected"]]
    assert [v["value"] for v in selected] == [2021]


def test_year_filter_is_any_of(client):
    result = search(client, q="", year=[2016, 2022])
    assert result["total"] == 11


def test_publication_filter_is_any_of_and_counts_ignore_own_selection(client):
    result = search(client, q="", publication=["Nairobi Herald", "The Weekly Globe"], per_page=100)
    assert result["total"] == 11
    assert facet(result, "publication")["Frontline Review"] == 12
    # other facets count only within the selection
    assert set(facet(result, "year")) == {2016, 2018}


def test_kind_filter_separates_pullquotes(client):
    result = search(client, q="", kind="pullquote")
    assert [hit["id"] for hit in result["hits"]] == [f"{BRAZIL}-p4"]


def test_actor_filter_requires_all_actors(client):
    everything = search(client, q="", per_page=100)
    actors = everything["facets"]["actor"]
    assert actors, "the tiny corpus names actors"
    first = actors[0]
    only_first = search(client, q="", actor=first["value"], per_page=100)
    assert only_first["total"] == first["count"]
    assert all(first["value"] in {a["name"] for a in hit["actors"]} for hit in only_first["hits"])
    co_named = {a["name"] for hit in only_first["hits"] for a in hit["actors"]} - {first["value"]}
    for other in co_named:
        both = search(client, q="", actor=[first["value"], other], per_page=100)
        assert 0 < both["total"] <= only_first["total"]
        assert all({first["value"], other} <= {a["name"] for a in hit["actors"]} for hit in both["hits"])


def test_actor_filter_with_unknown_actor_matches_nothing_but_stays_selected(client):
    result = search(client, q="", actor="Nobody Atall")
    assert result["total"] == 0
    assert [v["value"] for v in result["facets"]["actor"] if v["selected"]] == ["Nobody Atall"]


def test_pullquotes_do_not_count_twice_in_actor_facets(client):
    everything = search(client, q="", per_page=100)
    pullquote = next(hit for hit in everything["hits"] if hit["kind"] == "pullquote")
    for name in {a["name"] for a in pullquote["actors"]}:
        filtered = search(client, q="", actor=name, per_page=100)
        assert pullquote["id"] not in {hit["id"] for hit in filtered["hits"]}


def test_date_range_keeps_overlapping_dates(client):
    # 2016-11 (a month) overlaps 2016-11-15; 2018-03-02 is outside
    result = search(client, q="", date_from="2016-11-15", date_to="2016-12-31", per_page=100)
    assert {hit["doc_id"] for hit in result["hits"]} == {"b_kenya_drought"}


def test_undated_document_is_left_out_of_date_ranges(client):
    result = search(client, q="", date_from="1900-01-01", per_page=100)
    assert result["total"] == 28 - 0  # every tiny-corpus document has a date
    assert all(hit["date"] for hit in result["hits"])


def test_pages_do_not_overlap_and_cover_the_total(client):
    first = search(client, q="", per_page=10, page=1)
    second = search(client, q="", per_page=10, page=2)
    third = search(client, q="", per_page=10, page=3)
    ids = [h["id"] for page in (first, second, third) for h in page["hits"]]
    assert len(ids) == len(set(ids)) == 28


def test_relevance_pages_agree_with_one_longer_page(seed_client):
    # Whoosh's top-N collection once lost hits when the limit was small: pages overlapped.
    long_page = [h["id"] for h in search(seed_client, q="Maduro sanctions", per_page=12)["hits"]]
    short_pages = [h["id"] for page in (1, 2, 3, 4)
                   for h in search(seed_client, q="Maduro sanctions", per_page=3, page=page)["hits"]]
    assert short_pages == long_page


def test_sort_newest_and_oldest(client):
    newest = [h["date"] for h in search(client, q="", sort="newest", per_page=100)["hits"]]
    oldest = [h["date"] for h in search(client, q="", sort="oldest", per_page=100)["hits"]]
    assert newest == sorted(newest, reverse=True)
    assert oldest == sorted(oldest)


def test_relevance_scores_are_descending(client):
    result = search(client, q="farmers soy", per_page=100)
    scores = [hit["score"] for hit in result["hits"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_phrase_query_matches_only_the_exact_sequence(client):
    result = search(client, q='"central bank"', per_page=100)
    assert result["total"] > 0
    assert all("central bank" in hit["text"].lower() for hit in result["hits"])


def test_not_excludes_paragraphs(client):
    with_word = search(client, q="drought", per_page=100)
    without = search(client, q="drought -Kenya", per_page=100)
    assert without["total"] < with_word["total"]
    assert all(not re.search(r"\bKenya\b", hit["text"]) for hit in without["hits"])


def test_field_query_on_publication(client):
    result = search(client, q="publication:herald", per_page=100)
    assert result["total"] == 5
    assert {hit["publication"] for hit in result["hits"]} == {"Nairobi Herald"}


def test_misspelled_query_gets_a_suggestion(client):
    result = search(client, q="drougth")
    assert result["total"] == 0
    assert result["suggestion"] == "drought"


def test_correct_query_gets_no_suggestion(client):
    assert search(client, q="drought")["suggestion"] is None


def test_malformed_query_is_searched_as_plain_words_with_notice(client):
    result = search(client, q='"drought AND (')
    assert result["total"] > 0
    assert result["notice"]


def test_hit_carries_metadata_and_url_to_its_paragraph(client):
    hit = search(client, q="Embrapa")["hits"][0]
    assert hit["doc_id"] == BRAZIL
    assert hit["publication"] == "Frontline Review" and hit["date"] == "2022" and hit["year"] == 2022
    assert hit["url"] == f"/documents/{BRAZIL}#p{hit['position']}"
    assert hit["id"] == f"{BRAZIL}-p{hit['position']}"


def test_response_is_json_utf8(client):
    response = client.get("/api/search", query_string={"q": "Pérez"})
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "Pérez".encode() in response.data  # accents are not \u-escaped
