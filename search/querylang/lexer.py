"""Query text → tokens: what each piece of a typed query is, before any grammar.

Parts: ``Token`` (one piece), ``tokenize`` (text → tokens), ``Malformed`` (text that cannot be
read as the query language; its message says why, for the notice of the repaired query).

Punctuation is read as people type it (issue 15): ``-`` and ``+`` are operators only at the
start of a word (after a space, an opening parenthesis or the start of the text); inside a
word they stay in the word, for the parser to read ("Padrino-López" joins two names). A word
ends at a space, a parenthesis or a double quotation mark; the apostrophes of "O'Brien" and
"Venezuela’s" are letters of the word.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from search.ranking import USER_FIELDS

OPERATORS = ("AND", "OR", "NOT")


class Malformed(ValueError):
    """The text is not the query language; the message says what is wrong, in plain words."""


@dataclass(frozen=True, slots=True)
class Token:
    """One piece of a query.

    ``kind`` is one of: ``open`` / ``close`` (parentheses), ``operator`` (``text`` = AND, OR or
    NOT), ``minus`` / ``plus`` (before a word, phrase or group), ``field`` (``text`` = the
    user-field name, lower case), ``phrase`` (``text`` between the quotation marks; ``slop``
    as typed after ``~``, ``boost`` after ``^``), ``range`` (``[start TO end]``: ``start`` and
    ``end`` as typed or None, ``exclusive`` for ``{…}``), ``boost`` (``^2`` after a group),
    ``word`` (``text`` as typed: punctuation, wildcards and suffixes are the parser's).
    """

    kind: str
    text: str = ""
    slop: int | None = None
    boost: float | None = None
    start: str | None = None
    end: str | None = None
    exclusive: bool = False


# field:value; the value starts right after the colon (a word, "phrase", (group) or [range]).
_FIELD = re.compile(r"(\w+):(?=[^\s)])")
# [2016 TO 2019], {2016 TO 2019}, [TO 2015], [2020 TO], [* TO 2015]: Lucene's and Whoosh's range.
_RANGE = re.compile(r"(?P<open>[\[{])\s*(?:(?P<start>[^\s\]}]+)\s+)?(?i:TO)"
                    r"(?:\s+(?P<end>[^\s\]}]+))?\s*(?P<close>[\]}])")
_PHRASE_SUFFIX = re.compile(r"(?:~(?P<slop>\d+))?(?:\^(?P<boost>\d+(?:\.\d+)?|\.\d+))?")
_BOOST = re.compile(r"\^(?P<boost>\d+(?:\.\d+)?|\.\d+)")
_WORD_END = frozenset('()"')


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, in order.

    :raises Malformed: a quotation mark is not closed.
    """
    tokens: list[Token] = []
    pos, n = 0, len(text)
    # What may come at this point: an operator sign (-, +), then a field name, then the value.
    sign_allowed = field_allowed = True
    waiting = False  # a sign or field name waits for its value: AND there is a word
    while pos < n:
        char = text[pos]
        if char.isspace():
            pos += 1
            sign_allowed = field_allowed = True
            continue
        if char == "(":
            tokens.append(Token("open"))
            pos += 1
            sign_allowed = field_allowed = True
            waiting = False
            continue
        if char == ")":
            tokens.append(Token("close"))
            pos = _boost_after(text, pos + 1, tokens)
            sign_allowed = field_allowed = waiting = False
            continue
        if char == '"':
            close = text.find('"', pos + 1)
            if close < 0:
                raise Malformed("a quotation mark is not closed")
            suffix = _PHRASE_SUFFIX.match(text, close + 1)
            tokens.append(Token("phrase", text[pos + 1:close],
                                slop=int(suffix["slop"]) if suffix["slop"] else None,
                                boost=float(suffix["boost"]) if suffix["boost"] else None))
            pos = suffix.end()
            sign_allowed = field_allowed = waiting = False
            continue
        if sign_allowed and char in "-+":
            following = text[pos + 1:pos + 2]
            pos += 1
            if following and not following.isspace() and following != ")":
                tokens.append(Token("minus" if char == "-" else "plus"))
                sign_allowed, waiting = False, True
            # else a dash standing alone ("Maduro - Guaidó"): punctuation, not an operator
            continue
        if field_allowed:
            field = _FIELD.match(text, pos)
            if field:
                name = field.group(1).lower()
                pos = field.end()
                if name in USER_FIELDS:
                    tokens.append(Token("field", name))
                    sign_allowed = field_allowed = False
                    waiting = True
                else:
                    # Only the documented fields may be named; "ratio:3" or "http://…" are words,
                    # so a query never silently searches a hidden field.
                    tokens.append(Token("word", field.group(1)))
                    sign_allowed = field_allowed = waiting = False
                continue
        found = _RANGE.match(text, pos) if field_allowed or waiting else None
        if found:
            tokens.append(Token("range", start=found["start"], end=found["end"],
                                exclusive=found["open"] == "{"))
            pos = _boost_after(text, found.end(), tokens)
            sign_allowed = field_allowed = waiting = False
            continue
        end = pos
        while end < n and text[end] not in _WORD_END and not text[end].isspace():
            end += 1
        word = text[pos:end]
        standalone = not waiting and (not tokens or tokens[-1].kind in ("open", "operator") or text[pos - 1].isspace())
        tokens.append(Token("operator" if standalone and word in OPERATORS else "word", word))
        pos = end
        sign_allowed = field_allowed = waiting = False
    return tokens


def _boost_after(text: str, pos: int, tokens: list[Token]) -> int:
    # "(a b)^2", "[2016 TO 2019]^2": a boost right after a closing parenthesis or bracket
    found = _BOOST.match(text, pos)
    if found:
        tokens.append(Token("boost", boost=float(found["boost"])))
        return found.end()
    return pos
