"""The query language's tree: what a query means, for no engine in particular.

Parts: the leaves (``Term``, ``Phrase``, ``Prefix``, ``Wildcard``, ``Fuzzy``, ``YearRange``,
``MatchAll``), the branches (``And``, ``Or``, ``Not``, ``Boost``), ``Node`` (any of them) and
``ParsedQuery`` (a tree with what ranking and the response need besides it).

The query text is parsed once (querylang/parser.py) into these nodes; each engine *compiles*
them (engines/whoosh/query.py into Whoosh queries, engines/opensearch/dsl.py into the query
DSL), as Wagtail's search backends do. A compiler is a pure function of the tree, so it is
tested by comparing its output with expected queries, no server needed.

Leaves carry words as the user typed them, unanalysed: each engine runs them through its copy
of the one analysis (search/analysis.py: fold accents, drop stop words, stem). ``field`` is a
user-facing field name of ``USER_FIELDS`` (search/ranking.py); None means the default fields:
the paragraph's words, the actors and the places it names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True, slots=True)
class Term:
    """One word, as typed (``Guaidó``). The analysis may make several index words of it
    (``Maduro's`` is "maduro" and "s" to the name fields): any of them matches, and each adds to
    the score, as if they had been typed apart. Never only stop words (the parser drops those).
    """

    text: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words in this order (``"National Assembly"``); ``slop`` other words may stand between.

    ``words`` are as typed, split at spaces and at hyphens (``"pro-government rally"`` is
    pro, government, rally), stop words kept: an engine analyses them joined by spaces, so a
    stop word between two words counts as the index counted it. At least two words (one is a
    ``Term``), at least one of them not a stop word.
    """

    words: tuple[str, ...]
    field: str | None = None
    slop: int = 0


@dataclass(frozen=True, slots=True)
class Prefix:
    """Words starting with ``text`` (``sanc*``)."""

    text: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Wildcard:
    """Words matching a pattern: ``*`` any letters, ``?`` one letter (``s*tions``,
    ``sanctio?s``; a ``?`` ending a word is a question mark, never a pattern)."""

    pattern: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Fuzzy:
    """Words within ``distance`` edits of ``text`` (``Guiado~``; a swap is two edits)."""

    text: str
    field: str | None = None
    distance: int = 2


@dataclass(frozen=True, slots=True)
class YearRange:
    """Paragraphs of articles from ``start`` to ``end`` (inclusive; None = open at that end;
    never both None)."""

    start: int | None
    end: int | None


@dataclass(frozen=True, slots=True)
class MatchAll:
    """Every paragraph (an empty query)."""


@dataclass(frozen=True, slots=True)
class And:
    """Every child matches. A ``Not`` child subtracts: ``And((a, Not(b)))`` is a but not b."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """At least one child matches; each matching child adds to the score."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Paragraphs without ``child``. Alone (``-Maduro``), it means every other paragraph."""

    child: Node


@dataclass(frozen=True, slots=True)
class Boost:
    """``child`` with its score multiplied by ``factor`` (``Maduro^2``)."""

    child: Node
    factor: float


Node = Union[Term, Phrase, Prefix, Wildcard, Fuzzy, YearRange, MatchAll, And, Or, Not, Boost]


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query text as the engines need it.

    ``tree`` decides which paragraphs match (None: the text had nothing searchable, so nothing
    matches). ``text`` is the text as searched (the plain words when it had to be repaired);
    ``notice`` says how it was repaired, if it was. ``words`` are its plain words (did-you-mean
    rewrites them). ``bare_years`` are years typed as bare words ("Maduro 2021"): they add a
    ranking bonus to that year's paragraphs and still match as words. ``proximity`` holds the
    bare words, in order, when the query is only bare words (a sloppy-phrase bonus for words
    that stand close together), else None.
    """

    tree: Node | None
    text: str = ""
    notice: str | None = None
    words: tuple[str, ...] = field(default=())
    bare_years: tuple[int, ...] = field(default=())
    proximity: tuple[str, ...] | None = None

    @property
    def matches_everything(self) -> bool:
        return isinstance(self.tree, MatchAll)
