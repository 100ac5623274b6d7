"""From query text to a Whoosh query.

Parts: ``ParsedQuery`` and ``build_query`` (query text → Whoosh query, with a notice when the
text had to be repaired), ``query_words`` (the plain words of a query).

Pure: no Flask, no open index.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import (BoostPlugin, FieldsPlugin, FuzzyTermPlugin, GroupPlugin, MultifieldParser,
                            OperatorsPlugin, OrGroup, PhrasePlugin, PlusMinusPlugin, RangePlugin,
                            SingleQuotePlugin, WildcardPlugin, syntax)


from search.engines.whoosh.schema import build_schema, text_analyzer
from search.ranking import (PROXIMITY_BOOST, PROXIMITY_SLOP, QUERY_FIELDS, RANKING_FIELDS, USER_FIELDS,
                            YEAR_BOOST)
from search.text import iter_words

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
# year:2016..2019 is friendlier than Whoosh's year:[2016 TO 2019]; either end may be left open
# (year:..2015, year:2020..), and Whoosh's own open end "*" is read as open too.
_YEAR_RANGE = re.compile(r"\byear:(?=\d{4}\.\.|\.\.\d{4})(\d{4})?\.\.(\d{4})?(?![\w.])")
_STAR_RANGE_END = re.compile(r"\[\s*\*\s+TO\b|\bTO\s+\*\s*\]")
# A query made only of excluded words ("-Maduro -Guaidó") means every paragraph without them.
_ONLY_EXCLUSIONS = re.compile(r"\s*-[^\s\-][^\s]*(\s+-[^\s\-][^\s]*)*\s*")
# A bare trailing ~ means "fuzzy"; Whoosh's default distance 1 misses swapped letters
# (Guiado → Guaido is two edits), so make it 2.
_BARE_FUZZY = re.compile(r"(\w)~(?![\d.])")
# A four-digit year standing alone as a bare word (not "year:2021", not "2021-22").
_BARE_YEAR = re.compile(r"(?<![\w:.-])(?:19|20)\d\d(?![\w.-])")
# Any of these makes a query more than bare words: no proximity bonus is guessed for it.
_SYNTAX_CHARS = re.compile(r'["()*?~:^\[\]{}]|(^|\s)[-+]|\b(AND|OR|NOT)\b')
_SYNTAX_PLUGINS = (PhrasePlugin, GroupPlugin, OperatorsPlugin, BoostPlugin, WildcardPlugin,
                   RangePlugin, FieldsPlugin, SingleQuotePlugin, FuzzyTermPlugin, PlusMinusPlugin)


def _parser(syntax_on: bool, fieldboosts: dict[str, float] = QUERY_FIELDS) -> MultifieldParser:
    parser = MultifieldParser(list(fieldboosts), _SCHEMA, fieldboosts=fieldboosts,
                              group=OrGroup)  # bare words are OR-ed; BM25 sums favour all of them
    if syntax_on:
        parser.add_plugin(FuzzyTermPlugin())
        parser.add_plugin(PlusMinusPlugin())
    else:
        for plugin in _SYNTAX_PLUGINS:
            parser.remove_plugin_class(plugin)
    return parser


def query_words(text: str) -> tuple[str, ...]:
    """The plain words of a query text, syntax and field names dropped."""
    text = re.sub(r"\b(\w+):", " ", text)
    return tuple(word for _, _, word in iter_words(text) if word not in ("AND", "OR", "NOT"))


def build_query(text: str) -> ParsedQuery:
    """Parse the query language; text Whoosh cannot parse is searched as plain words.

    An empty text (or one with no words) matches every paragraph.
    """
    text = text.strip()
    words = query_words(text)
    if not text:
        return ParsedQuery(wq.Every(), None, ())
    problem = _syntax_problem(text)
    if problem is None:
        rewritten = _BARE_FUZZY.sub(r"\1~2", _year_ranges(_only_exclusions(text)))
        restricted = _binary_not(_restrict_fields(rewritten))
        rewritten = _require_fields(restricted)
        # field clauses we made required (not a "+" the user typed): the words must match too
        narrowing = rewritten != restricted and not re.search(r"(^|\s)\+", restricted)
        try:
            parser = _parser(syntax_on=True)
            tree = parser.process(rewritten)
            if not _has_error(tree):
                parsed = _exact_phrases(_single_years_as_ranges(tree.query(parser).normalize()),
                                        as_terms=False)
                if narrowing:
                    parsed = _words_required_too(parsed)
                if not _is_null(parsed):
                    return ParsedQuery(parsed, None, words, _scoring_query(parsed, rewritten, True),
                                       text, _proximity(rewritten, True))
                problem = "nothing searchable in it"
            else:
                problem = "Whoosh could not parse it"
        except Exception as error:  # the parser's failures are not a documented family
            problem = f"it could not be parsed ({type(error).__name__})"
    return plain_words_query(text, problem)


def plain_words_query(text: str, problem: str) -> ParsedQuery:
    """Search the words of ``text`` with no syntax; the notice says why (``problem``)."""
    words = query_words(text)
    if not words:
        return ParsedQuery(wq.NullQuery, f"The query has no words to search ({problem}).", (),
                           text=text)
    parser = _parser(syntax_on=False)
    parsed = parser.parse(" ".join(words)).normalize()
    notice = f"The query was searched as plain words: {problem}."
    if _is_null(parsed):
        return ParsedQuery(wq.NullQuery, notice, words, text=" ".join(words))
    return ParsedQuery(parsed, notice, words, _scoring_query(parsed, " ".join(words), False),
                       " ".join(words), _proximity(" ".join(words), False))


def _scoring_query(query: wq.Query, text: str, syntax_on: bool) -> wq.Query:
    """The same text searched with the ranking-only fields too, plus a bare year's bonus.

    Ranking-only: the article's title, its publication and its year (``RANKING_FIELDS``). They
    add to the score of a paragraph the matching query found and never make one match alone.
    (Combining the matching query and a separate title query with AndMaybe or Or looked
    simpler, but Whoosh 2.7.4's top-N collection then lost hits when a limit was set: pages
    overlapped. A title field inside each word's group has no such problem.)
    """
    try:
        parser = _parser(syntax_on, {**QUERY_FIELDS, **RANKING_FIELDS})
        scoring = _exact_phrases(parser.parse(text).normalize(), as_terms=True)
    except Exception:  # the bonus fields are a bonus; never let them break a query that parsed
        return query
    if _is_null(scoring):
        return query
    years = _year_terms(text)
    return wq.Or([scoring, *years]) if years else scoring


def _year_terms(text: str) -> list[wq.Query]:
    # A bare year ("Maduro 2021") prefers paragraphs of articles from that year; "2021" as a
    # word of the text still matches and ranks as usual.
    years = dict.fromkeys(m.group(0) for m in _BARE_YEAR.finditer(text))
    return [_SCHEMA["year"].parse_query("year", year, boost=YEAR_BOOST) for year in years]


def _proximity(text: str, syntax_on: bool) -> wq.Phrase | None:
    """A bonus for bare words that stand close together, in order (a sloppy phrase).

    A cheap form of the sequential dependence model (Metzler & Croft, SIGIR 2005): "sanctions
    relief" said together is worth more than the two words in different sentences.
    """
    if syntax_on and _SYNTAX_CHARS.search(text):
        return None
    stems = [t.text for t in text_analyzer()(text)]
    if len(stems) < 2 or len(stems) > 6:
        return None
    return wq.Phrase("text", stems, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST)


def _year_ranges(text: str) -> str:
    text = _YEAR_RANGE.sub(lambda m: _range(m.group(1), m.group(2)), text)
    return _STAR_RANGE_END.sub(lambda m: "[TO" if m.group().startswith("[") else "TO]", text)


def _range(start: str | None, end: str | None) -> str:
    # Whoosh reads an open end only without a space inside the bracket: [TO 2018], [2019 TO]
    if start and end:
        return f"year:[{start} TO {end}]"
    return f"year:[{start} TO]" if start else f"year:[TO {end}]"


def _only_exclusions(text: str) -> str:
    # Whoosh drops a lone negation (nothing to subtract it from), which searched the excluded
    # word itself; "NOT (a OR b)" is what "-a -b" means.
    if not _ONLY_EXCLUSIONS.fullmatch(text):
        return text
    return "NOT (" + " OR ".join(word[1:] for word in text.split()) + ")"


def _syntax_problem(text: str) -> str | None:
    """Say what is unbalanced in the query text, if anything."""
    if text.count('"') % 2:
        return "a quotation mark is not closed"
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return "a parenthesis is closed before it is opened"
    if depth:
        return "a parenthesis is not closed"
    if re.search(r"(^|\s)(AND|OR)(\s*$|\s+(AND|OR)\b)|^\s*(AND|OR)\b|\bNOT\s*$", text):
        return "an operator has nothing on one side"
    return None


def _restrict_fields(text: str) -> str:
    # Only the documented fields may be named; any other "name:" is an ordinary word, so a
    # query such as "ratio:3" or "http://…" does not silently search a hidden field.
    def replace(match: re.Match) -> str:
        name = match.group(1)
        mapped = USER_FIELDS.get(name.lower())
        return f"{mapped}:" if mapped else f"{name} "
    return re.sub(r"\b(\w+):(?=\S)", replace, text)


def _require_fields(text: str) -> str:
    # "year:2016..2019 Padrino" means Padrino within those years, not either one: a field clause
    # narrows the search (as web search engines treat "site:"), unless the query spells out its
    # own logic with AND / OR / NOT or parentheses, in which case it is taken as written.
    if re.search(r"\b(AND|OR|NOT)\b|[()]", text):
        return text
    fields = "|".join(sorted(set(USER_FIELDS.values())))
    return re.sub(rf"(^|\s)(?=({fields}):\S)", r"\1+", text)


def _binary_not(text: str) -> str:
    # Whoosh's NOT is a prefix: "drought NOT food" would be "drought OR anything without food".
    # People mean "drought but not food", as with -food.
    return re.sub(r"(?<=\S)(?<!\bAND)(?<!\bOR)(?<!\()\s+NOT\s+", " AND NOT ", text)


def _single_years_as_ranges(query: wq.Query) -> wq.Query:
    # year:2016 parses to a Term holding the number's binary encoding; a one-year range matches
    # the same paragraphs and its terms are never mistaken for words (highlighting decodes
    # every matched term as text).
    if isinstance(query, wq.Term) and query.fieldname == "year":
        year = _SCHEMA["year"].from_bytes(query.text) if isinstance(query.text, bytes) else int(query.text)
        return wq.NumericRange("year", year, year, boost=query.boost)
    if query.is_leaf():
        return query
    return query.apply(_single_years_as_ranges)


def _exact_phrases(query: wq.Query, as_terms: bool) -> wq.Query:
    # The parser puts a phrase on every default field, but text_exact keeps no positions (the
    # stemmed ``text`` phrase finds the same paragraphs). To match, it is dropped; to rank, its
    # words' exact forms still count: all of them present scores like the exact phrase did.
    if isinstance(query, wq.Phrase) and query.fieldname == "text_exact":
        if not as_terms:
            return wq.NullQuery
        return wq.And([wq.Term("text_exact", word) for word in query.words], boost=query.boost)
    if query.is_leaf():
        return query
    return query.apply(lambda child: _exact_phrases(child, as_terms)).normalize()


def _words_required_too(query: wq.Query) -> wq.Query:
    # Whoosh reads "+year:2016 Padrino" as year AND MAYBE Padrino (every 2016 paragraph matches);
    # a narrowing field means "Padrino, within 2016": at least one of the words must match too.
    if isinstance(query, wq.AndMaybe):
        return wq.And([query.a, query.b])
    if isinstance(query, wq.AndNot):
        return wq.AndNot(_words_required_too(query.a), query.b)
    return query


def _has_error(node: syntax.SyntaxNode) -> bool:
    if isinstance(node, syntax.ErrorNode):
        return True
    return any(_has_error(child) for child in getattr(node, "nodes", None) or [])


def _is_null(query: wq.Query) -> bool:
    return query is wq.NullQuery or type(query).__name__ == "_NullQuery"
