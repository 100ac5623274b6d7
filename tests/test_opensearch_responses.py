"""Parsing OpenSearch's search responses (search/engines/opensearch/responses.py) into the API's
Hit, SearchResult and FacetValue JSON: responses written in the shape the OpenSearch
documentation shows (https://docs.opensearch.org/latest/api-reference/search-apis/search/ :
took, hits.total {value, relation}, hits.hits[] {_index, _id, _score, _source, highlight, sort},
aggregations, suggest), and the same JSON as the embedded engine for the same paragraph."""
from __future__ import annotations

import pytest
from markupsafe import escape

from conftest import TINY_SEEDS, search
from search.changes import plan_changes
from search.directory import paragraph_row
from search.engines.opensearch import responses
from search.engines.opensearch.bulk import paragraph_source
from search.engines.opensearch.dsl import MARK_CLOSE as C, MARK_OPEN as O
from search.querylang.nodes import Or, ParsedQuery, Term
from search.request import parse_request


@pytest.fixture(scope="module")
def sources():
    changes = plan_changes(TINY_SEEDS)
    return {p.id: paragraph_source(paragraph_row(d, p, changes.mentions.get(p.id, ())))
            for d in changes.documents for p in d.paragraphs}


def raw_hit(source: dict, score: float | None = 1.0, highlight: str | None = None) -> dict:
    hit = {"_index": "hemeroteca-20261201t101500123456", "_id": source["id"], "_score": score,
           "_source": source, "sort": [score, source["doc_id"], source["position"]]}
    if highlight is not None:
        hit["highlight"] = {"text": [highlight]}
    return hit


def test_marked_spans_read_the_marks_and_refuse_another_text():
    assert responses.marked_spans(f"a {O}b{C} c {O}dd{C}", "a b c dd") == [(2, 3), (6, 8)]
    assert responses.marked_spans(f"{O}x{C}", "y") is None


# https://docs.opensearch.org/latest/search-plugins/searching-data/highlight/ : encoder "html"
# would write "/" as &#x2F; — escaping is ours, as the embedded engine escapes.
def test_highlights_escape_the_text_and_mark_the_words():
    text = "<script>alert(1)</script> hackers' site/page"
    marked = f"<script>alert(1)</script> {O}hackers{C}' site/page"
    assert str(responses.highlight_of(text, [marked])) == \
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>hackers</mark>&#39; site/page"
    # a highlight that does not fit the text is ignored, never shown unescaped
    assert str(responses.highlight_of(text, ["<b>other</b>"])) == str(escape(text))


def test_a_mention_is_marked_when_the_query_matches_its_name(sources):
    kenya = sources["b_kenya_drought-p5"]
    mention = next(m for m in kenya["mentions"] if m[2] == "National Drought Management Authority")
    parsed = ParsedQuery(Term("authority"), "authority", None, ("authority",))
    hit = responses.hit_from(raw_hit(kenya), True, responses.NameMatches.of(parsed))
    start, end = mention[0], mention[1]
    assert f"<mark>{kenya['text'][start:end]}</mark>" in str(hit.highlight)
    # a filter on the actor marks it whatever the query
    hit = responses.hit_from(raw_hit(kenya), False, None, frozenset({"National Drought Management Authority"}))
    assert f"<mark>{kenya['text'][start:end]}</mark>" in str(hit.highlight)


def test_a_hit_has_the_embedded_engines_json_field_for_field(client, sources):
    # the embedded engine's hit for "hackers": the escaped <script> paragraph
    whoosh = next(h for h in search(client, q="hackers", per_page=100)["hits"] if h["id"] == "d_chile_hack-p1")
    source = sources["d_chile_hack-p1"]
    # the same words marked by OpenSearch's highlighter, between the private-use marks
    marked = whoosh["highlight"].replace("<mark>", O).replace("</mark>", C)
    from html import unescape
    hit = responses.hit_from(raw_hit(source, 3.14159, unescape(marked)), True).to_json()
    assert {k: v for k, v in hit.items() if k != "score"} == {k: v for k, v in whoosh.items() if k != "score"}
    assert hit["score"] == 3.1416
    assert list(hit) == list(whoosh)


def test_unknown_metadata_is_null_in_hits(sources):
    hit = responses.hit_from(raw_hit(sources["d_chile_hack-p2"], None), False).to_json()
    assert (hit["publication"], hit["score"], hit["url"]) == (None, None, "/documents/d_chile_hack#p2")


# https://docs.opensearch.org/latest/aggregations/bucket/filter/ (doc_count + sub-aggregations)
# and https://docs.opensearch.org/latest/aggregations/bucket/terms/ (buckets of key, doc_count;
# doc_count_error_upper_bound, sum_other_doc_count)
AGGREGATIONS = {
    "actor": {"doc_count": 12, "values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [
        {"key": "José Pérez", "doc_count": 3}, {"key": "International Monetary Fund", "doc_count": 3},
        {"key": "Ana Díaz", "doc_count": 1}]},
        "selected": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                     "buckets": [{"key": "José Pérez", "doc_count": 3}]}},
    "place": {"doc_count": 12, "values": {"buckets": []}},
    "year": {"doc_count": 28, "values": {"buckets": [{"key": 2021, "doc_count": 6}, {"key": 2022, "doc_count": 6},
                                                     {"key": 2016, "doc_count": 5}]},
             "selected": {"buckets": [{"key": 2016, "doc_count": 5}]}},
    "publication": {"doc_count": 12, "values": {"buckets": [{"key": "Frontline Review", "doc_count": 12}]}},
    "kind": {"doc_count": 12, "values": {"buckets": [{"key": "body", "doc_count": 11},
                                                     {"key": "caption", "doc_count": 1}]}},
}


