"""The one text analysis every engine indexes and searches with: what a word is, which words are
dropped, how a word is folded. Each engine builds its analyzers from these declarations
(engines/whoosh/schema.py as Whoosh filters; engines/opensearch/mapping.py as an analysis
chain), so a query finds the same paragraphs whichever engine answers it.

Parts: ``STOPWORDS`` (search/data/stopwords.txt), ``TOKEN_PATTERN`` (a word, for indexing),
``fold_word`` (lower-case, dots dropped, accents folded).
"""
from __future__ import annotations

from importlib import resources

from search.text import fold_accents


def _read_stopwords() -> frozenset[str]:
    lines = resources.files("search").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in lines.splitlines()
                     if line.strip() and not line.startswith("#"))


STOPWORDS = _read_stopwords()

# Words split at apostrophes and hyphens ("Venezuela’s" indexes "venezuela"); inner dots are
# kept and then dropped when folding, so "U.S." and "US" index the same word.
TOKEN_PATTERN = r"\w+(\.?\w+)*"

# Words shorter than this are dropped from the paragraph's words (names keep one-letter words).
MIN_WORD_LENGTH = 2


def fold_word(word: str) -> str:
    """A word as the index stores it before stemming: ``U.S.`` → ``us``, ``Guaidó`` → ``guaido``."""
    return fold_accents(word.lower().replace(".", ""))
