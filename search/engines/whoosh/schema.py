"""THE Whoosh schema of a paragraph index, and its analyzers. No field is defined anywhere else.

Parts: ``SCHEMA_VERSION`` (bump when a field or analyzer changes, so old indexes are rebuilt),
the analyzers (``text_analyzer`` folds accents then stems; ``exact_analyzer`` folds without
stemming; ``name_analyzer`` for actor/place/publication words), ``build_schema``, and
``QUERY_FIELDS``: which fields bare query words search, with their BM25F boosts.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh import fields
from whoosh.analysis import Analyzer, StemFilter, Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

from search.analysis import MIN_WORD_LENGTH, STOPWORDS, TOKEN_PATTERN, stem
from search.ranking import RANKING_FIELDS

# 8: Snowball English instead of Whoosh's Porter stemmer (search/analysis.py: STEMMER)
# 9: irregular forms to their base form before stemming (search/analysis.py: IRREGULAR_FORMS).
# An index of another version is rebuilt in full (layout.py: version_mismatch makes it stale and
# its seed state unknown), so no index mixes "said" and "say" stems.
SCHEMA_VERSION = 9

_TOKEN_PATTERN = TOKEN_PATTERN
_TOKEN = re.compile(_TOKEN_PATTERN, re.UNICODE)


class FoldedWords(Tokenizer):
    """Words, lower-cased, dots removed, accents folded, stopwords dropped: in one pass.

    The same tokens as ``RegexTokenizer(_TOKEN_PATTERN) | LowercaseFilter() |
    SubstitutionFilter(r"[.]", "") | CharsetFilter(accent_map) | StopFilter(STOPWORDS, minsize)``
    (tests/test_schema.py compares them), at a fraction of the cost: that chain of generators was
    a fifth of the index writer's time, and the writer analyses each paragraph twice (``text``
    and ``text_exact``), so the last text's words are kept and reused.
    """

    def __init__(self, minsize: int = MIN_WORD_LENGTH):
        self.minsize = minsize

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FoldedWords) and other.minsize == self.minsize

    def __hash__(self) -> int:
        return hash((FoldedWords, self.minsize))

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # the whole value is one word (RegexTokenizer's contract)
            words = [(value, _fold_word(value), 0, 0, len(value))]
        else:
            words = _words(value)
        kept_position = None
        for text, folded, position, start, end in words:
            stopped = len(folded) < self.minsize or folded in STOPWORDS
            if stopped and removestops:
                continue
            token.text = folded
            token.boost = 1.0
            token.stopped = stopped
            if keeporiginal or not tokenize:
                token.original = text
            if positions:
                # StopFilter's renumbering: kept words are consecutive from the first kept one
                if not stopped:
                    kept_position = position if kept_position is None else kept_position + 1
                token.pos = start_pos + (position if stopped else kept_position)
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


_LAST_WORDS: tuple[str, list] = ("", [])
_FOLDED: dict[str, str] = {}


def _words(value: str) -> list[tuple[str, str, int, int, int]]:
    """(text, folded, position, start, end) of each word; the last value's list is reused."""
    global _LAST_WORDS
    last_value, last_words = _LAST_WORDS
    if value == last_value:
        return last_words
    words = [(m.group(), _fold_word(m.group()), position, m.start(), m.end())
             for position, m in enumerate(_TOKEN.finditer(value))]
    _LAST_WORDS = (value, words)  # one tuple, swapped at once: safe across threads
    return words


def _fold_word(word: str) -> str:
    folded = _FOLDED.get(word)
    if folded is None:
        if len(_FOLDED) > 500_000:  # a bound for long-running servers; an archive repeats words
            _FOLDED.clear()
        folded = _FOLDED[word] = word.lower().replace(".", "").translate(accent_map)
    return folded


def text_analyzer() -> Analyzer:
    """Fold accents, then stem: Guaidó → guaido, sanctions → sanction, planned → plan.

    Folding comes before stemming because the stemmer does not know accented letters. The
    stemmer is the project's one (search/analysis.py), which caches its stems itself.
    """
    return FoldedWords() | StemFilter(stemfn=stem, cachesize=None)


def exact_analyzer() -> Analyzer:
    """Fold accents but keep the word's form, so exact matches can outrank stemmed ones."""
    return FoldedWords()


def name_analyzer() -> Analyzer:
    """Words of a name, folded: ``actor:lopez`` finds López; no stemming."""
    return FoldedWords(minsize=1)


def build_schema() -> fields.Schema:
    """Return the schema: one Whoosh document per paragraph."""
    text = text_analyzer()
    names = name_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        # Read with the hit, never searched (filters and sorting use the facet columns):
        # indexing them was a tenth of the writer's time.
        doc_id=fields.STORED(),
        position=fields.STORED(),
        kind=fields.ID(stored=True),
        section=fields.STORED(),
        title=fields.TEXT(analyzer=text, stored=True),
        text=fields.TEXT(analyzer=text, stored=True, phrase=True),
        # No positions: phrases are matched on ``text``; the exact forms only rank (a third of
        # the writer's time was this field, positions a quarter of that).
        text_exact=fields.TEXT(analyzer=exact_analyzer(), phrase=False),
        publication=fields.TEXT(analyzer=names, stored=True, phrase=True),
        date=fields.STORED(),
        year=fields.NUMERIC(stored=True),
        actor=fields.TEXT(analyzer=names, phrase=True),
        place=fields.TEXT(analyzer=names, phrase=True),
        # [[name, type], …] of people and organisations, and [name, …] of places, for display
        # and for the facet columns (facets count canonical names, not analysed words).
        actors=fields.STORED(),
        places=fields.STORED(),
        # [[start, end, name, type], …]: where each actor is named, so a match through the actor
        # fields ("drought" → "the NDMA") can be highlighted in the text.
        mentions=fields.STORED(),
    )


# Whoosh's Porter stemmer, the text analyzer's up to SCHEMA_VERSION 7 (it split planned/plan and
# merged news/new): kept only so that the evaluation's ablation can measure the change.
PREVIOUS_STEMMER = porter_stem

# The boosts and the fields a query may name are the ranking's, declared for every engine.
TITLE_BOOST = RANKING_FIELDS["title"]
