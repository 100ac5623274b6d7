"""The query language's tree compiled to Whoosh queries: the embedded engine's query compiler.

Parts: ``ParsedQuery`` (the Whoosh queries for one query text), ``build_query`` (text →
ParsedQuery: querylang.parse_query, then ``compile_query``), ``compile_query`` (the neutral
tree → Whoosh queries), ``plain_words_query`` (the words of a text, no syntax: the repair path).

A word with no field searches the fields of ranking.QUERY_FIELDS, each through its own analyzer
(schema.py) and with its boost, as Whoosh's MultifieldParser did; a field the user names
(``actor:lopez``) searches that field alone, unboosted. Pure: no Flask, no open index.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq

from search.engines.whoosh.schema import build_schema, text_analyzer
from search.querylang import nodes
from search.querylang.parser import parse_query, plain_words
from search.ranking import (PROXIMITY_BOOST, PROXIMITY_MAX_WORDS, PROXIMITY_SLOP, QUERY_FIELDS, RANKING_FIELDS,
                            USER_FIELDS, YEAR_BOOST)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """The Whoosh queries for a query text.

    ``query`` decides which paragraphs match; ``scoring`` ranks them and also searches the
    article's title, so title words raise the score of a paragraph that matches by its own
    words but never make a paragraph match on their own (there would be nothing to highlight).
    ``proximity`` (a sloppy phrase of the bare words, or None) adds to the score of the best
    paragraphs where the words stand close together (ranking.rank).
    ``notice`` says how the text was repaired, if it was; ``text`` is the query text as given
    (did-you-mean rewrites its words and keeps its syntax).
    """

    query: wq.Query
    notice: str | None = None
    words: tuple[str, ...] = field(default=())
    scoring: wq.Query | None = None
    text: str = ""
    proximity: wq.Phrase | None = None

    @property
    def ranking_query(self) -> wq.Query:
        return self.scoring if self.scoring is not None else self.query


_SCHEMA = build_schema()
_TEXT_ANALYZER = text_analyzer()
# Ranking-only: the article's title and publication add to the score of a paragraph the
# matching query found and never make one match alone. (Combining the matching query and a
# separate title query with AndMaybe or Or looked simpler, but Whoosh 2.7.4's top-N collection
# then lost hits when a limit was set: pages overlapped. A title field inside each word's group
# has no such problem.)
_SCORING_FIELDS = {**QUERY_FIELDS, **RANKING_FIELDS}


def build_query(text: str) -> ParsedQuery:
    """Parse the query language (text that is not the language is searched as plain words).

    An empty text matches every paragraph.
    """
    return compile_query(parse_query(text))


def plain_words_query(text: str, problem: str) -> ParsedQuery:
    """Search the words of ``text`` with no syntax; the notice says why (``problem``)."""
    return compile_query(plain_words(text, problem))


def compile_query(parsed: nodes.ParsedQuery) -> ParsedQuery:
    """The Whoosh queries for a parsed query: matching, ranking and the proximity bonus."""
    tree = parsed.tree
    if isinstance(tree, nodes.MatchAll):
        return ParsedQuery(wq.Every(), parsed.notice, parsed.words, text=parsed.text)
    query = _normal(_compile(tree, QUERY_FIELDS, ranking=False)) if tree is not None else wq.NullQuery
    if _is_null(query):
        notice = parsed.notice or "The query has no words to search (nothing searchable in it)."
        return ParsedQuery(wq.NullQuery, notice, parsed.words, text=parsed.text)
    scoring = _normal(_compile(tree, _SCORING_FIELDS, ranking=True))
    # A bare year ("Maduro 2021") prefers paragraphs of articles from that year; "2021" as a
    # word of the text still matches and ranks as usual.
    years = [_SCHEMA["year"].parse_query("year", str(year), boost=YEAR_BOOST) for year in parsed.bare_years]
    if years:
        scoring = wq.Or([scoring, *years])
    return ParsedQuery(query, parsed.notice, parsed.words, scoring, parsed.text, _proximity(parsed.proximity))


def _proximity(words: tuple[str, ...] | None) -> wq.Phrase | None:
    """A bonus for bare words that stand close together, in order (a sloppy phrase).

    A cheap form of the sequential dependence model (Metzler & Croft, SIGIR 2005): "sanctions
    relief" said together is worth more than the two words in different sentences.
    """
    if not words:
        return None
    stems = [token.text for token in _TEXT_ANALYZER(" ".join(words))]
    if len(stems) < 2 or len(stems) > PROXIMITY_MAX_WORDS:
        return None
    return wq.Phrase("text", stems, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST)


def _compile(node: nodes.Node, fields: dict[str, float], ranking: bool, boost: float = 1.0) -> wq.Query | None:
    """``node`` as a Whoosh query over ``fields`` (None: nothing of it is searchable).

    ``ranking``: the query only ranks, so a phrase on ``text_exact`` (no positions there)
    counts as all its exact words; to match, it is left to the stemmed ``text`` phrase, which
    finds the same paragraphs.
    """
    kind = type(node)
    if kind is nodes.Term:
        return _or([_term(name, node.text, weight * boost) for name, weight in _fields(node.field, fields)])
    if kind is nodes.Phrase:
        return _or([_phrase(name, node, weight * boost, ranking) for name, weight in _fields(node.field, fields)])
    if kind in (nodes.Prefix, nodes.Wildcard, nodes.Fuzzy):
        return _or([_pattern(name, node, weight * boost) for name, weight in _fields(node.field, fields)])
    if kind is nodes.YearRange:
        return wq.NumericRange("year", node.start, node.end, boost=boost)
    if kind is nodes.MatchAll:
        return wq.Every(boost=boost)
    if kind is nodes.Boost:
        return _compile(node.child, fields, ranking, boost * node.factor)
    if kind is nodes.Or:
        return _or([_compile(child, fields, ranking, boost) for child in node.children])
    if kind is nodes.Not:
        child = _compile(node.child, fields, ranking)
        return wq.Not(child) if child is not None else None
    if kind is nodes.And:
        # And((a, Not(b), Not(c))) is a but not b or c: AndNot, which matching.py and bm25f.py
        # compute over arrays (and which scores only what it keeps)
        kept = [_compile(child, fields, ranking, boost) for child in node.children
                if not isinstance(child, nodes.Not)]
        kept = [query for query in kept if query is not None]
        taken = [_compile(child.child, fields, ranking) for child in node.children if isinstance(child, nodes.Not)]
        taken = [query for query in taken if query is not None]
        if not kept:
            return wq.Not(_or(taken)) if taken else None
        query = kept[0] if len(kept) == 1 else wq.And(kept)
        return wq.AndNot(query, _or(taken)) if taken else query
    raise TypeError(f"not a query node: {node!r}")


def _fields(name: str | None, default: dict[str, float]) -> list[tuple[str, float]]:
    return list(default.items()) if name is None else [(USER_FIELDS[name], 1.0)]


def _analysed(fieldname: str, text: str, tokenize: bool = True) -> list[str]:
    # The field's own analyzer, as the index wrote it. Words: stop words and short words
    # dropped. A pattern (tokenize=False): one word, kept even if it is a stop word ("the*").
    return list(_SCHEMA[fieldname].process_text(text, mode="query", tokenize=tokenize, removestops=tokenize))


def _term(fieldname: str, text: str, boost: float) -> wq.Query | None:
    words = _analysed(fieldname, text)
    if len(words) == 1:
        return wq.Term(fieldname, words[0], boost=boost)
    # "Maduro's" is two words to the name fields ("maduro", "s"): either one, as Whoosh's
    # parser read a word that its analyzer split
    return _or([wq.Term(fieldname, word, boost=boost) for word in words])


def _phrase(fieldname: str, phrase: nodes.Phrase, boost: float, ranking: bool) -> wq.Query | None:
    words = _analysed(fieldname, " ".join(phrase.words))
    if not words:
        return None
    if len(words) == 1:  # the other words were stop words
        return wq.Term(fieldname, words[0], boost=boost)
    if not _SCHEMA[fieldname].format.supports("positions"):
        if ranking or fieldname not in QUERY_FIELDS:
            return wq.And([wq.Term(fieldname, word) for word in words], boost=boost)
        return None
    # Whoosh's slop counts positions: 1 is adjacent
    return wq.Phrase(fieldname, words, slop=phrase.slop + 1, boost=boost)


def _pattern(fieldname: str, node: nodes.Prefix | nodes.Wildcard | nodes.Fuzzy, boost: float) -> wq.Query | None:
    # Patterns are analysed whole (Whoosh's parser did the same): folded and stemmed, never split
    text = node.pattern if isinstance(node, nodes.Wildcard) else node.text
    words = _analysed(fieldname, text, tokenize=False)
    if not words:
        return None
    if isinstance(node, nodes.Fuzzy):
        return wq.FuzzyTerm(fieldname, words[0], boost=boost, maxdist=node.distance, prefixlength=0)
    return (wq.Prefix if isinstance(node, nodes.Prefix) else wq.Wildcard)(fieldname, words[0], boost=boost)


def _or(queries: list[wq.Query | None]) -> wq.Query | None:
    queries = [query for query in queries if query is not None]
    return None if not queries else queries[0] if len(queries) == 1 else wq.Or(queries)


def _normal(query: wq.Query | None) -> wq.Query:
    return wq.NullQuery if query is None else query.normalize()


def _is_null(query: wq.Query) -> bool:
    return query is wq.NullQuery or type(query).__name__ == "_NullQuery"
