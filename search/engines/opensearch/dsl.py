"""Compile a parsed query and a SearchRequest into OpenSearch's query DSL. Pure: no client.

Parts: ``compile_node`` (a search/querylang/nodes.py tree → a query), ``matching_query`` (which
paragraphs match), ``ranking_clauses`` (what only ranks), ``highlight_query``, ``similar_clause``
(``like=``), ``reading_clauses`` (the metadata a query names), ``selection_filters`` and ``facet_aggregations`` (filters and facet counts from
search/facets.py), ``sort_clause``, ``search_body``, ``export_body``, ``document_body``,
``suggest_section``, ``word_presence``, ``count_body``.

How the embedded engine's ranking (engines/whoosh/bm25f.py) is expressed:
- a bare word is a ``multi_match`` of type ``most_fields`` over search/ranking.py's QUERY_FIELDS
  with their boosts: the fields' BM25 scores are added, as BM25F adds them there;
- the ranking-only fields (RANKING_FIELDS: title, publication; a bare year's YEAR_BOOST; the
  proximity bonus as a sloppy ``match_phrase``) are ``should`` clauses beside a ``must``: they
  add to the score of a paragraph that matches and never make one match;
- KIND_FACTORS multiply the whole score through ``function_score`` (``boost_mode: multiply``).
BM25's constants are in the mapping (mapping.py). Scores are not equal to the embedded engine's
(Lucene's idf is not Whoosh's); the order they give is what is equivalent.

Facets: an all-of facet (actor, place) is one ``term`` filter per selected value in the query,
so the hits and every count see it; an any-of facet (year, publication, kind) is a ``terms``
filter in ``post_filter`` (the hits see it, the counts do not), and each facet's counts are a
``filter`` aggregation of the *other* any-of selections: an any-of facet's counts ignore its own
selection (CONTRACT.md), exactly the embedded engine's masks.

Documentation (each construct's page): https://docs.opensearch.org/latest/query-dsl/compound/bool/ ,
…/query-dsl/full-text/multi-match/ , …/query-dsl/full-text/match/ ,
…/query-dsl/full-text/match-phrase/ , …/query-dsl/term/prefix/ , …/query-dsl/term/wildcard/ ,
…/query-dsl/term/range/ , …/query-dsl/term/term/ , …/query-dsl/term/terms/ ,
…/query-dsl/compound/function-score/ , …/query-dsl/compound/constant-score/ ,
…/query-dsl/specialized/more-like-this/ , …/aggregations/bucket/filter/ ,
…/aggregations/bucket/terms/ , …/search-plugins/filter-search/ (post_filter),
…/search-plugins/searching-data/highlight/ , …/search-plugins/searching-data/did-you-mean/ ,
…/search-plugins/searching-data/sort/ , …/search-plugins/searching-data/point-in-time/ .
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from search.analysis import MIN_WORD_LENGTH, STOPWORDS, TOKEN_PATTERN, fold_word
from search.engines.opensearch.mapping import PHRASE_FIELDS, facet_field
from search.facets import FACETS
from search.querylang.nodes import (And, Boost, Fuzzy, MatchAll, Node, Not, Or, ParsedQuery, Phrase,
                                    Prefix, Term, Wildcard, YearRange)
from search.ranking import (KIND_FACTORS, PROXIMITY_BOOST, PROXIMITY_MAX_WORDS, PROXIMITY_SLOP,
                            QUERY_FIELDS, RANKING_FIELDS, USER_FIELDS, YEAR_BOOST)

try:  # the readings' boosts (issue 13); absent from older trees
    from search.ranking import READING_BOOSTS
except ImportError:  # pragma: no cover
    READING_BOOSTS: dict[str, float] = {}
from search.request import SearchRequest

# Index fields by what they hold: analysed words (by which analyzer), keywords, numbers.
STEMMED_FIELDS = frozenset({"text", "title"})
NAME_FIELDS = frozenset({"actor", "place", "publication"})
TEXT_FIELDS = STEMMED_FIELDS | NAME_FIELDS | {"text_exact"}
KEYWORD_FIELDS = frozenset({"kind"})
NUMBER_FIELDS = frozenset({"year"})

# Highlights come back with these around each matched word; responses.py escapes the text and
# turns them into <mark>…</mark> (OpenSearch's own ``encoder: html`` escapes "/" and "'" as
# &#x2F; and &#x27;, not as the embedded engine does). Private-use characters: no text has them.
MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"

FACET_LIMIT = 100            # values per facet, as the embedded engine shows (selected ones kept)
EXPORT_BATCH = 500           # hits per page of an export
PIT_KEEP_ALIVE = "2m"        # an export's point in time lives this long after each page

# More like this, as engines/whoosh/similar.py (Lucene's MoreLikeThis with Elasticsearch's
# defaults where they carry over to paragraphs): the paragraph's 12 most distinctive terms
# (tf·idf) among its words and the actors and places it names; a term must be in at least 5
# paragraphs (5% of a small archive, at least 2) and in at most half of them; a neighbour shares
# at least 30% of the key terms.
SIMILAR_KEY_TERMS = 12
SIMILAR_MIN_DOC_FREQ = 5
SIMILAR_MIN_DOC_SHARE = 0.05
SIMILAR_MAX_SHARE = 0.5
SIMILAR_MINIMUM_SHOULD_MATCH = "30%"

# Did you mean, as engines/whoosh/suggest.py: words used in at most one paragraph are checked
# against the unstemmed words within two edits (a swap of two letters is one).
SUGGEST_FIELD = "text_exact"
SUGGEST_MAX_EDITS = 2
SUGGEST_RARE_AT_MOST = 1

# What a hit needs from _source (the indexed helper fields stay on the cluster).
HIT_SOURCE = ["id", "doc_id", "position", "kind", "section", "title", "publication", "date",
              "year", "text", "actors", "places", "mentions"]

_TOKEN = re.compile(TOKEN_PATTERN)
MATCH_NONE: dict = {"match_none": {}}
MATCH_ALL: dict = {"match_all": {}}


# ---------------------------------------------------------------------------- analysis checks
def kept_words(text: str, field: str | None = None) -> list[str]:
    """The folded words of ``text`` the index keeps in ``field`` (stop words and words too
    short dropped; names keep one-letter words), before stemming: search/analysis.py's rules."""
    minsize = 1 if field in NAME_FIELDS else MIN_WORD_LENGTH
    words = [fold_word(match.group()) for match in _TOKEN.finditer(text)]
    return [word for word in words if len(word) >= minsize and word not in STOPWORDS]


