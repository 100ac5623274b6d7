"""Did you mean, over the term suggester's candidates: the embedded engine's rules
(engines/whoosh/suggest.py) applied to what OpenSearch proposes. Pure: no client.

Parts: ``correction`` (a word, how many paragraphs use it, the candidates → the word it most
likely meant, or None), ``needs_frequency``, ``written_form`` (how the corpus writes a folded
word), ``corrected_text``. Spellings are compared by search/spelling.py, as in the embedded
engine.

The suggester (dsl.suggest_section) already keeps to words used in at most one paragraph and to
candidates within two edits that are used more often. The rules: a word the corpus does not have
takes the nearest candidate (fewest edits, then most used); a word used once (a typo that happens
to exist) takes a candidate one edit away used at least RARE_RATIO times as often.

Documentation: https://docs.opensearch.org/latest/search-plugins/searching-data/did-you-mean/ .
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from search.analysis import STOPWORDS
from search.spelling import edit_distance
from search.text import fold_accents, iter_words

MAX_EDITS = 2
RARE_RATIO = 5
WRITTEN_FORM_SAMPLE = 20


def key_of(word: str) -> str | None:
    """The folded form of a query word that may be corrected, or None (stop words, short words,
    numbers and names with digits are never corrected)."""
    key = fold_accents(word).lower()
    if key in STOPWORDS or len(key) < 3 or not key.isalpha():
        return None
    return key


def best_candidate(key: str, candidates: Iterable[tuple[str, int]]) -> tuple[int, int, str] | None:
    """(edits, paragraphs, candidate) of the nearest, most used candidate, or None."""
    ranked = sorted((edit_distance(key, text), -freq, text) for text, freq in candidates if text != key)
    if not ranked or ranked[0][0] > MAX_EDITS:
        return None
    distance, negative_freq, text = ranked[0]
    return distance, -negative_freq, text


def needs_frequency(best: tuple[int, int, str]) -> bool:
    """Whether accepting ``best`` depends on whether the word itself is in the corpus: a
    candidate one edit away used RARE_RATIO times or more is taken either way."""
    distance, freq, _ = best
    return not (distance == 1 and freq >= RARE_RATIO)


def correction(best: tuple[int, int, str] | None, frequency: int) -> str | None:
    """The candidate to put in place of a word used in ``frequency`` paragraphs, or None."""
    if best is None:
        return None
    distance, freq, text = best
    if frequency == 0 or (distance == 1 and freq >= RARE_RATIO * frequency):
        return text
    return None


def written_form(folded: str, texts: Iterable[str]) -> str:
    """How the corpus usually writes the index word ``folded`` ("guaido" → "Guaidó"), read from
    paragraph ``texts`` that use it; a word written in lower case anywhere is shown in lower case."""
    forms: Counter = Counter()
    for text in texts:
        for _, _, word in iter_words(text or ""):
            if fold_accents(word).lower().replace(".", "") == folded:
                forms[word] += 1
    lower = Counter({form: n for form, n in forms.items() if form == form.lower()})
    return (lower or forms).most_common(1)[0][0] if forms else folded


def corrected_text(text: str, corrections: dict[str, str]) -> str:
    """``text`` with each misspelt word (a key of ``corrections``) replaced, syntax kept."""
    for word, better in corrections.items():
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, text)
    return text
