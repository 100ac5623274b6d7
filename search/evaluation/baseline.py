"""A plain-BM25 baseline on the same paragraphs: SQLite FTS5 from the standard library.

Parts: ``TOKENIZE`` (porter stemming over unicode61 with accent folding), ``build_match``
(query text → a safe FTS5 MATCH expression) and ``Fts5Baseline`` (an in-memory table of
paragraph ids and texts, ranked by FTS5's ``bm25()``). It exists to be measured against: no
boosts, no actor fields, no exact-over-stemmed preference, so gains over it are the engine's own.
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

from search.analysis import MIN_WORD_LENGTH, STOPWORDS
from search.records import Paragraph
from search.text import fold_accents

# porter wraps unicode61; remove_diacritics 2 also folds letters with several diacritics
# (SQLite ≥ 3.27), so "Guaido" matches "Guaidó" and "sanction" matches "sanctions".
TOKENIZE = "porter unicode61 remove_diacritics 2"

# The word characters unicode61 keeps (letters and digits; "_" and punctuation separate words),
# so the query splits where the index did.
_WORD = re.compile(r"[^\W_]+")
# A double-quoted stretch of the query: kept together as an FTS5 phrase.
_PHRASE = re.compile(r'"([^"]*)"')
# The engine's stop list and minimum word length (search/analysis.py, what every engine's
# analyzer drops), so both systems search the same content words of a query: with Whoosh's own
# list, which it used before, the baseline also searched "who", "did", "after", "been"… while
# the engine dropped them, and it kept out "us" and "may", which the engine searches.
_MIN_LENGTH = MIN_WORD_LENGTH


def _content_words(text: str) -> list[str]:
    """Words of ``text`` minus stop words and one-letter words, as the engine's analyzer drops them."""
    return [w for w in _WORD.findall(text)
            if len(w) >= _MIN_LENGTH and fold_accents(w).lower() not in STOPWORDS]


def build_match(query: str) -> str:
    """Turn query text into an FTS5 MATCH expression: phrases and bare words, OR-ed.

    Every word is wrapped in double quotes, and words hold only letters and digits, so FTS5
    operators and syntax characters typed by a user (``AND``, ``-``, ``*``, ``:``, ``(``) are
    searched as text or dropped, never parsed. ``"interim government"`` stays a phrase. Returns
    "" when no content word is left (only stop words or punctuation).
    """
    parts: list[str] = []
    for phrase in _PHRASE.findall(query):
        words = _content_words(phrase)
        if words:
            parts.append('"' + " ".join(words) + '"')
    # An unbalanced quote is left in the rest and simply ignored by _WORD.
    parts.extend(f'"{word}"' for word in _content_words(_PHRASE.sub(" ", query)))
    return " OR ".join(dict.fromkeys(parts))  # dict keeps order and drops repeated words


class Fts5Baseline:
    """Paragraphs in an in-memory FTS5 table, ranked by plain BM25 (k1 = 1.2, b = 0.75)."""

    def __init__(self, paragraphs: Iterable[Paragraph]) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            f"CREATE VIRTUAL TABLE paragraphs USING fts5(id UNINDEXED, text, tokenize = '{TOKENIZE}')")
        with self._db:
            self._db.executemany("INSERT INTO paragraphs (id, text) VALUES (?, ?)",
                                 ((p.id, p.text) for p in paragraphs))

    def rank(self, query: str, k: int = 20) -> list[str]:
        """Return the ids of the ``k`` best paragraphs for ``query``, best first."""
        match = build_match(query)
        if not match:
            return []
        # bm25() is lower-is-better; rowid breaks ties in paragraph order so runs are repeatable.
        rows = self._db.execute(
            "SELECT id FROM paragraphs WHERE paragraphs MATCH ? ORDER BY bm25(paragraphs), rowid LIMIT ?",
            (match, k))
        return [row[0] for row in rows]

    def close(self) -> None:
        """Release the in-memory database."""
        self._db.close()
