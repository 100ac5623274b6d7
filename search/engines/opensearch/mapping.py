"""The paragraph index's settings and mappings, and the small directory index beside it.

Parts: ``MAPPING_VERSION`` (bump when a field or analyzer changes: older indexes are reloaded),
``analysis_settings`` (search/analysis.py's one analysis as OpenSearch analyzers),
``stemmer_filter``, ``irregular_forms_filter``, ``paragraph_index_body``, ``directory_index_body``, ``shards_for``, and the
field names the query compiler uses (``PHRASE_FIELDS``, ``facet_field``).

The analysis chain is built from the same declarations as the embedded engine's Whoosh
analyzers (engines/whoosh/schema.py), so a word is indexed as the same term in both:

    pattern tokenizer (TOKEN_PATTERN, the match is the token) → lowercase → dots dropped
    (U.S. → us) → ASCII folding (Guaidó → guaido) → the stop words of search/data/stopwords.txt
    → words shorter than MIN_WORD_LENGTH dropped → the irregular forms of search/analysis.py
    (IRREGULAR_FORMS, said → say: a ``stemmer_override`` filter) → the stemmer
    search/analysis.py names (Snowball English: OpenSearch's ``snowball`` filter)

Why the ``pattern`` tokenizer and not ``standard`` + filters: the standard tokenizer follows
Unicode word boundaries (UAX #29), which keep "Venezuela’s" and "3.5" as one token and split
"U.S." differently; TOKEN_PATTERN splits at apostrophes and keeps inner dots (then dropped), so
only the same regular expression gives the same words. ``UNICODE_CHARACTER_CLASS`` makes Java's
``\\w`` Unicode-aware like Python's (without it "Pérez" would split at the é).

One known difference: Lucene's stop and length filters leave a position gap where they drop a
word, while Whoosh renumbers the kept words. A phrase typed with its stop word ("Bank of
England") matches the same paragraphs in both; a phrase typed without it ("Bank England") matches
"Bank of England" only in the embedded engine.

Documentation: https://docs.opensearch.org/latest/analyzers/tokenizers/pattern/ ,
https://docs.opensearch.org/latest/analyzers/token-filters/pattern-replace/ ,
https://docs.opensearch.org/latest/analyzers/token-filters/asciifolding/ ,
https://docs.opensearch.org/latest/analyzers/token-filters/stop/ ,
https://docs.opensearch.org/latest/analyzers/token-filters/length/ ,
https://docs.opensearch.org/latest/analyzers/token-filters/stemmer-override/ ,
https://docs.opensearch.org/latest/analyzers/token-filters/porter-stem/ ,
https://docs.opensearch.org/latest/analyzers/token-filters/snowball/ ,
https://docs.opensearch.org/latest/mappings/mapping-parameters/similarity/ .
"""
from __future__ import annotations

import math

from search import analysis
from search.analysis import MIN_WORD_LENGTH, STOPWORDS, TOKEN_PATTERN
from search.facets import FACETS, Facet
from search.ranking import BM25_B, BM25_K1, QUERY_FIELDS
from search.request import MAX_RESULT_WINDOW

# 2: irregular forms (hemeroteca_irregular) before the stemmer
MAPPING_VERSION = 2

# Analyzer names, as the mapping and the queries refer to them.
TEXT_ANALYZER = "hemeroteca_text"      # folded and stemmed: text, title
EXACT_ANALYZER = "hemeroteca_exact"    # folded, not stemmed: text_exact (ranks exact forms)
NAMES_ANALYZER = "hemeroteca_names"    # folded, one-letter words kept: actor, place, publication
SIMILARITY = "hemeroteca_bm25"

# Fields indexed without positions (they only rank words; phrases are matched on ``text``).
POSITIONLESS_FIELDS = frozenset({"text_exact"})
# The default fields a phrase is matched on, with their boosts.
PHRASE_FIELDS = {name: boost for name, boost in QUERY_FIELDS.items() if name not in POSITIONLESS_FIELDS}

# A shard this size or smaller searches fast and recovers in minutes (docs/scale-out.md,
# "Sizing"): about 5 million paragraphs at the ~2 KB a paragraph this mapping takes on disk.
PARAGRAPHS_PER_SHARD = 5_000_000
# Refreshed this often once loaded; a bulk load runs with refreshes off (-1) and refreshes once.
REFRESH_INTERVAL = "1s"

# Stemmers by the names search/analysis.py may give them. "porter": the original Porter
# algorithm (Lucene's PorterStemFilter). "snowball-english" (the one declared today) and its
# other names: Snowball English (Porter2), the algorithm of the snowballstemmer package that the
# embedded engine stems with.
_STEMMERS = {
    "porter": {"type": "porter_stem"},
    "snowball": {"type": "snowball", "language": "English"},
    "porter2": {"type": "snowball", "language": "English"},
    "english_snowball": {"type": "snowball", "language": "English"},
    "snowball_english": {"type": "snowball", "language": "English"},
}


def stemmer_filter(name: str | None = None) -> dict:
    """The token filter of the stemmer search/analysis.py declares (its ``OPENSEARCH_STEMMER``,
    else the filter its ``STEMMER`` names), or of the stemmer ``name``."""
    if name is None and hasattr(analysis, "OPENSEARCH_STEMMER"):
        return dict(analysis.OPENSEARCH_STEMMER)
    name = (name or getattr(analysis, "STEMMER", "porter")).lower().replace("-", "_")
    try:
        return dict(_STEMMERS[name])
    except KeyError:
        raise ValueError(f"search/analysis.py names the stemmer {name!r}; the OpenSearch "
                         f"engine knows {', '.join(sorted(_STEMMERS))}") from None