def test_facets_follow_the_embedded_order_with_types_and_selections():
    selections = {"actor": ("José Pérez",), "year": (2016, 1999)}
    types = {"actor": {"José Pérez": "person", "International Monetary Fund": "org", "Ana Díaz": "person"}}
    facets = {name: [v.to_json() for v in values]
              for name, values in responses.facets_from(AGGREGATIONS, selections, types).items()}
    assert facets == {
        # count, then value: the embedded engine's order
        "actor": [{"value": "International Monetary Fund", "type": "org", "count": 3, "selected": False},
                  {"value": "José Pérez", "type": "person", "count": 3, "selected": True},
                  {"value": "Ana Díaz", "type": "person", "count": 1, "selected": False}],
        "place": [],
        # a selected value always appears, with 0 when nothing matches it
        "year": [{"value": 2021, "count": 6, "selected": False}, {"value": 2022, "count": 6, "selected": False},
                 {"value": 2016, "count": 5, "selected": True}, {"value": 1999, "count": 0, "selected": True}],
        "publication": [{"value": "Frontline Review", "count": 12, "selected": False}],
        "kind": [{"value": "body", "count": 11, "selected": False}, {"value": "caption", "count": 1, "selected": False}],
    }


def test_a_search_response_is_the_search_result(client, sources):
    request = parse_request({"q": ["sanction"], "per_page": ["2"]})
    parsed = ParsedQuery(Or((Term("sanction"),)), "sanction", None, ("sanction",))
    p3, p4 = sources["c_saved_page_ukraine_brazil-a1-p3"], sources["c_saved_page_ukraine_brazil-a1-p4"]
    response = {
        "took": 4, "timed_out": False, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": 2, "relation": "eq"}, "max_score": 2.5, "hits": [
            raw_hit(p4, 2.5, p4["text"].replace("sanction", f"{O}sanction{C}")),
            raw_hit(p3, 1.75, p3["text"].replace("sanctions", f"{O}sanctions{C}"))]},
        "aggregations": AGGREGATIONS,
    }
    result = responses.search_result(request, response, parsed, True, {}, shown_query="{}").to_json()
    assert (result["query"], result["total"], result["page"], result["per_page"]) == ("sanction", 2, 1, 2)
    assert [h["id"] for h in result["hits"]] == ["c_saved_page_ukraine_brazil-a1-p4", "c_saved_page_ukraine_brazil-a1-p3"]
    assert [h["score"] for h in result["hits"]] == [2.5, 1.75]
    assert "<mark>sanctions</mark>" in result["hits"][1]["highlight"]
    # the embedded engine's keys, in its order
    assert list(result) == list(search(client, q="sanction"))


# https://docs.opensearch.org/latest/aggregations/bucket/filters/ (named buckets with doc_count)
def test_unmatched_words_are_those_no_paragraph_has():
    aggregations = {"_words": {"doc_count": 28, "words": {"buckets": {
        "Madurro": {"doc_count": 0}, "oil": {"doc_count": 3}, "Guiado": {"doc_count": 0}}}}}
    assert responses.unmatched_words(aggregations) == ("Madurro", "Guiado")
    assert responses.unmatched_words({}) == ()


# https://docs.opensearch.org/latest/search-plugins/searching-data/did-you-mean/ (entries of
# text, offset, length, options of text, score, freq)
def test_suggester_options_by_word():
    response = {"suggest": {"did_you_mean": [
        {"text": "guiado", "offset": 0, "length": 6, "options": [{"text": "guaido", "score": 0.8, "freq": 4},
                                                                  {"text": "guido", "score": 0.6, "freq": 1}]},
        {"text": "sanctions", "offset": 7, "length": 9, "options": []}]}}
    assert responses.suggestion_options(response) == {"guiado": [("guaido", 4), ("guido", 1)], "sanctions": []}


def test_document_paragraphs_are_the_api_entries(sources):
    response = {"hits": {"total": {"value": 2, "relation": "eq"}, "hits": [
        raw_hit(sources["d_chile_hack-p1"], None, None), raw_hit(sources["d_chile_hack-p2"], None, None)]}}
    paragraphs = responses.paragraphs_from(response)
    assert [p["anchor"] for p in paragraphs] == ["p1", "p2"]
    assert set(paragraphs[0]) == {"id", "position", "anchor", "kind", "section", "text", "actors", "places"}
    with_query = responses.paragraphs_from(response, ParsedQuery(Term("x")))
    assert str(with_query[0]["highlight"]) == str(escape(sources["d_chile_hack-p1"]["text"]))


def test_an_untitled_articles_hit_shows_the_directorys_display_title(sources):
    # The cluster's paragraphs carry the real title only (null for an untitled article); the
    # title pages show comes from the directory's document entry, as in the embedded engine.
    source = {**sources["d_chile_hack-p2"], "title": ""}
    documents = {"d_chile_hack": {"display_title": "Frontline Review, 2021: “Hackers…”"}}
    hit = responses.hit_from(raw_hit(source), True, documents=documents).to_json()
    assert hit["title"] is None
    assert hit["display_title"] == "Frontline Review, 2021: “Hackers…”"
    assert responses.hit_from(raw_hit(source), True).to_json()["display_title"] == "d_chile_hack"
