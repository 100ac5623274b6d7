"""The query language and request validation (pure: no index needed)."""
from __future__ import annotations

from datetime import date

import pytest
from whoosh import query as wq

from search.engines.whoosh.query import build_query
from search.ranking import PROXIMITY_BOOST, PROXIMITY_SLOP, YEAR_BOOST
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


# --- The neutral tree compiled to Whoosh (querylang/parser.py reads the text) -----------------

def leaves(query: wq.Query) -> list[wq.Query]:
    return list(query.leaves()) if not query.is_leaf() else [query]


def test_a_bare_word_searches_each_query_field_through_its_analyzer_with_its_boost():
    query = build_query("Sanctions").query
    assert query == wq.Or([wq.Term("text", "sanction"), wq.Term("text_exact", "sanctions", boost=0.5),
                           wq.Term("actor", "sanctions", boost=1.2), wq.Term("place", "sanctions", boost=0.6)])


def test_a_boost_multiplies_each_fields_boost_and_a_named_field_is_unboosted():
    boosts = {q.fieldname: q.boost for q in leaves(build_query("Maduro^2").query)}
    assert boosts == {"text": 2.0, "text_exact": 1.0, "actor": 2.4, "place": 1.2}
    assert build_query("actor:lopez").query == wq.Term("actor", "lopez")


def test_a_phrase_matches_on_positions_and_ranks_by_exact_words_too():
    parsed = build_query('"National Assembly"')
    # text_exact has no positions: the stemmed text phrase finds the same paragraphs
    assert {q.fieldname for q in leaves(parsed.query)} == {"text", "actor", "place"}
    assert all(isinstance(q, wq.Phrase) and q.slop == 1 for q in leaves(parsed.query))
    exact = [q for q in parsed.ranking_query.children() if isinstance(q, wq.And)]
    assert exact == [wq.And([wq.Term("text_exact", "national"), wq.Term("text_exact", "assembly")], boost=0.5)]


def test_a_hyphenated_name_compiles_to_its_phrase_its_joined_form_and_its_words():
    found = leaves(build_query("Padrino-López").query)
    assert wq.Phrase("text", ["padrino", "lopez"], slop=1) in found
    assert wq.Term("actor", "padrinolopez", boost=1.2) in found
    assert wq.Term("text", "lopez") in found
    assert not any(isinstance(q, wq.AndNot) for q in [build_query("Padrino-López").query])


def test_a_question_mark_ending_a_word_compiles_to_the_word():
    assert build_query("who is Guaidó?").query == build_query("Guaidó").query


def test_binary_not_and_minus_compile_alike_to_and_not():
    assert build_query("drought NOT food").query == build_query("drought -food").query
    assert isinstance(build_query("drought AND NOT food").query, wq.AndNot)


def test_a_narrowing_field_requires_the_words_too():
    query = build_query("year:2016 food").query
    assert isinstance(query, wq.And)
    assert query.subqueries[0] == wq.NumericRange("year", 2016, 2016)


def test_a_bare_year_ranks_its_years_articles_higher_but_a_year_field_does_not():
    bonus = [q for q in leaves(build_query("Maduro 2021").ranking_query) if q.fieldname == "year"]
    assert [q.boost for q in bonus] == [YEAR_BOOST]
    assert not [q for q in leaves(build_query("year:2016..2019 Padrino").ranking_query)
                if isinstance(q, wq.Term) and q.fieldname == "year"]


def test_proximity_is_a_sloppy_phrase_of_the_stems():
    assert build_query("sanctions relief").proximity == wq.Phrase("text", ["sanction", "relief"],
                                                                  slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST)
    assert build_query("sanctions AND relief").proximity is None


def test_a_quoted_value_of_a_field_without_positions_is_the_value():
    assert build_query('kind:"pullquote"').query == wq.Term("kind", "pullquote")


def test_nothing_to_search_is_the_null_query_with_the_notice():
    parsed = build_query("the")
    assert parsed.query is wq.NullQuery and parsed.notice and parsed.scoring is None


@pytest.mark.parametrize("text", ["-Maduro", "-food -drought", "Maduro OR NOT oil", "x (NOT y) OR z"])
def test_negations_match_the_complement_whoosh_computes(seed_index, text):
    from search.engines.whoosh.generation import open_current
    from search.engines.whoosh.matching import query_mask
    generation = open_current(seed_index)
    query = build_query(text).query
    with generation.index.searcher() as searcher:
        mask = query_mask(searcher, query, generation.columns.doc_count)
        assert set(mask.nonzero()[0].tolist()) == set(searcher.docs_for_query(query)), text


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
