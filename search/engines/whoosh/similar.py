"""More like this: the paragraphs that share enough of a paragraph's distinctive terms.

Parts: ``Similar`` (what a "like" search matches and ranks with), ``find_similar`` (paragraph
id → Similar, the paragraph itself never included), ``key_terms`` (the paragraph's weighted key
terms: words and the actors and places it names).

Lucene's MoreLikeThis, with Elasticsearch's defaults where they carry over to paragraphs:
- the key terms are the paragraph's stemmed words weighted by tf·idf, best first, at most
  ``KEY_TERMS`` (max_query_terms 25); a word in fewer than ``MIN_DOC_FREQ`` paragraphs
  (min_doc_freq 5; in an archive of fewer than 100 paragraphs, 5% of them and at least 2) is
  too rare to be shared by a neighbour (the rarest words would be the key terms, and they
  found nothing but chance matches: "wind", "receive"), and a word
  in more than ``MAX_SHARE`` of them says nothing about a topic. Paragraphs are short, so fewer
  terms describe one (12, not 25: enough to find neighbours that share a topic, few enough
  that common words of the archive do not), and min_term_freq is 1, not 2 (a paragraph seldom
  says a word twice).
- the actors and places the paragraph names are key terms too, weighed the same way (a name in
  two thirds of the archive, "Maduro" here, is not distinctive); the words of a mention count
  once, as the name, not again as words.
- a neighbour must share at least ``MINIMUM_SHOULD_MATCH`` of the key terms' weight (the 30% of
  minimum_should_match, on weights rather than on the number of terms, so one shared
  distinctive word counts for more than two common ones): a paragraph that shares one word
  used to be a neighbour, 77 of the 100 seed paragraphs for one source.
The neighbours rank by BM25F over the key terms (boosted by weight), and only the key terms
they share are highlighted.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from search.engines.whoosh.matching import Postings
from search.engines.whoosh.query import ParsedQuery, build_query
from search.engines.whoosh.schema import name_analyzer, text_analyzer
from search.request import BadParameter

KEY_TERMS = 12
MIN_DOC_FREQ = 5
MIN_DOC_SHARE = 0.05
MAX_SHARE = 0.5
MINIMUM_SHOULD_MATCH = 0.3
_TEXT_ANALYZER = text_analyzer()
_NAME_ANALYZER = name_analyzer()


class UnknownParagraph(BadParameter):
    """``like`` names no paragraph of the index."""


@dataclass(frozen=True, slots=True)
class Similar:
    """A "like" search: ``parsed`` ranks and highlights with the key terms (and ``q``, when
    given, narrows them); ``mask`` is True for the paragraphs sharing enough of them."""

    parsed: ParsedQuery
    mask: np.ndarray


def find_similar(postings: Postings, paragraph_id: str, text: str = "") -> Similar:
    """Paragraphs like ``paragraph_id`` (itself excluded); with ``text``, only those matching it.

    :raises UnknownParagraph: no paragraph has that id (a 400 ``bad_parameter`` in the API).
    """
    searcher = postings.searcher
    docnum = searcher.document_number(id=paragraph_id)
    if docnum is None:
        raise UnknownParagraph("like", f"no paragraph {paragraph_id!r}; use the `id` of a search hit")
    terms = key_terms(postings, searcher.stored_fields(docnum))
    if not terms:
        return Similar(ParsedQuery(wq.NullQuery, "The paragraph has no distinctive words to compare.",
                                   (), text=text), np.zeros(postings.doc_count, dtype=bool))
    shared = np.zeros(postings.doc_count, dtype=np.float64)
    for clause, weight in terms:
        shared += weight * postings.mask(_presence(clause))
    mask = shared >= MINIMUM_SHOULD_MATCH * sum(weight for _, weight in terms) - 1e-9
    mask[docnum] = False
    # Words before names: the names' phrases are then checked only where no word matched.
    clauses = sorted((_boosted(clause, weight) for clause, weight in terms),
                     key=lambda clause: isinstance(clause, wq.Phrase))
    query: wq.Query = wq.AndNot(wq.Or(clauses), wq.Term("id", paragraph_id))
    scoring = query
    notice = None
    words: tuple[str, ...] = ()
    if text.strip():
        parsed = build_query(text)
        query = wq.And([query, parsed.query])
        scoring = wq.And([scoring, parsed.ranking_query])
        notice, words = parsed.notice, parsed.words
    return Similar(ParsedQuery(query, notice, words, scoring, text), mask)


def key_terms(postings: Postings, stored: dict, count: int = KEY_TERMS) -> list[tuple[wq.Query, float]]:
    """The paragraph's key terms as queries with weights (the best is 1.0), best first.

    Words are ``text`` terms; an actor or place is a term or phrase on its field, counted as
    often as the paragraph names it. Ties are broken by the term, so the same paragraph always
    gives the same terms.
    """
    total = max(postings.live_count, 1)  # paragraphs replaced by an incremental build aside
    min_doc_freq = min(MIN_DOC_FREQ, max(2, round(MIN_DOC_SHARE * total)))
    text = stored.get("text") or ""
    mentions = stored.get("mentions") or []
    words: Counter = Counter()
    for token in _TEXT_ANALYZER(text, chars=True):
        if not any(start <= token.startchar and token.endchar <= end for start, end, _, _ in mentions):
            words[token.text] += 1
    names: Counter = Counter((name, kind) for _, _, name, kind in mentions)
    weighted = []
    for term, tf in words.items():
        if len(term) >= 3 and not term.isdigit():
            weighted.append((wq.Term("text", term), tf, f"0{term}"))
    for (name, kind), tf in names.items():
        words_of_name = [token.text for token in _NAME_ANALYZER(name)]
        if words_of_name:
            field = "place" if kind == "place" else "actor"
            clause = (wq.Phrase(field, words_of_name) if len(words_of_name) > 1
                      else wq.Term(field, words_of_name[0]))
            weighted.append((clause, tf, f"1{name}"))
    scored = []
    for clause, tf, key in weighted:
        df = int(postings.mask(_presence(clause)).sum())
        if min_doc_freq <= df <= MAX_SHARE * total:
            scored.append((tf * math.log(total / df), key, clause))
    scored.sort(key=lambda item: (-item[0], item[1]))
    scored = scored[:count]
    top = scored[0][0] if scored else 1.0
    return [(clause, weight / top) for weight, _, clause in scored]


def _presence(clause: wq.Query) -> wq.Query:
    # A name's words in the paragraph's actor (or place) field, without checking their order:
    # counted over arrays of postings, where a phrase reads positions paragraph by paragraph (a
    # name in most of the archive, at 100k paragraphs). Names rarely share all their words.
    if isinstance(clause, wq.Phrase):
        return wq.And([wq.Term(clause.fieldname, word) for word in clause.words])
    return clause


def _boosted(clause: wq.Query, weight: float) -> wq.Query:
    if isinstance(clause, wq.Phrase):
        return wq.Phrase(clause.fieldname, clause.words, boost=weight)
    return wq.Term(clause.fieldname, clause.text, boost=weight)
