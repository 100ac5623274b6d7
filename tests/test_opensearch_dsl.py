"""The query compiler (search/engines/opensearch/dsl.py): each node type and each part of a search
body, as the JSON the OpenSearch documentation writes for that construct. No server: the
compiler is a pure function of the tree and the request.

Each test cites the documentation page whose request shape it follows (docs.opensearch.org,
OpenSearch 2.x; the same pages under /latest/).
"""
from __future__ import annotations

import json

import pytest

from search.engines.opensearch import dsl
from search.engines.opensearch.dsl import MARK_CLOSE, MARK_OPEN
from search.querylang.nodes import (And, Boost, Fuzzy, MatchAll, Not, Or, ParsedQuery, Phrase, Prefix,
                                    Term, Wildcard, YearRange)
from search.request import parse_request

DEFAULT_FIELDS = ["text^1", "text_exact^0.5", "actor^1.2", "place^0.6"]


def word(text: str, fields=DEFAULT_FIELDS, **extra) -> dict:
    return {"multi_match": {"query": text, "type": "most_fields", "fields": fields, **extra}}


# https://docs.opensearch.org/latest/query-dsl/full-text/multi-match/ (type most_fields: the
# fields' scores are added; field^boost), https://docs.opensearch.org/latest/query-dsl/full-text/match/
# (the default operator or: any word a typed word analyses into, "Maduro's" → maduro, s).
@pytest.mark.parametrize("node, expected", [
    (Term("Guaidó"), word("Guaidó")),
    (Term("sanctions", "text"), {"match": {"text": {"query": "sanctions"}}}),
    (Term("Economist", "publication"), {"match": {"publication": {"query": "Economist"}}}),
    (Term("López", "actor"), {"match": {"actor": {"query": "López"}}}),
    # https://docs.opensearch.org/latest/query-dsl/term/term/ : a kind is a keyword, a year a number
    (Term("Caption", "kind"), {"term": {"kind": {"value": "caption"}}}),
    (Term("2019", "year"), {"term": {"year": {"value": 2019}}}),
    # a year that is not a number matches nothing (https://docs.opensearch.org/latest/query-dsl/match-all/)
    (Term("soon", "year"), {"match_none": {}}),
])
def test_a_word_is_a_match_on_its_fields_with_their_boosts(node, expected):
    assert dsl.compile_node(node) == expected


def test_a_stop_word_is_dropped_as_the_embedded_parser_drops_it():
    # "the" analyses to nothing in every field: a match would match nothing and sink the AND.
    assert dsl.compile_node(Term("the")) is None
    assert dsl.compile_node(And((Term("the"), Term("drought")))) == word("drought")


# https://docs.opensearch.org/latest/query-dsl/full-text/match-phrase/ (slop, boost); the phrase
# is matched on the fields that keep positions (text_exact has none, as in the embedded engine).
def test_a_phrase_is_a_match_phrase_on_each_positional_field():
    assert dsl.compile_node(Phrase(("National", "Assembly"))) == {"bool": {"should": [
        {"match_phrase": {"text": {"query": "National Assembly"}}},
        {"match_phrase": {"actor": {"query": "National Assembly", "boost": 1.2}}},
        {"match_phrase": {"place": {"query": "National Assembly", "boost": 0.6}}},
    ], "minimum_should_match": 1}}
    assert dsl.compile_node(Phrase(("sanctions", "relief"), "text", slop=2)) == \
        {"match_phrase": {"text": {"query": "sanctions relief", "slop": 2}}}


# https://docs.opensearch.org/latest/query-dsl/term/prefix/ and …/term/wildcard/: term-level
# queries are not analysed, so the value is folded here as the index folds words.
def test_prefix_and_wildcard_are_folded_and_searched_on_every_default_field():
    assert dsl.compile_node(Prefix("Sanc")) == {"bool": {"should": [
        {"prefix": {"text": {"value": "sanc"}}},
        {"prefix": {"text_exact": {"value": "sanc", "boost": 0.5}}},
        {"prefix": {"actor": {"value": "sanc", "boost": 1.2}}},
        {"prefix": {"place": {"value": "sanc", "boost": 0.6}}},
    ], "minimum_should_match": 1}}
    assert dsl.compile_node(Wildcard("Pér*z", "actor")) == {"wildcard": {"actor": {"value": "per*z"}}}


