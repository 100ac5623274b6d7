"""The query language, read once into the engine-neutral tree (querylang/nodes.py).

Parts: ``parse_query`` (text → ParsedQuery; never raises: text that is not the language is
searched as plain words, with a notice), ``plain_words`` (text → ParsedQuery of its words, no
syntax), ``query_words`` (the plain words of a text).

The language (README "Query language"), loosest binding first:
- words side by side are OR-ed (each matching word adds to the score, so ranking favours
  paragraphs with all of them); ``-word`` (or a clause that is only ``NOT x``) takes its
  matches away from the words beside it, and a query of only exclusions is every other
  paragraph; ``+word`` is required. A field clause (``year:2016 Padrino``) narrows the other
  words, unless the query spells out its own logic with AND / OR / NOT or parentheses;
- ``a OR b``; then ``a AND b`` and ``a NOT b`` (a but not b); then ``NOT a``;
- ``(…)``, ``"phrase"`` (``"…"~N``: up to N-1 words between), ``field:value`` (the fields of
  ranking.USER_FIELDS; any other ``name:`` is a word), ``year:2019``, ``year:2016..2019``,
  ``year:..2015``, ``year:2020..``, ``year:2016-2019``, ``[2016 TO 2019]`` (``*`` or nothing for
  an open end; ``{…}`` excludes the ends), ``sanc*`` (prefix), ``s*tions`` and ``sanctio?s``
  (wildcards inside a word), ``Guiado~`` (two edits; ``~1`` one), ``^2`` after a word, phrase or
  group (boost).
Punctuation as people type it (issue 15): ``?``, ``!``, ``.``, ``,``, ``;`` and ``:`` ending a
word are punctuation, not syntax, so ``who is Guaidó?`` searches Guaidó. A hyphen inside a word
joins (``Padrino-López``, ``pro-government``, ``U.S.-backed``): the compound is searched as its
parts, like words typed apart, and the compound itself (the parts in sequence, as a phrase, or
written as one word, "PadrinoLópez") adds its own score, so paragraphs naming it come first.
Excluded (``-Padrino-López``) or in a field (``actor:Padrino-López``), only the compound counts.
Stop words (search/analysis.py) are dropped, as the analysis drops them; a prefix, wildcard or
fuzzy word is a pattern, not a word, and is kept (``the*`` finds "theatre").
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from search.analysis import STOPWORDS, TOKEN_PATTERN, fold_word
from search.querylang.lexer import Malformed, Token, tokenize
from search.querylang.nodes import (And, Boost, Fuzzy, MatchAll, Node, Not, Or, ParsedQuery, Phrase, Prefix,
                                    Term, Wildcard, YearRange)
from search.ranking import PROXIMITY_MAX_WORDS
from search.text import iter_words

# Deeper nesting of parentheses or NOTs than this is not a query anyone types; refusing it keeps
# the recursive parser far from Python's recursion limit (the query may be 1,000 characters).
MAX_DEPTH = 50
DANGLING = "an operator has nothing on one side"
FUZZY_DISTANCE = 2  # Guiado~ means two edits: a swap of two letters (Guiado → Guaido) is two

_TOKEN = re.compile(TOKEN_PATTERN)
_YEAR_WORD = re.compile(r"(?:19|20)\d\d")
_HYPHENS = re.compile(r"[-‐‑–]+")  # hyphen-minus, hyphen, non-breaking hyphen, en dash
_LEADING = re.compile(r"^[^\w*]+")
_TRAILING = re.compile(r"[^\w*]+$")
_ABBREVIATION = re.compile(r"(?:\w\.)+\w")  # U.S, e.g: the final dot is part of the word
_BOOST_SUFFIX = re.compile(r"\^(\d+(?:\.\d+)?|\.\d+)(?=[^\w]*$)")
_FUZZY_SUFFIX = re.compile(r"~+(\d+(?:\.\d*)?)?(?:/\d+)?(?=[^\w~]*$)")
_YEAR_VALUE = (re.compile(r"(?P<start>\d+)"),  # year:2019
               re.compile(r"(?P<start>\d*)\.\.(?P<end>\d*)"),  # year:2016..2019, ..2015, 2020..
               re.compile(r"(?P<start>\d{4})[-‐‑–](?P<end>\d{4})"))  # year:2016-2019


def parse_query(text: str) -> ParsedQuery:
    """Read ``text`` as the query language.

    An empty text matches every paragraph. Text that is not the language (an unclosed quotation
    mark or parenthesis, an operator with nothing on one side, a year that is not a number) is
    searched as plain words, with a ``notice`` saying so; a text with nothing to search (only
    stop words) has no tree, and a notice.
    """
    text = text.strip()
    if not text:
        return ParsedQuery(MatchAll(), "")
    try:
        tokens = tokenize(text)
        _check_parentheses(tokens)
        reader = _Reader(tokens)
        tree = reader.read()
    except Malformed as problem:
        return plain_words(text, str(problem))
    if tree is None:
        why = "only common words, which are not searched" if reader.words else "nothing searchable in it"
        return ParsedQuery(None, text, f"The query has no words to search ({why}).", tuple(reader.words))
    proximity = None
    if reader.plain and not reader.explicit and 2 <= len(reader.bare) <= PROXIMITY_MAX_WORDS:
        proximity = tuple(reader.bare)
    return ParsedQuery(tree, text, None, tuple(reader.words), tuple(dict.fromkeys(reader.years)), proximity)


def plain_words(text: str, problem: str) -> ParsedQuery:
    """The words of ``text`` with no syntax, OR-ed; the notice says why (``problem``)."""
    words = query_words(text)
    searched = [word for word in words if _searchable(word)]
    if not searched:
        return ParsedQuery(None, text, f"The query has no words to search ({problem}).", words)
    years = [int(word) for word in searched if _YEAR_WORD.fullmatch(word)]
    proximity = tuple(searched) if 2 <= len(searched) <= PROXIMITY_MAX_WORDS else None
    return ParsedQuery(_or(Term(word) for word in searched), " ".join(words),
                       f"The query was searched as plain words: {problem}.", words,
                       tuple(dict.fromkeys(years)), proximity)


def query_words(text: str) -> tuple[str, ...]:
    """The plain words of a query text, syntax and field names dropped."""
    text = re.sub(r"\b(\w+):", " ", text)
    return tuple(word for _, _, word in iter_words(text) if word not in ("AND", "OR", "NOT"))


def _check_parentheses(tokens: list[Token]) -> None:
    depth = 0
    for token in tokens:
        depth += {"open": 1, "close": -1}.get(token.kind, 0)
        if depth < 0:
            raise Malformed("a parenthesis is closed before it is opened")
    if depth:
        raise Malformed("a parenthesis is not closed")


def _searchable(word: str) -> bool:
    """True if the analysis keeps some word of ``word`` (not only stop words or punctuation)."""
    return any(fold_word(m.group()) not in STOPWORDS for m in _TOKEN.finditer(word))


@dataclass(frozen=True, slots=True)
class _Clause:
    """A node with how it stands among the clauses of its group."""

    node: Node | None
    required: bool = False   # +word
    fielded: bool = False    # field:value, narrows the other words when nothing says otherwise


class _Reader:
    """A recursive-descent reader of one query's tokens; collects its words on the way."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.negated = 0
        # "year:2016 Padrino" narrows, "year:2016 OR Padrino" is as written
        self.explicit = any(t.kind in ("operator", "open") for t in tokens)
        self.plain = True          # only bare words (no syntax at all): proximity applies
        self.words: list[str] = []  # every word as typed, for did-you-mean
        self.bare: list[str] = []   # unfielded, not excluded words that are searched
        self.years: list[int] = []  # bare words that are years

    def read(self) -> Node | None:
        return self._group(None, top=True)

    # --- grammar --------------------------------------------------------------------------

    def _group(self, field: str | None, top: bool) -> Node | None:
        clauses = []
        while self.pos < len(self.tokens) and self.tokens[self.pos].kind != "close":
            clauses.append(self._disjunction(field))
        return _combine(clauses, narrow=top and not self.explicit)

    def _disjunction(self, field: str | None) -> _Clause:
        first = self._conjunction(field)
        nodes = [first.node]
        while self._at_operator("OR"):
            self.pos += 1
            nodes.append(self._conjunction(field).node)
        return first if len(nodes) == 1 else _Clause(_or(nodes))

    def _conjunction(self, field: str | None) -> _Clause:
        first = self._unary(field)
        nodes = [first.node]
        while self._at_operator("AND") or self._at_operator("NOT"):
            operator = self.tokens[self.pos].text
            self.pos += 1
            if operator == "AND":
                nodes.append(self._unary(field).node)
            else:  # binary NOT: "drought NOT food" is drought but not food, as -food would be
                nodes.append(self._negation(field))
        return first if len(nodes) == 1 else _Clause(_and(nodes))

    def _unary(self, field: str | None) -> _Clause:
        token = self.tokens[self.pos] if self.pos < len(self.tokens) else None
        if token is None or token.kind == "close" or (token.kind == "operator" and token.text != "NOT"):
            raise Malformed(DANGLING)
        self.pos += 1
        kind = token.kind
        if kind in ("operator", "minus"):  # NOT x, -x
            self.plain = False
            return _Clause(self._negation(field))
        if kind == "plus":
            self.plain = False
            return _Clause(self._unary(field).node, required=True)
        if kind == "field":
            self.plain = False
            return _Clause(self._unary(token.text).node, fielded=True)
        if kind == "open":
            self.plain = False
            self._enter()
            node = self._group(field, top=False)
            self.depth -= 1
            self.pos += 1  # the closing parenthesis (_check_parentheses saw it)
            return _Clause(self._boosted(node))
        if kind == "phrase":
            self.plain = False
            return _Clause(_boost(self._phrase(token, field), token.boost), fielded=field is not None)
        if kind == "range":
            self.plain = False
            clause = self._range(token, field)
            return _Clause(self._boosted(clause.node), fielded=clause.fielded)
        if kind == "boost":  # "^2" with nothing before it: punctuation
            return _Clause(None)
        return _Clause(self._word(token.text, field), fielded=field is not None)

    def _negation(self, field: str | None) -> Node | None:
        self._enter()
        self.negated += 1
        node = self._unary(field).node
        self.negated -= 1
        self.depth -= 1
        return _not(node)

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Malformed("the parentheses or NOTs are nested too deeply")

    def _at_operator(self, name: str) -> bool:
        if self.pos >= len(self.tokens):
            return False
        token = self.tokens[self.pos]
        return token.kind == "operator" and token.text == name

    def _boosted(self, node: Node | None) -> Node | None:
        if self.pos < len(self.tokens) and self.tokens[self.pos].kind == "boost":
            self.pos += 1
            return _boost(node, self.tokens[self.pos - 1].boost)
        return node

    # --- leaves ---------------------------------------------------------------------------

    def _word(self, typed: str, field: str | None) -> Node | None:
        if field == "year":
            return self._year_word(typed)
        word, boost, distance = _suffixes(typed)
        if boost is not None or distance is not None:
            self.plain = False
        if not word:
            return None
        if set(word) <= {"*"}:
            self.plain = False
            return _boost(MatchAll(), boost)
        parts = _parts(word)
        if len(parts) > 1:
            return _boost(self._compound(parts, field, distance), boost)
        return _boost(self._leaf(parts[0], field, distance), boost) if parts else None

    def _leaf(self, word: str, field: str | None, distance: int | None) -> Node | None:
        if "*" in word or "?" in word:
            self.plain = False
            pattern = re.sub(r"\*+", "*", word)
            stem = pattern[:-1]
            if pattern.endswith("*") and "*" not in stem and "?" not in stem:
                self.words.append(stem)
                return Prefix(stem, field) if stem else None
            return Wildcard(pattern, field)
        self.words.append(word)
        if distance is not None:  # a pattern, not a word: "the~" and "the*" are kept
            return Fuzzy(word, field, distance)
        if not _searchable(word):
            return None
        self._bare(word, field, year=True)
        return Term(word, field)

    def _compound(self, parts: list[str], field: str | None, distance: int | None) -> Node | None:
        if distance is not None or any("*" in part or "?" in part for part in parts):
            # no phrase of patterns: each part as its own word
            return _or(self._leaf(part, field, distance) for part in parts)
        self.words.extend(parts)
        searched = [part for part in parts if _searchable(part)]
        if not searched:
            return None
        for part in searched:
            self._bare(part, field, year=False)
        whole = (Phrase(tuple(parts), field), Term("".join(parts), field))
        if field is not None or self.negated:
            # excluding "Padrino-López" must not exclude every López; a field holds the name
            return _or(whole)
        return _or((*whole, *(Term(part, field) for part in searched)))

    def _phrase(self, token: Token, field: str | None) -> Node | None:
        if field == "year":
            return self._year_word(token.text)
        words = [part for typed in token.text.split() for part in _parts(_strip(typed))]
        self.words.extend(words)
        if not any(_searchable(word) for word in words):
            return None
        if field is None and not self.negated:
            self.years.extend(int(word) for word in words if _YEAR_WORD.fullmatch(word))
        if len(words) == 1:
            return Term(words[0], field)
        # Whoosh's and Lucene's "a b"~N: N positions apart at most, so N-1 words between
        slop = max(token.slop - 1, 0) if token.slop else 0
        return Phrase(tuple(words), field, slop)

    def _range(self, token: Token, field: str | None) -> _Clause:
        ends = (token.start, token.end)
        if field in (None, "year") and all(end is None or end == "*" or end.isdigit() for end in ends):
            start, end = (None if value in (None, "*") else int(value) for value in ends)
            if token.exclusive:
                start = None if start is None else start + 1
                end = None if end is None else end - 1
            if start is not None or end is not None:
                return _Clause(YearRange(start, end), fielded=True)
        if field == "year" or all(end in (None, "*") for end in ends):
            raise Malformed(_not_a_year(f"[{token.start or ''} TO {token.end or ''}]"))
        # a range of words means nothing to a reader: search its ends as words
        return _Clause(_or(self._word(value, field) for value in ends if value and value != "*"),
                       fielded=field is not None)

    def _year_word(self, typed: str) -> Node:
        value = typed.rstrip("?!,;:")
        if value.endswith(".") and not value.endswith(".."):  # "…in year:2019."
            value = value[:-1]
        found = _BOOST_SUFFIX.search(value)
        boost = float(found.group(1)) if found else None
        value = value[:found.start()] + value[found.end():] if found else value
        for pattern in _YEAR_VALUE:
            match = pattern.fullmatch(value)
            if match and (match["start"] or match.groupdict().get("end")):
                start, end = match["start"], match.groupdict().get("end", match["start"])
                return _boost(YearRange(int(start) if start else None, int(end) if end else None), boost)
        raise Malformed(_not_a_year(value))

    def _bare(self, word: str, field: str | None, year: bool) -> None:
        if field is not None or self.negated:
            return
        self.bare.append(word)
        if year and _YEAR_WORD.fullmatch(word):
            self.years.append(int(word))


