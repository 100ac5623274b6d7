"""From OpenSearch's responses to search/results.py's Hit and SearchResult and FacetValues,
the same JSON as the embedded engine's, field for field. Pure: no client.

Parts: ``marked_spans`` (a highlight with MARK_OPEN/MARK_CLOSE → character spans of the text,
written as escaped HTML by search/marking.py's ``mark_spans``), ``NameMatches`` (which actor and place
mentions a query marks), ``hit_from``, ``facets_from``, ``search_result``, ``unmatched_words``,
``suggestion_options``, ``paragraphs_from``.

Escaping is done here, by the embedded engine's own function (search/marking.py), and not by OpenSearch's
``encoder: html`` (which writes "/" as &#x2F; and "'" as &#x27;): the cluster only says where
the matched words are.

Documentation: https://docs.opensearch.org/latest/search-plugins/searching-data/highlight/ ,
https://docs.opensearch.org/latest/aggregations/bucket/terms/ ,
https://docs.opensearch.org/latest/aggregations/bucket/filter/ ,
https://docs.opensearch.org/latest/search-plugins/searching-data/did-you-mean/ .
"""
from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from markupsafe import Markup

from search.analysis import fold_word
from search.directory import paragraph_entry
from search.engines.opensearch.dsl import (FACET_LIMIT, MARK_CLOSE, MARK_OPEN, WORDS_AGGREGATION,
                                           kept_words, positive_leaves)
from search.facets import FACETS
from search.marking import Span, mark_spans
from search.querylang.nodes import Fuzzy, ParsedQuery, Phrase, Prefix, Term, Wildcard
from search.records import FacetValue
from search.request import SearchRequest
from search.spelling import edit_distance
from search.results import Hit, SearchResult

NAME_FIELDS = ("actor", "place")


def marked_spans(marked: str, text: str) -> list[Span] | None:
    """The character spans of ``text`` that ``marked`` (the text with MARK_OPEN/MARK_CLOSE
    around matched words) marks; None when ``marked`` is not ``text`` with marks."""
    spans: list[Span] = []
    plain: list[str] = []
    length = 0
    start = None
    for char in marked:
        if char == MARK_OPEN:
            start = length
        elif char == MARK_CLOSE:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            plain.append(char)
            length += 1
    return spans if "".join(plain) == text else None


@dataclass(frozen=True, slots=True)
class NameMatches:
    """What a query matches in the actor and place fields, by field: words, phrases, prefixes,
    patterns and fuzzy words, all folded as the names analyzer folds them. A mention of an
    actor is marked when its canonical name matches ("drought" marks "the NDMA", the National
    Drought Management Authority), as the embedded engine marks it."""

    words: Mapping[str, frozenset[str]] = field(default_factory=dict)
    phrases: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    prefixes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fuzzy: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, parsed: ParsedQuery | None) -> NameMatches:
        words: dict[str, set] = {f: set() for f in NAME_FIELDS}
        phrases: dict[str, list] = {f: [] for f in NAME_FIELDS}
        prefixes: dict[str, list] = {f: [] for f in NAME_FIELDS}
        patterns: dict[str, list] = {f: [] for f in NAME_FIELDS}
        fuzzy: dict[str, list] = {f: [] for f in NAME_FIELDS}
        for leaf, _ in positive_leaves(parsed.tree if parsed else None):
            target = getattr(leaf, "field", "")
            fields = NAME_FIELDS if target is None else tuple(f for f in NAME_FIELDS if f == target)
            for name in fields:
                if isinstance(leaf, Term):
                    words[name].update(kept_words(leaf.text, name))
                elif isinstance(leaf, Phrase):
                    phrase = tuple(kept_words(" ".join(leaf.words), name))
                    if phrase:
                        phrases[name].append(phrase)
                elif isinstance(leaf, Prefix):
                    prefixes[name].append(fold_word(leaf.text))
                elif isinstance(leaf, Wildcard):
                    patterns[name].append(fold_word(leaf.pattern))
                elif isinstance(leaf, Fuzzy):
                    fuzzy[name] += [(word, leaf.distance) for word in kept_words(leaf.text, name)]
        return cls({f: frozenset(v) for f, v in words.items()},
                   {f: tuple(v) for f, v in phrases.items()}, {f: tuple(v) for f, v in prefixes.items()},
                   {f: tuple(v) for f, v in patterns.items()}, {f: tuple(v) for f, v in fuzzy.items()})

    def __bool__(self) -> bool:
        return any(any(group.values()) for group in (self.words, self.phrases, self.prefixes,
                                                     self.patterns, self.fuzzy))

    def matches(self, fieldname: str, name: str) -> bool:
        """Whether the query matches the canonical ``name`` through ``fieldname``."""
        words = kept_words(name, fieldname)
        if set(words) & self.words.get(fieldname, frozenset()):
            return True
        if any(_contains(words, phrase) for phrase in self.phrases.get(fieldname, ())):
            return True
        if any(word.startswith(p) for word in words for p in self.prefixes.get(fieldname, ())):
            return True
        if any(fnmatch.fnmatchcase(word, p) for word in words for p in self.patterns.get(fieldname, ())):
            return True
        return any(edit_distance(word, f) <= d for word in words for f, d in self.fuzzy.get(fieldname, ()))


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(words[i:i + size]) == phrase for i in range(len(words) - size + 1))