def _searchable(text: str, fields: Mapping[str, float]) -> bool:
    # A word every field drops (a stop word) is no query at all, as the embedded engine's
    # parser drops it; a match query would otherwise match nothing and sink an AND.
    return any(kept_words(text, name) for name in fields if name in TEXT_FIELDS) or \
        any(name not in TEXT_FIELDS for name in fields)


def _fields(field: str | None, default: Mapping[str, float]) -> dict[str, float]:
    if field is None:
        return dict(default)
    return {USER_FIELDS.get(field, field): 1.0}


def _any(clauses: list[dict]) -> dict | None:
    if not clauses:
        return None
    if len(clauses) == 1:
        return clauses[0]
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


# ---------------------------------------------------------------------------- the tree
def compile_node(node: Node | None, default: Mapping[str, float] = QUERY_FIELDS) -> dict | None:
    """The query for ``node``; bare words search the ``default`` fields with their boosts.
    None when nothing of it is searchable (only stop words): the parent drops it."""
    if node is None:
        return None
    if isinstance(node, Term):
        return _term(node.text, _fields(node.field, default))
    if isinstance(node, Phrase):
        fields = _fields(node.field, PHRASE_FIELDS if default is QUERY_FIELDS else default)
        return _phrase(" ".join(node.words), fields, node.slop)
    if isinstance(node, (Prefix, Wildcard)):
        kind = "prefix" if isinstance(node, Prefix) else "wildcard"
        value = fold_word(node.text if isinstance(node, Prefix) else node.pattern)
        return _multi_term(kind, value, _fields(node.field, default))
    if isinstance(node, Fuzzy):
        return _term(node.text, _fields(node.field, default), fuzziness=max(0, min(2, node.distance)))
    if isinstance(node, YearRange):
        bounds = {key: value for key, value in (("gte", node.start), ("lte", node.end))
                  if value is not None}
        return {"range": {"year": bounds}} if bounds else {"exists": {"field": "year"}}
    if isinstance(node, MatchAll):
        return dict(MATCH_ALL)
    if isinstance(node, And):
        must = [c for child in node.children if not isinstance(child, Not)
                if (c := compile_node(child, default)) is not None]
        must_not = [c for child in node.children if isinstance(child, Not)
                    if (c := compile_node(child.child, default)) is not None]
        if not must and not must_not:
            return None
        if len(must) == 1 and not must_not:
            return must[0]
        clause: dict = {"must": must or [dict(MATCH_ALL)]}
        if must_not:
            clause["must_not"] = must_not
        return {"bool": clause}
    if isinstance(node, Or):
        return _any([c for child in node.children if (c := compile_node(child, default)) is not None])
    if isinstance(node, Not):
        inner = compile_node(node.child, default)
        return None if inner is None else {"bool": {"must": [dict(MATCH_ALL)], "must_not": [inner]}}
    if isinstance(node, Boost):
        inner = compile_node(node.child, default)
        return None if inner is None else {"bool": {"must": [inner], "boost": node.factor}}
    raise TypeError(f"not a query node: {node!r}")


