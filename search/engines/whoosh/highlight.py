"""Highlights: a paragraph's full text, HTML-escaped, with each matched word in ``<mark>``.

Parts: ``matched_terms`` (the index terms a query matched, prefixes and fuzzy terms expanded,
negated parts left out), ``highlight`` (text + terms → escaped HTML).

A word is marked when the index's own analyzer turns it into a matched term, so stemmed
("sanctions" for ``sanction``) and accent-folded ("Guaidó" for ``Guaido``) matches are marked
exactly as the index matched them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from markupsafe import Markup, escape
from whoosh import query as wq
from whoosh.reading import IndexReader

from search.engines.whoosh.schema import exact_analyzer, name_analyzer, text_analyzer

# Index fields whose terms are words of the paragraph text, by the analyzer that made them.
_STEMMED_FIELDS = ("text", "title")
_EXACT_FIELDS = ("text_exact",)
_TEXT_ANALYZER = text_analyzer()
_EXACT_ANALYZER = exact_analyzer()
_NAME_ANALYZER = name_analyzer()
_WORD_FIELDS = frozenset(_STEMMED_FIELDS + _EXACT_FIELDS + ("actor", "place"))


def matched_terms(query: wq.Query, reader: IndexReader) -> dict[str, set[str]]:
    """Field name → the terms of ``query`` that exist in the index (negations excluded)."""
    terms: dict[str, set[str]] = defaultdict(set)
    for leaf in _positive_leaves(query):
        if leaf.field() not in _WORD_FIELDS:
            continue  # numeric and ID fields (year, kind) have no words in the text to mark
        try:
            found = leaf.existing_terms(reader, expand=True)
        except Exception:  # a leaf type with no terms (Every, ranges over numbers)
            continue
        for fieldname, text in found:
            terms[fieldname].add(text.decode("utf-8") if isinstance(text, bytes) else str(text))
    return terms


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


def highlight(text: str, terms: dict[str, set[str]],
              mentions: Iterable[tuple[int, int, str, str]] = ()) -> Markup:
    """Escape ``text`` and wrap every word that produces a matched term in ``<mark>``.

    ``mentions`` are the paragraph's actor mentions (start, end, canonical name, type): a
    mention is marked when the query matched its canonical name through the actor or place
    field ("drought" marks "the NDMA", the National Drought Management Authority).
    """
    stemmed = set().union(*(terms.get(f, set()) for f in _STEMMED_FIELDS))
    exact = set().union(*(terms.get(f, set()) for f in _EXACT_FIELDS))
    spans = []
    if stemmed:
        spans += [(t.startchar, t.endchar) for t in _TEXT_ANALYZER(text, chars=True, mode="index")
                  if t.text in stemmed]
    if exact:
        spans += [(t.startchar, t.endchar) for t in _EXACT_ANALYZER(text, chars=True, mode="index")
                  if t.text in exact]
    word_spans = list(spans)
    for start, end, name, kind in mentions:
        named = terms.get("place" if kind == "place" else "actor")
        overlaps = any(s < end and start < e for s, e in word_spans)
        if named and not overlaps and any(t.text in named for t in _NAME_ANALYZER(name)):
            spans.append((start, end))
    return mark_spans(text, spans)


def mark_spans(text: str, spans: Iterable[tuple[int, int]]) -> Markup:
    """Escape ``text`` with the given character spans (merged where they overlap) in ``<mark>``."""
    pieces = []
    cursor = 0
    for start, end in _merge(spans):
        pieces.append(escape(text[cursor:start]))
        pieces.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        cursor = end
    pieces.append(escape(text[cursor:]))
    return Markup("").join(pieces)


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