# https://docs.opensearch.org/latest/query-dsl/full-text/multi-match/ (fuzziness): a swap of two
# letters is two edits for plain Levenshtein, so the distance is 2 (DEPENDENCIES.md).
def test_fuzzy_is_a_fuzzy_match_of_distance_two():
    assert dsl.compile_node(Fuzzy("Guiado")) == word("Guiado", fuzziness=2)
    assert dsl.compile_node(Fuzzy("Guiado", "actor", 1)) == \
        {"match": {"actor": {"query": "Guiado", "fuzziness": 1}}}


# https://docs.opensearch.org/latest/query-dsl/term/range/ : either end may be left open.
@pytest.mark.parametrize("node, expected", [
    (YearRange(2016, 2019), {"range": {"year": {"gte": 2016, "lte": 2019}}}),
    (YearRange(None, 2015), {"range": {"year": {"lte": 2015}}}),
    (YearRange(2020, None), {"range": {"year": {"gte": 2020}}}),
])
def test_year_ranges_open_at_either_end(node, expected):
    assert dsl.compile_node(node) == expected


# https://docs.opensearch.org/latest/query-dsl/compound/bool/ (must, should, must_not,
# minimum_should_match, boost) and https://docs.opensearch.org/latest/query-dsl/match-all/
def test_and_or_not_and_boost_are_bool_queries():
    assert dsl.compile_node(And((Term("drought"), Not(Term("food"))))) == {"bool": {
        "must": [word("drought")], "must_not": [word("food")]}}
    assert dsl.compile_node(Or((Term("drought"), Term("famine")))) == {"bool": {
        "should": [word("drought"), word("famine")], "minimum_should_match": 1}}
    # "-Maduro" alone: every paragraph without it
    assert dsl.compile_node(Not(Term("Maduro"))) == {"bool": {
        "must": [{"match_all": {}}], "must_not": [word("Maduro")]}}
    assert dsl.compile_node(And((Not(Term("Maduro")), Not(Term("Guaidó"))))) == {"bool": {
        "must": [{"match_all": {}}], "must_not": [word("Maduro"), word("Guaidó")]}}
    assert dsl.compile_node(Boost(Term("Maduro"), 2.0)) == {"bool": {"must": [word("Maduro")], "boost": 2.0}}
    assert dsl.compile_node(MatchAll()) == {"match_all": {}}


def test_an_empty_tree_matches_nothing_and_an_empty_query_everything():
    assert dsl.matching_query(ParsedQuery(None, "the")) == {"match_none": {}}
    assert dsl.matching_query(ParsedQuery(MatchAll())) == {"match_all": {}}


# https://docs.opensearch.org/latest/query-dsl/compound/bool/ : with a must clause, should
# clauses only add to the score ("ranking-only fields never make a paragraph match");
# https://docs.opensearch.org/latest/query-dsl/compound/constant-score/ for the year bonus.
def test_ranking_only_fields_year_bonus_and_proximity_are_should_clauses():
    parsed = ParsedQuery(Or((Term("Economist"), Term("Maduro"), Term("2021"))), "Economist Maduro 2021",
                         None, ("Economist", "Maduro", "2021"), (2021,), ("Economist", "Maduro", "2021"))
    assert dsl.ranking_clauses(parsed) == [
        word("Economist", ["title^0.6", "publication^0.8"]),
        word("Maduro", ["title^0.6", "publication^0.8"]),
        word("2021", ["title^0.6", "publication^0.8"]),
        {"constant_score": {"filter": {"term": {"year": 2021}}, "boost": 2.0}},
        {"match_phrase": {"text": {"query": "Economist Maduro 2021", "slop": 3, "boost": 0.5}}},
    ]