def _term(text: str, fields: dict[str, float], fuzziness: int | None = None) -> dict | None:
    if not _searchable(text, fields):
        return None
    extra = {} if fuzziness is None else {"fuzziness": fuzziness}
    clauses = []
    words = [name for name in fields if name in TEXT_FIELDS]
    # A typed word may analyse into several index words ("Maduro's": maduro, s): any of them
    # matches and each adds to the score, as if typed apart (querylang/nodes.py, Term).
    if len(words) > 1:
        clauses.append({"multi_match": {"query": text, "type": "most_fields",
                                        "fields": [f"{name}^{fields[name]:g}" for name in words],
                                        **extra}})
    elif words:
        name = words[0]
        clauses.append({"match": {name: {"query": text, **extra, **_boost(fields[name])}}})
    for name in fields:
        if name in KEYWORD_FIELDS:
            clauses.append({"term": {name: {"value": text.lower(), **_boost(fields[name])}}})
        elif name in NUMBER_FIELDS:
            clauses.append({"term": {name: {"value": int(text), **_boost(fields[name])}}}
                           if text.isdigit() else dict(MATCH_NONE))
    return _any(clauses)


def _boost(boost: float) -> dict:
    return {} if boost == 1.0 else {"boost": boost}


def _phrase(text: str, fields: dict[str, float], slop: int) -> dict | None:
    if not _searchable(text, fields):
        return None
    clauses = []
    for name, boost in fields.items():
        if name in TEXT_FIELDS:
            clauses.append({"match_phrase": {name: {"query": text, **({"slop": slop} if slop else {}),
                                                    **_boost(boost)}}})
        else:  # a kind or a year has no positions: the words as one value
            clauses.append(_term(text, {name: boost}) or dict(MATCH_NONE))
    return _any(clauses)


def _multi_term(kind: str, value: str, fields: dict[str, float]) -> dict | None:
    # Term-level queries are not analysed: the value is folded here as the index folds words
    # (lower case, dots dropped, accents folded). Each field's matches score its boost.
    if not value.strip("*?"):
        return None
    clauses = []
    for name, boost in fields.items():
        if name in NUMBER_FIELDS:
            clauses.append(dict(MATCH_NONE))
        else:
            clauses.append({kind: {name: {"value": value, **_boost(boost)}}})
    return _any(clauses)


def positive_leaves(node: Node | None, factor: float = 1.0) -> Iterator[tuple[Node, float]]:
    """The leaves of ``node`` outside any Not, each with the product of the boosts above it."""
    if node is None or isinstance(node, Not):
        return
    if isinstance(node, (And, Or)):
        for child in node.children:
            yield from positive_leaves(child, factor)
    elif isinstance(node, Boost):
        yield from positive_leaves(node.child, factor * node.factor)
    else:
        yield node, factor


# ---------------------------------------------------------------------------- one search
def matching_query(parsed: ParsedQuery) -> dict:
    """Which paragraphs the query matches (every paragraph for an empty query)."""
    compiled = compile_node(parsed.tree)
    return MATCH_NONE if compiled is None else compiled


def has_words(parsed: ParsedQuery) -> bool:
    """Whether the query ranks (anything but every paragraph, or nothing)."""
    return parsed.tree is not None and not isinstance(parsed.tree, MatchAll)


