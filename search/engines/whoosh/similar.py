"""More like this: a paragraph's most distinctive words and actors, as a query.

Parts: ``similar_query`` (paragraph id → ParsedQuery that matches paragraphs sharing its key
terms, never the paragraph itself), ``key_terms`` (the paragraph's terms worth searching).

The key terms are the paragraph's words weighted by tf·idf (as Lucene's MoreLikeThis does), on
the stemmed ``text`` field, so "sanctions" and "sanctioned" count as one word. The paragraph's
actors are added as phrases on the actor field: a paragraph naming the same people is similar
even when it words things differently.
"""
from __future__ import annotations

import math
from collections import Counter

from whoosh import query as wq
from whoosh.searching import Searcher

from search.engines.whoosh.query import ParsedQuery, build_query
from search.request import BadParameter
from search.engines.whoosh.schema import name_analyzer, text_analyzer

# How many words describe a paragraph: enough to find neighbours that share a topic, few
# enough that common words of the archive ("government") do not match everything.
KEY_TERMS = 12
MAX_SHARE = 0.5
# An actor named in the paragraph is worth this much relative to its best key word.
ACTOR_WEIGHT = 0.5
MAX_ACTORS = 6
_TEXT_ANALYZER = text_analyzer()
_NAME_ANALYZER = name_analyzer()


class UnknownParagraph(BadParameter):
    """``like`` names no paragraph of the index."""


def similar_query(searcher: Searcher, paragraph_id: str, text: str = "") -> ParsedQuery:
    """Paragraphs like ``paragraph_id`` (itself excluded); with ``text``, only those matching it.

    :raises UnknownParagraph: no paragraph has that id (a 400 ``bad_parameter`` in the API).
    """
    docnum = searcher.document_number(id=paragraph_id)
    if docnum is None:
        raise UnknownParagraph("like", f"no paragraph {paragraph_id!r}; use the `id` of a search hit")
    stored = searcher.stored_fields(docnum)
    clauses = [wq.Term("text", term, boost=weight) for term, weight in key_terms(searcher, stored)]
    top = max((c.boost for c in clauses), default=1.0)
    for name, _type in (stored.get("actors") or [])[:MAX_ACTORS]:
        words = [t.text for t in _NAME_ANALYZER(name)]
        if words:
            clauses.append(wq.Phrase("actor", words, boost=ACTOR_WEIGHT * top) if len(words) > 1
                           else wq.Term("actor", words[0], boost=ACTOR_WEIGHT * top))
    if not clauses:
        return ParsedQuery(wq.NullQuery, "The paragraph has no distinctive words to compare.",
                           (), text=text)
    query: wq.Query = wq.AndNot(wq.Or(clauses), wq.Term("id", paragraph_id))
    scoring = query
    notice = None
    words: tuple[str, ...] = ()
    if text.strip():
        parsed = build_query(text)
        query = wq.And([query, parsed.query])
        scoring = wq.And([scoring, parsed.ranking_query])
        notice, words = parsed.notice, parsed.words
    return ParsedQuery(query, notice, words, scoring, text)


def key_terms(searcher: Searcher, stored: dict, count: int = KEY_TERMS) -> list[tuple[str, float]]:
    """The paragraph's most distinctive stemmed words with weights (the best is 1.0), best first.

    tf·idf as in Lucene's MoreLikeThis: a word weighs by how often the paragraph says it and how
    rare it is in the index. Words only this paragraph has (they would find nothing) and words
    in more than MAX_SHARE of paragraphs (they would find everything) are left out.
    """
    reader = searcher.reader()
    total = max(reader.doc_count(), 1)
    counts = Counter(token.text for token in _TEXT_ANALYZER(stored.get("text") or ""))
    weighted = []
    for term, tf in counts.items():
        df = reader.doc_frequency("text", term)
        if df < 2 or df > MAX_SHARE * total or len(term) < 3 or term.isdigit():
            continue
        weighted.append((term, tf * math.log(total / df)))
    weighted.sort(key=lambda item: (-item[1], item[0]))
    top = weighted[0][1] if weighted else 1.0
    return [(term, weight / top) for term, weight in weighted[:count]]
