"""The query language and request validation (pure: no index needed)."""
from __future__ import annotations

from datetime import date

import pytest
from whoosh import query as wq

from search.engines.whoosh.query import build_query
from search.request import BadParameter, parse_request


def params(**values):
    return {key: value if isinstance(value, list) else [value] for key, value in values.items()}


def test_defaults_are_first_page_of_ten_by_relevance():
    request = parse_request({})
    assert (request.q, request.page, request.per_page, request.sort) == ("", 1, 10, "relevance")


def test_repeatable_filters_are_collected_and_deduplicated():
    request = parse_request(params(actor=["A B", "C D", "A B"], year=["2016", "2019"]))
    assert request.selected("actor") == ("A B", "C D")
    assert request.selected("year") == (2016, 2019)


@pytest.mark.parametrize("name, value", [
    ("per_page", "0"), ("per_page", "1000"), ("per_page", "ten"), ("page", "abc"), ("page", "0"),
    ("date_from", "notadate"), ("date_to", "2019-13-01"), ("sort", "sideways"), ("year", "19"),
    ("q", "x" * 1001),
])
def test_bad_parameter_is_rejected_with_its_name(name, value):
    with pytest.raises(BadParameter) as error:
        parse_request(params(**{name: value}))
    assert error.value.name == name


def test_deep_paging_beyond_the_result_window_is_rejected():
    with pytest.raises(BadParameter):
        parse_request(params(page="200", per_page="100"))


def test_date_range_must_be_in_order():
    with pytest.raises(BadParameter):
        parse_request(params(date_from="2020-01-01", date_to="2019-01-01"))
    request = parse_request(params(date_from="2019-01-01", date_to="2019-12-31"))
    assert request.date_from == date(2019, 1, 1)


def test_too_many_filter_values_are_rejected():
    with pytest.raises(BadParameter):
        parse_request(params(actor=[f"Person {i}" for i in range(21)]))


def test_empty_query_matches_everything():
    assert isinstance(build_query("").query, wq.Every)


def test_bare_words_match_text_and_actor_fields_and_rank_with_the_title_too():
    parsed = build_query("sanctions Maduro")
    assert {"text", "actor"} <= {field for field, _ in parsed.query.iter_all_terms()}
    assert "title" not in {field for field, _ in parsed.query.iter_all_terms()}
    assert "title" in {field for field, _ in parsed.ranking_query.iter_all_terms()}
    assert parsed.notice is None


@pytest.mark.parametrize("text, kind", [
    ('"National Assembly"', wq.Phrase),
    ("sanc*", wq.Prefix),
    ("Guiado~", wq.FuzzyTerm),
    ("year:2016..2019", wq.NumericRange),
    ("kind:caption", wq.Term),
])
def test_query_syntax_produces_the_right_query_type(text, kind):
    found = [q for q in build_query(text).query.leaves()]
    assert any(isinstance(q, kind) for q in found), build_query(text).query


def test_bare_fuzzy_allows_two_edits_so_swapped_letters_match():
    fuzzy = [q for q in build_query("Guiado~").query.leaves() if isinstance(q, wq.FuzzyTerm)]
    assert fuzzy and all(q.maxdist == 2 for q in fuzzy)


def test_minus_and_not_exclude():
    assert "ANDNOT" in str(build_query("Maduro -Guaido").query)
    assert "NOT" in str(build_query("Maduro AND NOT Guaido").query)


def test_unknown_field_name_is_searched_as_words():
    parsed = build_query("ratio:three")
    assert {text for _, text in parsed.query.iter_all_terms()} >= {b"ratio", b"three"} or \
        {text for _, text in parsed.query.iter_all_terms()} >= {"ratio", "three"}


@pytest.mark.parametrize("text", ['"unclosed AND ( OR', "(Maduro", "Maduro)", "Maduro AND", "year:abc"])
def test_malformed_query_falls_back_to_plain_words_with_a_notice(text):
    parsed = build_query(text)
    assert parsed.notice
    assert parsed.query is not wq.NullQuery


def test_query_of_only_syntax_has_nothing_to_search():
    parsed = build_query('"( )"')
    assert parsed.notice


# --- The query language through the API, on the tiny corpus (tests/data/README.md) -------------

from conftest import search  # noqa: E402


def texts(result: dict) -> list[str]:
    return [hit["text"].lower() for hit in result["hits"]]


def test_bare_words_prefer_all_words_but_do_not_require_them(client):
    both = search(client, q="drought food", per_page=100)
    drought = search(client, q="drought", per_page=100)
    assert both["total"] >= drought["total"]   # either word is enough to match
    assert "drought" in texts(both)[0] and "food" in texts(both)[0]


def test_phrase_requires_the_words_in_order(client):
    result = search(client, q='"central bank"')
    assert result["total"] > 0
    assert all("central bank" in text for text in texts(result))