def test_negated_and_fielded_words_get_no_ranking_bonus_and_a_phrase_ranks_its_exact_words():
    parsed = ParsedQuery(And((Phrase(("central", "bank")), Not(Term("Maduro")), Term("x", "kind"))))
    assert dsl.ranking_clauses(parsed) == [
        {"bool": {"should": [{"match_phrase": {"title": {"query": "central bank", "boost": 0.6}}},
                             {"match_phrase": {"publication": {"query": "central bank", "boost": 0.8}}}],
                  "minimum_should_match": 1}},
        {"match": {"text_exact": {"query": "central bank", "operator": "and", "boost": 0.5}}},
    ]


def test_no_proximity_bonus_beyond_six_words():
    words = ("a1", "b2", "c3", "d4", "e5", "f6", "g7")
    parsed = ParsedQuery(Or(tuple(Term(w) for w in words)), " ".join(words), None, words, (), words)
    assert not [c for c in dsl.ranking_clauses(parsed) if "match_phrase" in c]


# https://docs.opensearch.org/latest/query-dsl/compound/function-score/ (filter + weight,
# score_mode first, boost_mode multiply): the kind factors multiply the whole score.
def test_kind_factors_multiply_the_score():
    query = dsl.scored_query({"match_all": {}}, [], [])
    assert query == {"function_score": {
        "query": {"bool": {"must": [{"match_all": {}}]}},
        "functions": [{"filter": {"term": {"kind": "pullquote"}}, "weight": 0.5},
                      {"filter": {"term": {"kind": "caption"}}, "weight": 0.8}],
        "score_mode": "first", "boost_mode": "multiply"}}


REQUEST = parse_request({"q": ["drought"], "actor": ["Nicolás Maduro", "Juan Guaidó"],
                         "year": ["2019", "2021"], "publication": ["The Economist"],
                         "date_from": ["2019-01-01"], "date_to": ["2021-06-30"]})


# https://docs.opensearch.org/latest/query-dsl/term/term/ , …/term/terms/ , …/term/range/ :
# all-of = one term filter per value; any-of = one terms filter; dates overlap a span.
def test_filters_all_of_any_of_and_dates():
    query_filters, any_of = dsl.selection_filters(REQUEST, REQUEST.filters)
    assert query_filters == [
        {"term": {"facets.actor": "Nicolás Maduro"}}, {"term": {"facets.actor": "Juan Guaidó"}},
        {"range": {"date_end": {"gte": 20190101}}}, {"range": {"date_start": {"lte": 20210630}}},
    ]
    assert any_of == {"year": {"terms": {"facets.year": [2019, 2021]}},
                      "publication": {"terms": {"facets.publication": ["The Economist"]}}}


def terms(facet: str, include=None) -> dict:
    aggregation = {"values": {"terms": {"field": f"facets.{facet}", "size": 100,
                                        "order": [{"_count": "desc"}, {"_key": "asc"}]}}}
    if include:
        aggregation["selected"] = {"terms": {"field": f"facets.{facet}", "include": include,
                                             "size": len(include)}}
    return aggregation


