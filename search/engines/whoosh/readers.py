"""Reading an index made of several segments as if it were one.

Parts: ``terms_within`` (the words of a field within some edits of a word, the union of each
segment's answer), ``install`` (makes Whoosh's multi-segment reader use it).

Whoosh 2.7.4 answers ``terms_within`` (fuzzy words such as ``Guiado~``, and the spelling
suggestions of suggest.py) with a Levenshtein automaton on a one-segment index, but with a
Damerau-Levenshtein scan of every word (transpositions count as one edit) on an index of
several segments. The same archive then expanded a fuzzy word and corrected a typo differently
depending on how it was written: by one writer process or two, built at once or updated
incrementally (tests/test_incremental.py found "drougth" corrected only on the latter). A word
is within reach of the automaton or not whatever segment holds it, so the union of the
segments' answers is the one-segment answer.
"""
from __future__ import annotations

from collections.abc import Iterator

from whoosh.reading import MultiReader


def terms_within(reader: MultiReader, fieldname: str, text: str, maxdist: int,
                 prefix: int = 0) -> Iterator[str]:
    """The words of ``fieldname`` within ``maxdist`` edits of ``text`` (Levenshtein, as the
    one-segment reader computes it), in sorted order, each once."""
    found: set[str] = set()
    for leaf, _ in reader.leaf_readers():
        found.update(leaf.terms_within(fieldname, text, maxdist, prefix))
    return iter(sorted(found))


def install() -> None:
    """Make every multi-segment reader answer ``terms_within`` as ``terms_within`` above."""
    MultiReader.terms_within = terms_within