def test_and_requires_both_words(client):
    result = search(client, q="drought AND food", per_page=100)
    assert result["total"] > 0
    assert all("drought" in t and "food" in t for t in texts(result))


def test_or_takes_either_word(client):
    either = search(client, q="drought OR hackers", per_page=100)
    assert any("drought" in t for t in texts(either)) and any("hacker" in t for t in texts(either))


@pytest.mark.parametrize("query", ["drought -food", "drought NOT food", "drought AND NOT food"])
def test_minus_and_not_exclude_a_word(client, query):
    result = search(client, q=query, per_page=100)
    assert result["total"] > 0 and len(result["hits"]) == result["total"]
    # "drought" matches in the text or through an actor's name (the National Drought Management
    # Authority, said as "the NDMA"); either way the match is marked in the highlight.
    assert all("<mark>" in hit["highlight"] for hit in result["hits"])
    assert all("food" not in t for t in texts(result))


@pytest.mark.parametrize("field, value, check", [
    ("title", "drought", lambda hit: "drought" in hit["title"].lower()),
    ("publication", "herald", lambda hit: hit["publication"] == "Nairobi Herald"),
    ("year", "2016", lambda hit: hit["year"] == 2016),
    ("kind", "pullquote", lambda hit: hit["kind"] == "pullquote"),
    ("actor", "perez", lambda hit: any(a["name"] == "José Pérez" for a in hit["actors"])),
    ("place", "cordoba", lambda hit: "Córdoba" in hit["places"]),  # accent folded
])
def test_field_value_searches_that_field(client, field, value, check):
    result = search(client, q=f"{field}:{value}", per_page=100)
    assert result["total"] > 0, field
    assert all(check(hit) for hit in result["hits"])


def test_field_clause_narrows_the_bare_words(client):
    # "year:2016 food" = food, within 2016: not every 2016 paragraph, not every food paragraph
    result = search(client, q="year:2016 food", per_page=100)
    assert result["total"] > 0
    assert all(hit["year"] == 2016 and "food" in hit["text"].lower() for hit in result["hits"])


def test_year_range_is_inclusive(client):
    result = search(client, q="year:2016..2018", per_page=100)
    years = {hit["year"] for hit in result["hits"]}
    assert years and years <= {2016, 2017, 2018} and {2016, 2018} <= years


@pytest.mark.parametrize("query, low, high", [
    ("year:..2016", None, 2016), ("year:2017..", 2017, None),
    ("year:[* TO 2016]", None, 2016), ("year:[2017 TO *]", 2017, None)])
def test_year_range_may_be_open_at_one_end(client, query, low, high):
    every = {hit["year"] for hit in search(client, q="", per_page=100)["hits"]}
    result = search(client, q=query, per_page=100)
    years = {hit["year"] for hit in result["hits"]}
    expected = {y for y in every if y is not None and (low is None or y >= low) and (high is None or y <= high)}
    assert expected and years == expected


@pytest.mark.parametrize("query, excluded", [("-food", ["food"]), ("-food -drought", ["food", "drought"])])
def test_a_query_of_only_excluded_words_finds_everything_else(client, query, excluded):
    every = search(client, q="", per_page=100)["total"]
    with_any = search(client, q=" OR ".join(excluded), per_page=100)["total"]
    result = search(client, q=query, per_page=100)
    assert result["notice"] is None
    assert result["total"] == every - with_any > 0
    assert all(word not in t for t in texts(result) for word in excluded)


def test_prefix_matches_word_beginnings(client):
    result = search(client, q="sanc*", per_page=100)
    assert result["total"] > 0
    assert all("sanc" in t for t in texts(result))


def test_fuzzy_finds_a_name_with_swapped_letters(client):
    # "Preez" is "Perez" with two letters swapped
    result = search(client, q="Preez~", per_page=100)
    assert any("pérez" in t or "perez" in t for t in texts(result))


@pytest.mark.parametrize("query", [
    '"unclosed phrase', "(drought", "drought)", "drought AND", "OR drought", "drought NOT",
    "year:abc drought", "year:2016..", "title:", "drought~~~", "((()))", "***", "^^drought",
    '"" drought', "kind:[a TO", "drought AND OR food",
])
def test_malformed_query_is_never_a_500(client, query):
    response = client.get("/api/search", query_string={"q": query})
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize("query", ['"unclosed phrase drought', "(drought", "drought AND"])
def test_repaired_query_says_so_and_still_finds_the_words(client, query):
    result = search(client, q=query)
    assert result["notice"]
    assert result["total"] > 0 and any("drought" in t for t in texts(result))


def test_like_is_a_request_parameter_and_round_trips():
    request = parse_request(params(like="d-p1", q="x"))
    assert request.like == "d-p1"
    assert request.to_params()["like"] == "d-p1"
    assert "like" not in parse_request(params(q="x")).to_params()