# https://docs.opensearch.org/latest/search-plugins/filter-search/ (post_filter: hits only) with
# https://docs.opensearch.org/latest/aggregations/bucket/filter/ and
# https://docs.opensearch.org/latest/aggregations/bucket/terms/ (size, order, include as an array
# of exact values): an any-of facet's counts ignore its own selection, not the others'.
def test_facets_are_disjunctive_through_post_filter_and_filter_aggregations():
    body = dsl.search_body(REQUEST, ParsedQuery(Term("drought"), "drought", None, ("drought",)),
                           REQUEST.filters)
    year, publication = {"terms": {"facets.year": [2019, 2021]}}, {"terms": {"facets.publication": ["The Economist"]}}
    assert body["post_filter"] == {"bool": {"filter": [year, publication]}}
    assert {name: aggregation for name, aggregation in body["aggs"].items() if name != "_words"} == {
        "actor": {"filter": {"bool": {"filter": [year, publication]}},
                  "aggs": terms("actor", ["Nicolás Maduro", "Juan Guaidó"])},
        "place": {"filter": {"bool": {"filter": [year, publication]}}, "aggs": terms("place")},
        "year": {"filter": {"bool": {"filter": [publication]}}, "aggs": terms("year", [2019, 2021])},
        "publication": {"filter": {"bool": {"filter": [year]}},
                        "aggs": terms("publication", ["The Economist"])},
        "kind": {"filter": {"bool": {"filter": [year, publication]}}, "aggs": terms("kind")},
    }
    # the all-of filters and the dates are in the query: every count sees them
    assert body["query"]["function_score"]["query"]["bool"]["filter"][:2] == [
        {"term": {"facets.actor": "Nicolás Maduro"}}, {"term": {"facets.actor": "Juan Guaidó"}}]


def test_without_selection_every_facet_counts_the_whole_result():
    body = dsl.search_body(parse_request({}), ParsedQuery(MatchAll()), {})
    assert "post_filter" not in body
    assert body["aggs"]["year"] == {"filter": {"match_all": {}}, "aggs": terms("year")}


# https://docs.opensearch.org/latest/search-plugins/searching-data/sort/ (order, missing _last)
# and https://docs.opensearch.org/latest/search-plugins/searching-data/paginate/ (from, size).
@pytest.mark.parametrize("params, ranked, expected", [
    # equal scores newest first, then archive order (ranking.TIE_BREAK, as the embedded engine)
    ({"q": ["x"]}, True, [{"_score": {"order": "desc"}}, {"date_sort": {"order": "desc", "missing": "_last"}}]),
    # an empty query in "relevance" order is newest first, as in the embedded engine
    ({}, False, [{"date_sort": {"order": "desc", "missing": "_last"}}]),
    ({"sort": ["newest"]}, True, [{"date_sort": {"order": "desc", "missing": "_last"}}]),
    ({"sort": ["oldest"]}, True, [{"date_sort": {"order": "asc", "missing": "_last"}}]),
])
def test_sort_orders_end_with_a_stable_tie_break(params, ranked, expected):
    ties = [{"doc_id": {"order": "asc"}}, {"position": {"order": "asc"}}]
    assert dsl.sort_clause(parse_request(params), ranked) == expected + ties


def test_page_and_per_page_are_from_and_size_and_scores_are_kept_in_date_order():
    request = parse_request({"q": ["drought"], "page": ["3"], "per_page": ["20"], "sort": ["newest"]})
    body = dsl.search_body(request, ParsedQuery(Term("drought"), "drought", None, ("drought",)), {})
    assert (body["from"], body["size"], body["track_total_hits"], body["track_scores"]) == (40, 20, True, True)


# https://docs.opensearch.org/latest/search-plugins/searching-data/highlight/ (unified,
# number_of_fragments 0 = the whole field, pre_tags/post_tags, require_field_match,
# highlight_query). Marks are private-use characters; responses.py escapes and writes <mark>.
def test_highlight_marks_the_positive_words_of_the_whole_text():
    parsed = ParsedQuery(And((Term("drought"), Not(Term("food")), Term("caption", "kind"),
                              YearRange(2016, None))), "q", None, ("drought",))
    assert dsl.search_body(parse_request({"q": ["q"]}), parsed, {})["highlight"] == {"fields": {"text": {
        "type": "unified", "number_of_fragments": 0, "pre_tags": [MARK_OPEN], "post_tags": [MARK_CLOSE],
        "require_field_match": False, "highlight_query": {"bool": {"should": [word("drought")]}}}}}
    assert "highlight" not in dsl.search_body(parse_request({}), ParsedQuery(MatchAll()), {})