def ranking_clauses(parsed: ParsedQuery) -> list[dict]:
    """``should`` clauses that add to a matching paragraph's score and never make one match:
    the bare words on the ranking-only fields, the exact forms of a phrase's words, a bare
    year's bonus, and the proximity bonus (the bare words close together, in order)."""
    clauses = []
    for leaf, factor in positive_leaves(parsed.tree):
        if getattr(leaf, "field", "") is not None:
            continue  # a field named by the user, a year range, every paragraph: no bonus
        ranked = compile_node(leaf, RANKING_FIELDS)
        if ranked is not None:
            clauses.append(ranked if factor == 1.0 else {"bool": {"must": [ranked], "boost": factor}})
        if isinstance(leaf, Phrase) and kept_words(" ".join(leaf.words)):
            clauses.append({"match": {"text_exact": {"query": " ".join(leaf.words), "operator": "and",
                                                     "boost": QUERY_FIELDS["text_exact"] * factor}}})
    for year in parsed.bare_years:
        clauses.append({"constant_score": {"filter": {"term": {"year": year}}, "boost": YEAR_BOOST}})
    if parsed.proximity and 2 <= len(kept_words(" ".join(parsed.proximity))) <= PROXIMITY_MAX_WORDS:
        clauses.append({"match_phrase": {"text": {"query": " ".join(parsed.proximity),
                                                  "slop": PROXIMITY_SLOP, "boost": PROXIMITY_BOOST}}})
    return clauses


def reading_clauses(readings: list[dict], lexical: list[bool]) -> list[dict]:
    """``should`` clauses for the query's readings (search/interpret.py): a paragraph carrying a
    value the query names gains READING_BOOSTS[facet], as in the embedded engine: a publication
    always (no field scores its name), an actor or place only when read through an alias its
    name's words do not contain ("TSJ"), a year never (a bare year has YEAR_BOOST)."""
    clauses = []
    for reading, through_words in zip(readings, lexical):
        boost = READING_BOOSTS.get(reading["facet"], 0.0)
        if boost and (reading["facet"] == "publication" or not through_words):
            clauses.append({"constant_score": {"filter": {"term": {facet_field(reading["facet"]): reading["value"]}},
                                               "boost": boost}})
    return clauses


def highlight_query(parsed: ParsedQuery) -> dict | None:
    """What to mark: every positive word leaf on its own (a word is marked wherever it occurs,
    even in a paragraph shown for another reason, as the embedded engine marks terms), phrases
    as phrases; kinds, years and negated words are never marked."""
    clauses = []
    for leaf, _ in positive_leaves(parsed.tree):
        field = getattr(leaf, "field", None)
        if isinstance(leaf, (YearRange, MatchAll)) or USER_FIELDS.get(field, field) in KEYWORD_FIELDS | NUMBER_FIELDS:
            continue
        compiled = compile_node(leaf)
        if compiled is not None:
            clauses.append(compiled)
    return {"bool": {"should": clauses}} if clauses else None


def similar_clause(paragraph_id: str, paragraphs: int) -> dict:
    """Paragraphs like ``paragraph_id`` (never itself), in an index of ``paragraphs``: its
    distinctive words and names through ``more_like_this`` on the paragraph id."""
    min_doc_freq = min(SIMILAR_MIN_DOC_FREQ, max(2, round(SIMILAR_MIN_DOC_SHARE * paragraphs)))
    like = {"more_like_this": {"fields": ["text", "actor", "place"], "like": [{"_id": paragraph_id}],
                               "min_term_freq": 1, "min_doc_freq": min_doc_freq,
                               "max_doc_freq": max(min_doc_freq, int(SIMILAR_MAX_SHARE * paragraphs)),
                               "min_word_length": 3, "max_query_terms": SIMILAR_KEY_TERMS,
                               "minimum_should_match": SIMILAR_MINIMUM_SHOULD_MATCH, "include": False}}
    return {"bool": {"must": [like], "must_not": [{"ids": {"values": [paragraph_id]}}]}}


def selection_filters(request: SearchRequest, selections: Mapping[str, tuple]) -> tuple[list[dict], dict[str, dict]]:
    """(filters every count sees: all-of facets and dates; {facet: filter} of any-of facets).

    ``selections``: the request's selected values by facet, names already canonical.
    """
    query_filters: list[dict] = []
    any_of: dict[str, dict] = {}
    for facet in FACETS:
        values = list(selections.get(facet.name) or ())
        if not values:
            continue
        if facet.any_of:
            any_of[facet.name] = {"terms": {facet_field(facet): values}}
        else:
            query_filters += [{"term": {facet_field(facet): value}} for value in values]
    # A paragraph's date is a span (2019-05 is May 1–31): it passes when the span overlaps.
    if request.date_from:
        query_filters.append({"range": {"date_end": {"gte": _yyyymmdd(request.date_from)}}})
    if request.date_to:
        query_filters.append({"range": {"date_start": {"lte": _yyyymmdd(request.date_to)}}})
    return query_filters, any_of