def _not_a_year(value: str) -> str:
    return f"“year:{value}” is not a year (write year:2019, year:2016..2019, year:..2015 or year:2020..)"


def _combine(clauses: list[_Clause], narrow: bool) -> Node | None:
    """The clauses of one group: the others OR-ed, the required ones (and, when ``narrow``, the
    field clauses) AND-ed with them, the excluded ones taken away."""
    required, optional, excluded = [], [], []
    for clause in clauses:
        node = clause.node
        if node is None:
            continue
        if isinstance(node, Not):
            excluded.append(node.child)
        elif clause.required or (narrow and clause.fielded):
            required.append(node)
        else:
            optional.append(node)
    kept = required + ([_or(optional)] if optional else [])
    if not kept:
        return Not(_or(excluded)) if excluded else None
    return _and([*kept, *(Not(node) for node in excluded)])


def _flattened(nodes: Iterable[Node | None], kind: type) -> list[Node]:
    """The nodes, the children of those of ``kind`` in their place, without the Nones."""
    children: list[Node] = []
    for node in nodes:
        if isinstance(node, kind):
            children.extend(node.children)
        elif node is not None:
            children.append(node)
    return children


def _or(nodes: Iterable[Node | None]) -> Node | None:
    children = _flattened(nodes, Or)
    return None if not children else children[0] if len(children) == 1 else Or(tuple(children))