# https://docs.opensearch.org/latest/search-plugins/searching-data/did-you-mean/ (term suggester:
# suggest_mode, max_edits, prefix_length, min_word_length, max_term_freq, string_distance, sort)
def test_did_you_mean_asks_the_term_suggester_on_the_unstemmed_words():
    body = dsl.search_body(parse_request({"q": ["Guiado sanctoins"]}),
                           ParsedQuery(Or((Term("Guiado"), Term("sanctoins"))), "Guiado sanctoins", None,
                                       ("Guiado", "sanctoins")), {})
    assert body["suggest"] == {"text": "Guiado sanctoins", "did_you_mean": {"term": {
        "field": "text_exact", "suggest_mode": "popular", "max_edits": 2, "prefix_length": 0,
        "min_word_length": 3, "max_term_freq": 1, "string_distance": "damerau_levenshtein",
        "size": 10, "sort": "score"}}}


# https://docs.opensearch.org/latest/query-dsl/specialized/more-like-this/ (like by _id, fields,
# min_term_freq, min_doc_freq, max_doc_freq, min_word_length, max_query_terms,
# minimum_should_match, include) and https://docs.opensearch.org/latest/query-dsl/term/ids/
@pytest.mark.parametrize("paragraphs, min_doc_freq, max_doc_freq", [
    (28, 2, 14),            # a small archive: 5% of it, at least 2
    (100_000, 5, 50_000),   # Elasticsearch's default min_doc_freq; at most half the archive
])
def test_like_is_more_like_this_on_the_paragraph_id(paragraphs, min_doc_freq, max_doc_freq):
    similar = dsl.similar_clause("b_kenya_drought-p1", paragraphs)
    assert similar == {"bool": {"must": [
        {"more_like_this": {"fields": ["text", "actor", "place"], "like": [{"_id": "b_kenya_drought-p1"}],
                            "min_term_freq": 1, "min_doc_freq": min_doc_freq, "max_doc_freq": max_doc_freq,
                            "min_word_length": 3, "max_query_terms": 12, "minimum_should_match": "30%",
                            "include": False}},
    ], "must_not": [{"ids": {"values": ["b_kenya_drought-p1"]}}]}}


def test_like_ranks_by_similarity_and_with_q_narrows_to_it():
    similar = dsl.similar_clause("b_kenya_drought-p1", 28)
    request = parse_request({"like": ["b_kenya_drought-p1"]})
    body = dsl.search_body(request, ParsedQuery(MatchAll()), {}, similar)
    assert body["query"]["function_score"]["query"]["bool"]["must"] == [similar]
    assert body["sort"][0] == {"_score": {"order": "desc"}} and "suggest" not in body
    # the key terms the neighbours share are highlighted
    assert body["highlight"]["fields"]["text"]["highlight_query"] == {"bool": {"should": similar["bool"]["must"]}}
    request = parse_request({"like": ["b_kenya_drought-p1"], "q": ["food"]})
    body = dsl.search_body(request, ParsedQuery(Term("food"), "food", None, ("food",)), {}, similar)
    assert body["query"]["function_score"]["query"]["bool"]["must"] == [{"bool": {"must": [similar, word("food")]}}]


# https://docs.opensearch.org/latest/aggregations/bucket/global/ (counts over the whole index,
# whatever the query) and https://docs.opensearch.org/latest/aggregations/bucket/filters/
# (one named bucket per filter): which plain words of the query no paragraph has.
def test_the_plain_words_are_counted_over_the_whole_index():
    parsed = ParsedQuery(And((Term("Madurro"), Term("oil"), Not(Term("gas")), Prefix("sanc"), Term("the"))),
                         "Madurro oil -gas sanc* the", None, ("Madurro", "oil", "gas", "sanc", "the"))
    body = dsl.search_body(parse_request({"q": [parsed.text]}), parsed, {})
    fields = DEFAULT_FIELDS + ["title^0.6", "publication^0.8"]
    assert body["aggs"]["_words"] == {"global": {}, "aggs": {"words": {"filters": {"filters": {
        "Madurro": word("Madurro", fields), "oil": word("oil", fields)}}}}}