def _yyyymmdd(day) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def facet_aggregations(any_of: Mapping[str, dict], selections: Mapping[str, tuple]) -> dict:
    """One filter aggregation per facet (the other facets' any-of selections), holding the top
    values by count then value, and the counts of the selected values (shown even when they are
    not among the top)."""
    aggregations = {}
    for facet in FACETS:
        others = [clause for name, clause in any_of.items() if name != facet.name]
        inner: dict = {"values": {"terms": {"field": facet_field(facet), "size": FACET_LIMIT,
                                            "order": [{"_count": "desc"}, {"_key": "asc"}]}}}
        selected = list(selections.get(facet.name) or ())
        if selected:
            inner["selected"] = {"terms": {"field": facet_field(facet), "include": selected,
                                           "size": len(selected)}}
        aggregations[facet.name] = {"filter": {"bool": {"filter": others}} if others else dict(MATCH_ALL),
                                    "aggs": inner}
    return aggregations


def sort_clause(request: SearchRequest, ranked: bool) -> list[dict]:
    """The request's order, ties broken by archive order (document id, then position), so the
    same seeds always give the same pages. Without words, "relevance" is newest first; with
    words, equal scores are newest first, then archive order (ranking.TIE_BREAK, as the
    embedded engine orders them)."""
    ties = [{"doc_id": {"order": "asc"}}, {"position": {"order": "asc"}}]
    newest = {"date_sort": {"order": "desc", "missing": "_last"}}
    if request.sort == "relevance" and ranked:
        return [{"_score": {"order": "desc"}}, newest, *ties]
    if request.sort == "oldest":
        return [{"date_sort": {"order": "asc", "missing": "_last"}}, *ties]
    return [newest, *ties]


def scored_query(matching: dict, ranking: list[dict], filters: list[dict]) -> dict:
    """``matching`` with the ranking-only clauses and the filters, times the kind factors."""
    clause: dict = {"must": [matching]}
    if ranking:
        clause["should"] = ranking
    if filters:
        clause["filter"] = filters
    functions = [{"filter": {"term": {"kind": kind}}, "weight": factor}
                 for kind, factor in KIND_FACTORS.items()]
    return {"function_score": {"query": {"bool": clause}, "functions": functions,
                               "score_mode": "first", "boost_mode": "multiply"}}


def highlight_section(query: dict) -> dict:
    """The whole paragraph text (no fragments), matched words between MARK_OPEN/MARK_CLOSE."""
    return {"fields": {"text": {"type": "unified", "number_of_fragments": 0,
                                "pre_tags": [MARK_OPEN], "post_tags": [MARK_CLOSE],
                                "require_field_match": False, "highlight_query": query}}}


def suggest_section(words: tuple[str, ...]) -> dict:
    """The term suggester on the unstemmed words: candidates within two edits for the query's
    rare words (used in at most one paragraph), more frequent than the word itself."""
    return {"text": " ".join(words),
            "did_you_mean": {"term": {"field": SUGGEST_FIELD, "suggest_mode": "popular",
                                      "max_edits": SUGGEST_MAX_EDITS, "prefix_length": 0,
                                      "min_word_length": 3, "max_term_freq": SUGGEST_RARE_AT_MOST,
                                      "string_distance": "damerau_levenshtein", "size": 10,
                                      "sort": "score"}}}


def _query_parts(request: SearchRequest, parsed: ParsedQuery, similar: dict | None,
                 readings: list[dict] = ()) -> tuple[dict, list[dict], dict | None, bool]:
    """(matching query, ranking clauses, highlight query, ranked) for the query and ``like``."""
    matching = matching_query(parsed)
    ranking = ranking_clauses(parsed) + list(readings)
    marks = highlight_query(parsed)
    ranked = has_words(parsed)
    if similar is not None:
        marks = {"bool": {"should": [*similar["bool"]["must"], *([marks] if marks else [])]}}
        matching = similar if not request.q.strip() else {"bool": {"must": [similar, matching]}}
        ranked = True
    return matching, ranking, marks, ranked