def highlight_of(text: str, fragments: list[str] | None, mentions: Iterable = (),
                 matches: NameMatches | None = None, names: frozenset[str] = frozenset()) -> Markup:
    """The paragraph's escaped text with the words OpenSearch marked in ``fragments`` (the one
    whole-text fragment), and the mentions the query or the name filters mark."""
    spans = (marked_spans(fragments[0], text) if fragments else None) or []
    word_spans = list(spans)
    for start, end, name, kind in mentions or ():
        if any(s < end and start < e for s, e in word_spans):
            continue
        fieldname = "place" if kind == "place" else "actor"
        if name in names or (matches and matches.matches(fieldname, name)):
            spans.append((start, end))
    return mark_spans(text, spans)


def hit_from(raw: Mapping, ranked: bool, matches: NameMatches | None = None,
             names: frozenset[str] = frozenset(), documents: Mapping[str, Mapping] | None = None) -> Hit:
    """One hit of a search response (``hits.hits[i]``) as a Hit; ``documents`` (doc_id → the
    directory's document entry) gives the title pages show for an untitled article."""
    source = raw["_source"]
    document = (documents or {}).get(source["doc_id"]) or {}
    text = source["text"]
    score = raw.get("_score")
    return Hit(id=source["id"], doc_id=source["doc_id"], position=source["position"],
               kind=source["kind"], section=source.get("section"), title=source.get("title") or None,
               publication=source.get("publication") or None, date=source.get("date") or None,
               year=source.get("year"), text=text,
               highlight=highlight_of(text, (raw.get("highlight") or {}).get("text"),
                                      source.get("mentions"), matches, names),
               actors=[{"name": name, "type": kind} for name, kind in source.get("actors") or []],
               places=list(source.get("places") or []),
               score=round(float(score), 4) if ranked and score is not None else None,
               display_title=document.get("display_title"))


def facets_from(aggregations: Mapping, selections: Mapping[str, tuple],
                types: Mapping[str, Mapping[object, str]] | None = None) -> dict[str, list[FacetValue]]:
    """Each facet's values with counts, most frequent first then by value, as the embedded
    engine lists them: at most FACET_LIMIT, selected values always (count 0 when none match)."""
    types = types or {}
    facets = {}
    for facet in FACETS:
        aggregation = aggregations.get(facet.name) or {}
        counts: dict = {}
        for bucket in (aggregation.get("values") or {}).get("buckets", ()):
            counts[bucket["key"]] = bucket["doc_count"]
        for bucket in (aggregation.get("selected") or {}).get("buckets", ()):
            counts.setdefault(bucket["key"], bucket["doc_count"])
        selected = list(dict.fromkeys(selections.get(facet.name) or ()))
        for value in selected:
            counts.setdefault(value, 0)
        kinds = types.get(facet.name, {})
        values = [FacetValue(value, int(count), value in selected, kinds.get(value))
                  for value, count in sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))]
        if len(values) > FACET_LIMIT:
            values = values[:FACET_LIMIT] + [v for v in values[FACET_LIMIT:] if v.selected]
        facets[facet.name] = values
    return facets


def search_result(request: SearchRequest, response: Mapping, parsed: ParsedQuery, ranked: bool,
                  selections: Mapping[str, tuple], types: Mapping[str, Mapping[object, str]] | None = None,
                  names: frozenset[str] = frozenset(), took_ms: float = 0.0,
                  shown_query: str = "", documents: Mapping[str, Mapping] | None = None) -> SearchResult:
    """A search response (hits, total, aggregations) as the SearchResult of ``request``."""
    matches = NameMatches.of(parsed)
    hits = [hit_from(raw, ranked, matches, names, documents) for raw in response["hits"]["hits"]]
    aggregations = response.get("aggregations") or {}
    return SearchResult(request=request, total=int(response["hits"]["total"]["value"]), hits=hits,
                        facets=facets_from(aggregations, selections, types),
                        notice=parsed.notice, took_ms=took_ms, parsed=shown_query,
                        unmatched=unmatched_words(aggregations))


def unmatched_words(aggregations: Mapping) -> tuple[str, ...]:
    """The query's plain words no paragraph has (dsl.word_presence's counts), in query order.
    https://docs.opensearch.org/latest/aggregations/bucket/global/ ,
    https://docs.opensearch.org/latest/aggregations/bucket/filters/ (keyed buckets)."""
    buckets = ((aggregations.get(WORDS_AGGREGATION) or {}).get("words") or {}).get("buckets") or {}
    return tuple(word for word, bucket in buckets.items() if bucket.get("doc_count", 0) == 0)


def suggestion_options(response: Mapping, name: str = "did_you_mean") -> dict[str, list[tuple[str, int]]]:
    """The term suggester's candidates for each analysed word of the suggest text:
    {word: [(candidate, paragraphs using it), …]}, best first."""
    options: dict[str, list[tuple[str, int]]] = {}
    for entry in (response.get("suggest") or {}).get(name, ()):
        options.setdefault(entry["text"], []).extend(
            (option["text"], int(option.get("freq", 0))) for option in entry.get("options", ()))
    return options


def paragraphs_from(response: Mapping, parsed: ParsedQuery | None = None) -> list[dict]:
    """A document's paragraphs, in order, as /api/documents/<id> shows them; with a query, each
    with its ``highlight`` (the query's words marked, as on the embedded engine's document page)."""
    paragraphs = []
    for raw in response["hits"]["hits"]:
        entry = paragraph_entry(raw["_source"])
        if parsed is not None:
            entry["highlight"] = highlight_of(entry["text"], (raw.get("highlight") or {}).get("text"))
        paragraphs.append(entry)
    return paragraphs
