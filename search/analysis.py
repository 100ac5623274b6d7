"""The one text analysis every engine indexes and searches with: what a word is, which words are
dropped, how a word is folded. Each engine builds its analyzers from these declarations
(engines/whoosh/schema.py as Whoosh filters; engines/opensearch/mapping.py as an analysis
chain), so a query finds the same paragraphs whichever engine answers it.

Parts: ``STOPWORDS`` (search/data/stopwords.txt), ``TOKEN_PATTERN`` (a word, for indexing),
``fold_word`` (lower-case, dots dropped, accents folded), ``IRREGULAR_FORMS``
(search/data/irregular_forms.txt: said → say, children → child), ``STEMMER`` and ``stem`` (the
one stemmer: irregular forms to their base form, then Snowball English, so words of one family
share a stem), ``OPENSEARCH_STEMMER`` (the same stemmer as an OpenSearch token filter, after
the table as a ``stemmer_override`` filter: engines/opensearch/mapping.py),
``snowball_english`` (the stemmer without the table, for measurements), ``use_stemmer``
(another stemmer for a measurement's duration).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources

from snowballstemmer.english_stemmer import EnglishStemmer

from search.text import fold_accents


def _read_stopwords() -> frozenset[str]:
    lines = resources.files("search").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in lines.splitlines()
                     if line.strip() and not line.startswith("#"))


STOPWORDS = _read_stopwords()


def _read_irregular_forms() -> dict[str, str]:
    """form → base form, from lines ``base: form form…`` (search/data/irregular_forms.txt)."""
    text = resources.files("search").joinpath("data/irregular_forms.txt").read_text(encoding="utf-8")
    forms: dict[str, str] = {}
    for line in text.splitlines():
        line = line.partition("#")[0].strip()
        if line:
            base, _, listed = line.partition(":")
            forms.update((form, base.strip()) for form in listed.split())
    return forms


# Irregular forms that no suffix stripper can join to their base form (said/say, built/build,
# children/child): the file says which were left out and why (forms that are also another
# common word: left, found, saw).
IRREGULAR_FORMS = _read_irregular_forms()

# Words split at apostrophes and hyphens ("Venezuela’s" indexes "venezuela"); inner dots are
# kept and then dropped when folding, so "U.S." and "US" index the same word.
TOKEN_PATTERN = r"\w+(\.?\w+)*"

# Words shorter than this are dropped from the paragraph's words (names keep one-letter words).
MIN_WORD_LENGTH = 2


def fold_word(word: str) -> str:
    """A word as the index stores it before stemming: ``U.S.`` → ``us``, ``Guaidó`` → ``guaido``."""
    return fold_accents(word.lower().replace(".", ""))


# The stemmer, chosen by measurement (eval/measure_stemmers.py, on the 3,543 words of the seeds,
# a 20,000-paragraph bench corpus and the test articles): Snowball English ("Porter2", M. Porter,
# 2001). Whoosh's Porter stemmer, used before, split 35 of 361 regular word families
# (plan/planned → plan/plann, run/running, investigate/investigating, spy/spies) and merged
# news/new and us/use; Snowball English splits 19 (adjectives' -er/-est, which it leaves by
# design, and added → ad), merges neither, keeps the derivations (negotiate/negotiation,
# defect/defection) and is the one both engines can run (OpenSearch's ``snowball`` filter).
# Lemmatisers shipping their data (lemminflect, spaCy's lookup tables) split fewer families (4-6:
# they know said/say, built/build) but have no OpenSearch filter, join no derivation and, with no
# POS tag in a query, read "left" as "leave", "found" as "find" and "saw" as "see".
# snowballstemmer 2.x is the Snowball 2 English algorithm, the one OpenSearch bundles (Lucene
# ≤ 10) runs; Snowball 3 changed English (organization → organiz), hence the bound in
# pyproject.toml. Its module is imported directly: the package's ``stemmer()`` would silently
# switch to PyStemmer (a different Snowball version) where that happens to be installed.
# Before it, a folded word goes through IRREGULAR_FORMS (said → say): a suffix stripper cannot
# join a family whose forms change their vowels, and the lemmatisers' advantage measured above
# was mostly these families; the table is declared, so OpenSearch applies the same one.
STEMMER = "snowball-english"

# The same stemmer in an OpenSearch analysis chain (Lucene's SnowballFilter with EnglishStemmer;
# ``{"type": "stemmer", "language": "porter2"}`` is the same filter under another name).
OPENSEARCH_STEMMER = {"type": "snowball", "language": "English"}

_ENGLISH = EnglishStemmer()
_ENGLISH_LOCK = threading.Lock()  # a Snowball stemmer object keeps its state while it stems


@lru_cache(maxsize=200_000)  # an archive repeats its words: stem each once
def snowball_english(word: str) -> str:
    """Snowball English alone, without IRREGULAR_FORMS: ``said`` → ``said``."""
    with _ENGLISH_LOCK:
        return _ENGLISH.stemWord(word)


@lru_cache(maxsize=200_000)  # one cached call a word, as before the table
def _irregular_then_snowball(word: str) -> str:
    return snowball_english(IRREGULAR_FORMS.get(word, word))


_active: Callable[[str], str] = _irregular_then_snowball


def stem(word: str) -> str:
    """The stem of a folded word (``fold_word``): ``planned``, ``planning`` → ``plan``;
    ``said``, ``says`` → ``say``.

    Every stemmed field of every engine, and every comparison of words by family (the query's
    reading of metadata words, did-you-mean), goes through this function.
    """
    return _active(word)


@contextmanager
def use_stemmer(stemmer: Callable[[str], str]) -> Iterator[None]:
    """Stem with ``stemmer`` instead, until the block ends: for measurements that compare
    stemmers on an index built and searched inside the block (search/evaluation/ablation.py).
    Process-wide: never use it in a server."""
    global _active
    previous, _active = _active, stemmer
    try:
        yield
    finally:
        _active = previous