def _and(nodes: Iterable[Node | None]) -> Node | None:
    children = _flattened(nodes, And)
    if len(children) > 1:  # "actor:* Maduro": everything AND Maduro is Maduro
        children = [node for node in children if not isinstance(node, MatchAll)] or children[:1]
    return None if not children else children[0] if len(children) == 1 else And(tuple(children))


def _not(node: Node | None) -> Node | None:
    if node is None:
        return None
    return node.child if isinstance(node, Not) else Not(node)


def _boost(node: Node | None, factor: float | None) -> Node | None:
    return node if node is None or factor is None or factor == 1 else Boost(node, factor)


def _suffixes(typed: str) -> tuple[str, float | None, int | None]:
    """(word, boost, fuzzy distance) of a typed word: ``Guiado~^2`` → ("Guiado", 2.0, 2)."""
    word = _LEADING.sub("", typed)
    boost = distance = None
    found = _BOOST_SUFFIX.search(word)
    if found:
        boost = float(found.group(1))
        word = word[:found.start()] + word[found.end():]
    found = _FUZZY_SUFFIX.search(word)
    if found and found.start() > 0:
        digits = found.group(1)
        # "~" alone, or Lucene's old similarity "~0.8", is the default distance; more than two
        # edits is refused by OpenSearch and finds noise
        distance = min(int(digits), FUZZY_DISTANCE) if digits and digits.isdigit() else FUZZY_DISTANCE
        word = word[:found.start()] + word[found.end():]
    return _strip(word), boost, distance


def _strip(word: str) -> str:
    """``word`` without the punctuation around it (a ``?`` ending a word is a question mark)."""
    stripped = _TRAILING.sub("", _LEADING.sub("", word))
    if _ABBREVIATION.fullmatch(stripped) and word.startswith(stripped + "."):
        return stripped + "."
    return stripped


def _parts(word: str) -> list[str]:
    """The parts of a word joined by hyphens, each without the punctuation around it."""
    return [part for part in (_strip(piece) for piece in _HYPHENS.split(word)) if part]
