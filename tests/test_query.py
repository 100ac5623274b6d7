"""The query language and request validation (pure: no index needed)."""
from __future__ import annotations

from datetime import date

import pytest
from whoosh import query as wq

from search.query import BadParameter, build_query, parse_request


def params(**values):
    return {key: value if isinstance(value, list) else [value] for key, value in values.items()}


def test_defaults_are_first_page_of_ten_by_relevance():
    request = parse_request({})
    assert (request.q, request.page, request.per_page, request.sort) == ("", 1, 10, "relevance")


def test_repeatable_filters_are_collected_and_deduplicated():
    request = parse_request(params(actor=["A B", "C D", "A B"], year=["2016", "2019"]))
    assert request.actors == ("A B", "C D")
    assert request.years == (2016, 2019)


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
