"""The OpenSearch index settings and mappings (search/engines/opensearch/mapping.py), as the
create-index requests of the OpenSearch documentation write them; and the analysis the query
compiler assumes (dsl.kept_words) against the embedded engine's analyzers."""
from __future__ import annotations

import pytest

from search.analysis import MIN_WORD_LENGTH, STOPWORDS, TOKEN_PATTERN
from search.engines.opensearch import dsl, mapping
from search.facets import FACETS
from search.ranking import BM25_B, BM25_K1


# https://docs.opensearch.org/latest/analyzers/tokenizers/pattern/ (pattern, flags, group),
# …/analyzers/token-filters/pattern-replace/ , …/analyzers/token-filters/asciifolding/ ,
# …/analyzers/token-filters/stop/ (a custom array), …/analyzers/token-filters/length/ ,
# …/analyzers/token-filters/porter-stem/ and …/analyzers/token-filters/snowball/
def test_analysis_is_the_embedded_engines_chain():
    analysis = mapping.analysis_settings()
    assert analysis["tokenizer"] == {"hemeroteca_words": {
        "type": "pattern", "pattern": TOKEN_PATTERN, "group": 0, "flags": "UNICODE_CHARACTER_CLASS"}}
    assert analysis["filter"]["hemeroteca_drop_dots"] == {"type": "pattern_replace", "pattern": "\\.",
                                                          "replacement": ""}
    assert analysis["filter"]["hemeroteca_stop"] == {"type": "stop", "stopwords": sorted(STOPWORDS),
                                                     "ignore_case": False}
    assert analysis["filter"]["hemeroteca_min_length"] == {"type": "length", "min": MIN_WORD_LENGTH}
    folding = ["lowercase", "hemeroteca_drop_dots", "asciifolding", "hemeroteca_stop"]
    assert analysis["analyzer"] == {
        "hemeroteca_text": {"type": "custom", "tokenizer": "hemeroteca_words",
                            "filter": [*folding, "hemeroteca_min_length", "hemeroteca_irregular",
                                       "hemeroteca_stem"]},
        "hemeroteca_exact": {"type": "custom", "tokenizer": "hemeroteca_words",
                             "filter": [*folding, "hemeroteca_min_length"]},
        "hemeroteca_names": {"type": "custom", "tokenizer": "hemeroteca_words", "filter": folding},
    }


# https://docs.opensearch.org/latest/analyzers/token-filters/stemmer-override/ : "rules", each
# "form, form => stem"; the words it maps are marked as keywords, so the snowball filter after it
# keeps the stem the rule names (Lucene's StemmerOverrideFilter).
def test_irregular_forms_are_a_stemmer_override_before_the_stemmer():
    from search.analysis import IRREGULAR_FORMS, stem
    irregular = mapping.analysis_settings()["filter"]["hemeroteca_irregular"]
    assert irregular["type"] == "stemmer_override" and set(irregular) == {"type", "rules"}
    assert "said => say" in irregular["rules"]
    assert "went, gone, goes => go" in irregular["rules"]
    assert "mice => mous" in irregular["rules"]  # Snowball's stem of "mouse", as the rule's result
    # every rule gives the stem the embedded engine gives (search/analysis.py: stem), and every
    # irregular form is in exactly one rule
    ruled = {}
    for rule in irregular["rules"]:
        forms, _, target = rule.partition(" => ")
        for form in forms.split(", "):
            assert form not in ruled
            ruled[form] = target
    assert ruled == {form: stem(form) for form in IRREGULAR_FORMS}
    chain = mapping.analysis_settings()["analyzer"]["hemeroteca_text"]["filter"]
    assert chain.index("hemeroteca_irregular") == chain.index("hemeroteca_stem") - 1


def test_the_stemmer_is_the_one_search_analysis_declares():
    from search import analysis
    assert mapping.analysis_settings()["filter"]["hemeroteca_stem"] == analysis.OPENSEARCH_STEMMER


