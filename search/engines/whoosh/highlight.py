"""Highlights: a paragraph's full text, HTML-escaped, with each matched word in ``<mark>``.

Parts: ``Matches`` (what a query matched: single terms, and phrases whose words count only
together), ``matched_terms`` (query → Matches: prefixes and fuzzy terms expanded, negated parts
left out), ``highlight`` (text + matches → escaped HTML, through search/marking.py's ``mark_spans``),
``phrase_spans`` (where a phrase occurs in a text).

A word is marked when the index's own analyzer turns it into a matched term, so stemmed
("sanctions" for ``sanction``) and accent-folded ("Guaidó" for ``Guaido``) matches are marked
exactly as the index matched them. A phrase's words are marked only where they stand as the
phrase (``"National Assembly"`` leaves "National Security Advisor" and "Constituent Assembly"
alone): positions come from the same analyzer as the index's, so stop words between the words
("Bank of America") are skipped exactly as the index skipped them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup
from whoosh import query as wq
from whoosh.analysis import Analyzer
from whoosh.reading import IndexReader

from search.engines.whoosh.schema import exact_analyzer, name_analyzer, text_analyzer
from search.marking import mark_spans

# Index fields whose terms are words of the paragraph text, by the analyzer that made them.
_STEMMED_FIELDS = ("text", "title")
_EXACT_FIELDS = ("text_exact",)
_NAME_FIELDS = ("actor", "place")
_TEXT_ANALYZER = text_analyzer()
_EXACT_ANALYZER = exact_analyzer()
_NAME_ANALYZER = name_analyzer()
_WORD_FIELDS = frozenset(_STEMMED_FIELDS + _EXACT_FIELDS + _NAME_FIELDS)

# A phrase as the index matches it: its analysed words, each at most ``slop`` positions after
# the one before (matching.Postings.phrase_mask, Whoosh's own semantics).
PhraseKey = tuple[tuple[str, ...], int]


@dataclass(slots=True)
class Matches:
    """What a query matched, by index field: ``terms`` mark wherever they occur, ``phrases``
    only where their words stand together."""

    terms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    phrases: dict[str, set[PhraseKey]] = field(default_factory=lambda: defaultdict(set))

    def __bool__(self) -> bool:
        return any(self.terms.values()) or any(self.phrases.values())

    def get(self, fieldname: str, default=None):
        """The terms matched in ``fieldname`` (the dict interface callers had before phrases)."""
        return self.terms.get(fieldname, default)


def matched_terms(query: wq.Query, reader: IndexReader) -> Matches:
    """The terms and phrases of ``query`` that exist in the index (negations excluded)."""
    matches = Matches()
    for leaf in _positive_leaves(query):
        fieldname = leaf.field()
        if fieldname not in _WORD_FIELDS:
            continue  # numeric and ID fields (year, kind) have no words in the text to mark
        if isinstance(leaf, wq.Phrase):
            words = tuple(leaf.words)
            if words and all((fieldname, word) in reader for word in words):
                matches.phrases[fieldname].add((words, leaf.slop))
            continue
        try:
            found = leaf.existing_terms(reader, expand=True)
        except Exception:  # a leaf type with no terms (Every, ranges over numbers)
            continue
        for name, text in found:
            matches.terms[name].add(text.decode("utf-8") if isinstance(text, bytes) else str(text))
    return matches


def _positive_leaves(query: wq.Query) -> Iterable[wq.Query]:
    if isinstance(query, wq.Not):
        return
    if isinstance(query, wq.AndNot):
        yield from _positive_leaves(query.a)
        return
    if query.is_leaf():
        yield query
        return
    for child in query.children():
        yield from _positive_leaves(child)


def highlight(text: str, matches: Matches | dict,
              mentions: Iterable[tuple[int, int, str, str]] = (),
              names: Iterable[str] = ()) -> Markup:
    """Escape ``text`` and wrap every matched word, and every occurrence of a matched phrase,
    in ``<mark>``.

    ``mentions`` are the paragraph's actor mentions (start, end, canonical name, type): a
    mention is marked when the query matched its canonical name through the actor or place
    field ("drought" marks "the NDMA", the National Drought Management Authority); a phrase on
    those fields must be in the name as a phrase ("national assembly" does not mark the
    National Electoral Council). A mention of one of ``names`` (the actors and places the
    search is filtered by) is marked whatever the query.
    """
    if not isinstance(matches, Matches):  # no query: a plain {field: terms} (or nothing)
        matches = Matches(terms=defaultdict(set, matches or {}))
    names = frozenset(names)
    stemmed = _union(matches.terms, _STEMMED_FIELDS)
    exact = _union(matches.terms, _EXACT_FIELDS)
    phrases = _union(matches.phrases, _STEMMED_FIELDS)
    spans = []
    if stemmed or phrases:
        tokens = _tokens(_TEXT_ANALYZER, text)
        spans += [(start, end) for word, _, start, end in tokens if word in stemmed]
        for phrase in phrases:
            spans += phrase_spans(tokens, phrase)
    if exact:
        spans += [(start, end) for word, _, start, end in _tokens(_EXACT_ANALYZER, text) if word in exact]
    word_spans = list(spans)
    for start, end, name, kind in mentions:
        fieldname = "place" if kind == "place" else "actor"
        overlaps = any(s < end and start < e for s, e in word_spans)
        if overlaps:
            continue
        if name in names or _names_match(name, matches.terms.get(fieldname),
                                         matches.phrases.get(fieldname)):
            spans.append((start, end))
    return mark_spans(text, spans)


def phrase_spans(tokens: list[tuple[str, int, int, int]], phrase: PhraseKey) -> list[tuple[int, int]]:
    """Character spans of each occurrence of ``phrase`` among analysed ``tokens`` (word,
    position, start, end): one span from the first word to the last when the words are
    consecutive in the index (only stop words between them), else one span per word."""
    words, slop = phrase
    by_word: dict[str, list[tuple[str, int, int, int]]] = defaultdict(list)
    for token in tokens:
        by_word[token[0]].append(token)
    spans = []
    for first in by_word.get(words[0], ()):
        paths = [[first]]
        for word in words[1:]:
            paths = [path + [token] for path in paths for token in by_word.get(word, ())
                     if 1 <= token[1] - path[-1][1] <= slop]
            if not paths:
                break
        for path in paths:
            if path[-1][1] - path[0][1] == len(path) - 1:
                spans.append((path[0][2], path[-1][3]))
            else:
                spans += [(start, end) for _, _, start, end in path]
    return spans


def _names_match(name: str, terms: set[str] | None, phrases: set[PhraseKey] | None) -> bool:
    if not terms and not phrases:
        return False
    tokens = _tokens(_NAME_ANALYZER, name)
    return (any(word in terms for word, _, _, _ in tokens) if terms else False) or \
        any(phrase_spans(tokens, phrase) for phrase in phrases or ())


def _tokens(analyzer: Analyzer, text: str) -> list[tuple[str, int, int, int]]:
    # (word, position, start, end): the analyzer reuses one Token object, so copy what we need.
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in analyzer(text, positions=True, chars=True, mode="index")]


def _union(by_field: dict[str, set], fields: tuple[str, ...]) -> set:
    return set().union(*(by_field.get(f, set()) for f in fields))
