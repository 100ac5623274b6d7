"""Text normalising shared by ingest, actors, the schema and highlighting.

Parts: ``fold_accents`` (Guaidó → Guaido), ``normalise_space``, ``WORD_PATTERN`` (what a word is
for indexing and highlighting, so both see the same tokens), ``iter_words``.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Letters that do not decompose under NFKD but that a reader still treats as accented variants.
_EXTRA_FOLDS = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
                              "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                              "’": "'", "‘": "'"})

# A word: letters/digits, with inner apostrophes, hyphens and dots kept so that "U.S.",
# "Padrino-López" and "Maduro's" stay one token for highlighting.
WORD_PATTERN = re.compile(r"\w+(?:[.'’\-]\w+)*\.?(?<=\w\.\w\.)|\w+(?:['’\-]\w+)*", re.UNICODE)


def fold_accents(text: str) -> str:
    """Remove diacritics and fold typographic apostrophes, keeping case and length-ish."""
    if text.isascii():  # nothing to fold; the build calls this millions of times (bench/)
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    return decomposed.translate(_COMBINING)


class _CombiningMarks(dict):
    """``str.translate`` table deleting combining marks, filled in as characters are seen."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_COMBINING = _CombiningMarks()


def normalise_space(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) to one space and strip."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def iter_words(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, word) for each word of ``text``, offsets into ``text``."""
    for match in WORD_PATTERN.finditer(text):
        yield match.start(), match.end(), match.group()