@pytest.mark.parametrize("name, expected", [
    ("porter", {"type": "porter_stem"}),
    ("snowball", {"type": "snowball", "language": "English"}),
    ("porter2", {"type": "snowball", "language": "English"}),
    ("snowball-english", {"type": "snowball", "language": "English"}),
])
def test_the_stemmer_follows_the_name_search_analysis_declares(name, expected):
    assert mapping.stemmer_filter(name) == expected
    with pytest.raises(ValueError):
        mapping.stemmer_filter("lancaster")


# https://docs.opensearch.org/latest/mappings/mapping-parameters/similarity/ and
# https://docs.opensearch.org/latest/im-plugin/similarity/ (a custom BM25 with k1 and b)
def test_bm25_uses_the_rankings_constants_on_every_text_field():
    body = mapping.paragraph_index_body(28)
    assert body["settings"]["index"]["similarity"] == {
        "hemeroteca_bm25": {"type": "BM25", "k1": BM25_K1, "b": BM25_B}}
    properties = body["mappings"]["properties"]
    for name in ("text", "text_exact", "title", "publication", "actor", "place"):
        assert properties[name]["type"] == "text" and properties[name]["similarity"] == "hemeroteca_bm25"


def test_paragraph_mapping():
    properties = mapping.paragraph_mappings()["properties"]
    assert mapping.paragraph_mappings()["dynamic"] is False  # actors, mentions: _source only
    assert properties["text"] == {"type": "text", "analyzer": "hemeroteca_text",
                                  "similarity": "hemeroteca_bm25", "copy_to": "text_exact"}
    # the exact forms only rank: no positions (phrases are matched on text)
    assert properties["text_exact"]["index_options"] == "freqs"
    assert properties["actor"]["analyzer"] == properties["place"]["analyzer"] == "hemeroteca_names"
    assert {name: properties[name] for name in ("id", "doc_id", "kind", "position", "year")} == {
        "id": {"type": "keyword"}, "doc_id": {"type": "keyword"}, "kind": {"type": "keyword"},
        "position": {"type": "integer"}, "year": {"type": "integer"}}
    # https://docs.opensearch.org/latest/mappings/supported-field-types/date/ (format)
    assert properties["date"] == {"type": "date", "format": "yyyy-MM-dd||yyyy-MM||yyyy"}


def test_every_facet_has_its_field_derived_from_facets():
    fields = mapping.paragraph_mappings()["properties"]["facets"]["properties"]
    assert fields == {facet.name: {"type": "integer" if facet.value_type is int else "keyword"}
                      for facet in FACETS}
    assert list(fields) == [facet.name for facet in FACETS]


def test_a_load_starts_without_refreshes_and_shards_follow_the_size():
    settings = mapping.paragraph_index_body(12_000_000)["settings"]["index"]
    assert settings["refresh_interval"] == "-1"
    assert settings["number_of_shards"] == 3
    assert settings["auto_expand_replicas"] == "0-1"
    assert mapping.shards_for(0) == 1 and mapping.shards_for(5_000_000) == 1


def test_directory_index_keeps_entries_in_source():
    assert mapping.directory_index_body()["mappings"] == {"dynamic": False, "properties": {
        "record": {"type": "keyword"}, "order": {"type": "integer"}, "revision": {"type": "keyword"}}}


# The compiler decides which query words are stop words with search/analysis.py's rules; they
# must be the embedded engine's (engines/whoosh/schema.py), word for word.
@pytest.mark.parametrize("text", [
    "The U.S. and the IMF’s talks", "Guaidó, Pérez and José", "a x of 27.25% rates", "Valparaíso's"])
def test_compiler_keeps_the_words_the_embedded_analyzers_keep(text):
    from search.engines.whoosh.schema import exact_analyzer, name_analyzer
    assert dsl.kept_words(text) == [t.text for t in exact_analyzer()(text)]
    assert dsl.kept_words(text, "actor") == [t.text for t in name_analyzer()(text)]