def irregular_forms_filter() -> dict:
    """search/analysis.py's IRREGULAR_FORMS as a ``stemmer_override`` filter, one rule per base
    form: ``"went, gone => go"``. The filter marks the words it maps as keywords, which the
    stemmer after it leaves alone, so each rule names the final stem, the one the embedded
    engine gives every form of the family (``"mice => mous"``, Snowball's stem of "mouse")."""
    by_base: dict[str, list[str]] = {}
    for form, base in analysis.IRREGULAR_FORMS.items():
        by_base.setdefault(base, []).append(form)
    return {"type": "stemmer_override",
            "rules": [f"{', '.join(forms)} => {analysis.snowball_english(base)}"
                      for base, forms in by_base.items()]}


def analysis_settings() -> dict:
    """``settings.analysis``: the tokenizer, the filters and the three analyzers."""
    folding = ["lowercase", "hemeroteca_drop_dots", "asciifolding", "hemeroteca_stop"]
    return {
        "tokenizer": {
            "hemeroteca_words": {"type": "pattern", "pattern": TOKEN_PATTERN, "group": 0,
                                 "flags": "UNICODE_CHARACTER_CLASS"},
        },
        "filter": {
            "hemeroteca_drop_dots": {"type": "pattern_replace", "pattern": "\\.", "replacement": ""},
            "hemeroteca_stop": {"type": "stop", "stopwords": sorted(STOPWORDS), "ignore_case": False},
            "hemeroteca_min_length": {"type": "length", "min": MIN_WORD_LENGTH},
            "hemeroteca_irregular": irregular_forms_filter(),
            "hemeroteca_stem": stemmer_filter(),
        },
        "analyzer": {
            TEXT_ANALYZER: {"type": "custom", "tokenizer": "hemeroteca_words",
                            "filter": [*folding, "hemeroteca_min_length", "hemeroteca_irregular",
                                       "hemeroteca_stem"]},
            EXACT_ANALYZER: {"type": "custom", "tokenizer": "hemeroteca_words",
                             "filter": [*folding, "hemeroteca_min_length"]},
            NAMES_ANALYZER: {"type": "custom", "tokenizer": "hemeroteca_words", "filter": folding},
        },
    }


def facet_field(facet: Facet | str) -> str:
    """The keyword (or integer) field a facet filters and counts on: ``facets.<name>``."""
    return f"facets.{facet if isinstance(facet, str) else facet.name}"


def _text(analyzer: str, **extra: object) -> dict:
    return {"type": "text", "analyzer": analyzer, "similarity": SIMILARITY, **extra}


def paragraph_mappings() -> dict:
    """One document per paragraph: what search/directory.py's ``paragraph_row`` holds, plus the
    fields searches need (see bulk.paragraph_source for how each is filled)."""
    return {
        # Fields not listed (actors as [name, type] pairs, places, mentions, section) are kept
        # in _source for the hits and never indexed.
        "dynamic": False,
        "properties": {
            "id": {"type": "keyword"},
            "doc_id": {"type": "keyword"},
            "position": {"type": "integer"},
            "kind": {"type": "keyword"},
            # copy_to: the unstemmed words come from the same text, stored once in _source
            "text": _text(TEXT_ANALYZER, copy_to="text_exact"),
            "text_exact": _text(EXACT_ANALYZER, index_options="freqs"),
            "title": _text(TEXT_ANALYZER),
            "publication": _text(NAMES_ANALYZER),
            "actor": _text(NAMES_ANALYZER),
            "place": _text(NAMES_ANALYZER),
            "year": {"type": "integer"},
            # The date as precise as known, for range queries in OpenSearch Dashboards; filters
            # and sorting use the yyyymmdd integers, which say how precise each date is.
            "date": {"type": "date", "format": "yyyy-MM-dd||yyyy-MM||yyyy"},
            "date_start": {"type": "integer"},
            "date_end": {"type": "integer"},
            "date_sort": {"type": "integer"},
            # One field per facet of search/facets.py: adding a facet adds its field here.
            "facets": {"properties": {
                facet.name: {"type": "integer" if facet.value_type is int else "keyword"}
                for facet in FACETS}},
        },
    }


def shards_for(paragraphs: int) -> int:
    """Primary shards for an index of ``paragraphs`` paragraphs (docs/scale-out.md, "Sizing")."""
    return max(1, math.ceil(paragraphs / PARAGRAPHS_PER_SHARD))


def paragraph_index_body(paragraphs: int = 0) -> dict:
    """The body of the create-index request for a versioned paragraph index, set for loading:
    refreshes off until the load ends (bulk.finish_load turns them on)."""
    return {
        "settings": {
            "index": {
                "number_of_shards": shards_for(paragraphs),
                # a one-node trial stays green; a second node gets a replica of every shard
                "auto_expand_replicas": "0-1",
                "refresh_interval": "-1",
                "max_result_window": MAX_RESULT_WINDOW,
                "similarity": {SIMILARITY: {"type": "BM25", "k1": BM25_K1, "b": BM25_B}},
            },
            "analysis": analysis_settings(),
        },
        "mappings": paragraph_mappings(),
    }


def directory_index_body() -> dict:
    """The directory index beside each paragraph index: one record per document, per actor, and
    one ``build`` record (seeds, mapping version, revision). Entries live in ``_source``."""
    return {
        "settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-1"}},
        "mappings": {
            "dynamic": False,
            "properties": {
                "record": {"type": "keyword"},   # build | document | actor
                "order": {"type": "integer"},    # archive order; actors most named first
                "revision": {"type": "keyword"},  # the load that wrote the record
            },
        },
    }