def search_body(request: SearchRequest, parsed: ParsedQuery, selections: Mapping[str, tuple],
                similar: dict | None = None, readings: list[dict] = ()) -> dict:
    """One page of hits, the total, every facet's counts, highlights and the suggester;
    ``readings``: reading_clauses of the query's readings."""
    matching, ranking, marks, ranked = _query_parts(request, parsed, similar, readings)
    query_filters, any_of = selection_filters(request, selections)
    body: dict = {
        "query": scored_query(matching, ranking, query_filters),
        "from": (request.page - 1) * request.per_page,
        "size": request.per_page,
        "track_total_hits": True,
        "sort": sort_clause(request, ranked),
        "_source": HIT_SOURCE,
        "aggs": facet_aggregations(any_of, selections),
    }
    if any_of:
        body["post_filter"] = {"bool": {"filter": list(any_of.values())}}
    if ranked and body["sort"][0] != {"_score": {"order": "desc"}}:
        body["track_scores"] = True  # a hit shows its score in every order
    if marks is not None:
        body["highlight"] = highlight_section(marks)
    if request.q.strip() and similar is None and parsed.words:
        body["suggest"] = suggest_section(parsed.words)
        presence = word_presence(parsed)
        if presence is not None:
            body["aggs"][WORDS_AGGREGATION] = presence
    return body


WORDS_AGGREGATION = "_words"  # not a facet name: facets are plain words


def plain_words(parsed: ParsedQuery) -> list[str]:
    """The query's words searched as plain terms on the default fields (not negated, not a
    phrase, a prefix or a fuzzy word, not a stop word), in query order, as typed."""
    terms = {leaf.text for leaf, _ in positive_leaves(parsed.tree)
             if isinstance(leaf, Term) and leaf.field is None}
    return [word for word in dict.fromkeys(parsed.words) if word in terms and kept_words(word, "actor")]


def word_presence(parsed: ParsedQuery) -> dict | None:
    """How many paragraphs of the whole index have each plain word, in any field the query
    searches it in (a global aggregation of filters: the words that match nothing are shown
    as such, and always offered a correction)."""
    words = plain_words(parsed)
    if not words:
        return None
    fields = {**QUERY_FIELDS, **RANKING_FIELDS}
    return {"global": {}, "aggs": {"words": {"filters": {"filters": {
        word: compile_node(Term(word), fields) for word in words}}}}}


def export_body(request: SearchRequest, parsed: ParsedQuery, selections: Mapping[str, tuple],
                pit_id: str, search_after: list | None = None, similar: dict | None = None,
                size: int = EXPORT_BATCH, readings: list[dict] = ()) -> dict:
    """One page of an export through a point in time: every filter in the query (no facets),
    the request's order with its unique tie-break, continuing ``search_after`` the last hit."""
    matching, ranking, marks, ranked = _query_parts(request, parsed, similar, readings)
    query_filters, any_of = selection_filters(request, selections)
    body: dict = {
        "query": scored_query(matching, ranking, [*query_filters, *any_of.values()]),
        "size": size,
        "track_total_hits": search_after is None,  # the total once, with the first page
        "sort": sort_clause(request, ranked),
        "_source": HIT_SOURCE,
        "pit": {"id": pit_id, "keep_alive": PIT_KEEP_ALIVE},
    }
    if ranked and body["sort"][0] != {"_score": {"order": "desc"}}:
        body["track_scores"] = True
    if search_after is not None:
        body["search_after"] = search_after
    if marks is not None:
        body["highlight"] = highlight_section(marks)
    return body


def document_body(doc_id: str, paragraphs: int, parsed: ParsedQuery | None = None) -> dict:
    """Every paragraph of one document in order; with a query, its words marked."""
    body: dict = {"query": {"bool": {"filter": [{"term": {"doc_id": doc_id}}]}},
                  "sort": [{"position": {"order": "asc"}}], "size": max(paragraphs, 1),
                  "_source": HIT_SOURCE}
    marks = highlight_query(parsed) if parsed is not None else None
    if marks is not None:
        body["highlight"] = highlight_section(marks)
    return body


def count_body(parsed: ParsedQuery) -> dict:
    """How many paragraphs the query matches, filters aside (did-you-mean compares two)."""
    return {"query": matching_query(parsed), "size": 0, "track_total_hits": True}