# https://docs.opensearch.org/latest/search-plugins/searching-data/point-in-time/ (pit id and
# keep_alive in the body, no index in the path) and https://docs.opensearch.org/latest/search-plugins/searching-data/paginate/
# (search_after with the last hit's sort values): an export has no 10,000-hit window.
def test_export_pages_through_a_point_in_time_with_search_after():
    request = parse_request({"q": ["drought"], "year": ["2016"]})
    parsed = ParsedQuery(Term("drought"), "drought", None, ("drought",))
    first = dsl.export_body(request, parsed, request.filters, "PIT-ID")
    assert first["pit"] == {"id": "PIT-ID", "keep_alive": "2m"}
    assert (first["size"], first["track_total_hits"], "search_after" in first) == (500, True, False)
    assert "aggs" not in first and "post_filter" not in first and "from" not in first
    # the any-of filter moves into the query: the export is the filtered result set
    assert first["query"]["function_score"]["query"]["bool"]["filter"] == [{"terms": {"facets.year": [2016]}}]
    after = dsl.export_body(request, parsed, request.filters, "PIT-2", [3.2, "b_kenya_drought", 5])
    assert after["search_after"] == [3.2, "b_kenya_drought", 5] and after["track_total_hits"] is False


def test_a_document_page_reads_its_paragraphs_in_order():
    assert dsl.document_body("d_chile_hack", 5) == {
        "query": {"bool": {"filter": [{"term": {"doc_id": "d_chile_hack"}}]}},
        "sort": [{"position": {"order": "asc"}}], "size": 5, "_source": dsl.HIT_SOURCE}


def test_the_parsers_trees_compile():
    parser = pytest.importorskip("search.querylang.parser")  # written beside this engine (issue 12)
    for text in ['"National Assembly" -Maduro', "year:2016..2019 Padrino", "sanc* OR Guiado~",
                 "Maduro^2 AND (oil OR gas)", "kind:caption", "-Maduro -Guaidó", "Economist Maduro 2021"]:
        parsed = parser.parse_query(text)
        body = dsl.search_body(parse_request({"q": [text]}), parsed, {})
        assert json.loads(json.dumps(body)) == body and body["query"]["function_score"]["query"]["bool"]["must"]


def test_every_body_is_json():
    parsed = ParsedQuery(And((Term("Guaidó"), Phrase(("a", "b")), Prefix("x"), Wildcard("y*z"),
                              Fuzzy("w"), YearRange(2000, None), Not(Term("q")), Boost(Term("r"), 2))))
    json.dumps(dsl.search_body(REQUEST, parsed, REQUEST.filters, dsl.similar_clause("p", 28)))


# https://docs.opensearch.org/latest/query-dsl/compound/constant-score/ : a value the query names
# (search/interpret.py) adds READING_BOOSTS, as a should clause that never makes a match.
def test_readings_add_their_boost_to_paragraphs_carrying_the_value():
    from search.ranking import READING_BOOSTS
    readings = [{"words": "Economist", "facet": "publication", "value": "The Economist"},
                {"words": "Maduro", "facet": "actor", "value": "Nicolás Maduro"},
                {"words": "TSJ", "facet": "actor", "value": "Supreme Tribunal of Justice"},
                {"words": "2021", "facet": "year", "value": 2021}]
    clauses = dsl.reading_clauses(readings, [True, True, False, True])
    assert clauses == [
        {"constant_score": {"filter": {"term": {"facets.publication": "The Economist"}},
                            "boost": READING_BOOSTS["publication"]}},
        # "Maduro" is scored by the actor field already; an alias its words do not contain is not
        {"constant_score": {"filter": {"term": {"facets.actor": "Supreme Tribunal of Justice"}},
                            "boost": READING_BOOSTS["actor"]}},
    ]
    body = dsl.search_body(parse_request({"q": ["Economist"]}), ParsedQuery(Term("Economist"), "Economist", None,
                                                                            ("Economist",)), {}, None, clauses)
    assert clauses[0] in body["query"]["function_score"]["query"]["bool"]["should"]
