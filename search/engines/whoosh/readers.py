"""Reading an index made of several segments as if it were one, and its word lists quickly.

Parts: ``terms_within`` (the words of a field within some edits of a word, the union of each
segment's answer), ``install`` (makes Whoosh's readers use it).

Whoosh 2.7.4 answers ``terms_within`` (fuzzy words such as ``Guiado~``, and the spelling
suggestions of suggest.py) with a Levenshtein automaton on a one-segment index, but with a
Damerau-Levenshtein scan of every word (transpositions count as one edit) on an index of
several segments. The same archive then expanded a fuzzy word and corrected a typo differently
depending on how it was written: by one writer process or two, built at once or updated
incrementally (tests/test_incremental.py found "drougth" corrected only on the latter). A word
is within reach of the automaton or not whatever segment holds it, so the union of the
segments' answers is the one-segment answer.

The automaton walks a segment's sorted word list, jumping to the next word it could accept.
Whoosh jumps by a binary search of the on-disk term table, a file read per step: 0.3 s for
one misspelt word at 10,000 paragraphs (bench/NOTES.md), most of a query that finds nothing.
Here it walks the same words held in memory (a segment's words never change; a few MB at
100,000 paragraphs), so the answer is the same and each jump is a ``bisect``.
"""
from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterator

from whoosh.codec.base import Automata
from whoosh.reading import MultiReader, SegmentReader

# Word lists kept: (segment, field) pairs, the least recently used dropped first. A generation
# has a few segments per tier; fuzzy words and spelling read one or two fields.
CACHED_WORD_LISTS = 64

_word_lists: OrderedDict[tuple[str, str, str], list[str]] = OrderedDict()
_word_lists_lock = threading.Lock()


class _SortedWords:
    """Whoosh's term cursor (``text``, ``find``) over a sorted list: what the automaton needs."""

    def __init__(self, words: list[str]):
        self.words = words
        self.at = 0

    def text(self) -> str | None:
        return self.words[self.at] if self.at < len(self.words) else None

    def find(self, word: str) -> None:
        self.at = bisect_left(self.words, word, self.at)


def _folder_of(leaf: SegmentReader) -> str | None:
    """The folder of the index that holds ``leaf``'s segment (None for an index in memory)."""
    storage = leaf.storage()
    storage = getattr(storage, "b", storage)  # a compound segment: its file over the folder
    return getattr(storage, "folder", None)


def _words_of(leaf: SegmentReader, fieldname: str) -> list[str]:
    folder = _folder_of(leaf)
    if folder is None:
        return [word.decode("utf-8") for word in leaf.lexicon(fieldname)]
    # Segment ids are random names drawn from ``random``, which tests (and any caller that
    # seeds it for repeatability) replay: two indexes can hold different segments under one
    # id. A generation folder is written once, so folder and id name one segment.
    key = (folder, leaf.segment().segment_id(), fieldname)
    with _word_lists_lock:
        words = _word_lists.get(key)
        if words is not None:
            _word_lists.move_to_end(key)
            return words
    words = [word.decode("utf-8") for word in leaf.lexicon(fieldname)]  # sorted, as stored
    with _word_lists_lock:
        _word_lists[key] = words
        while len(_word_lists) > CACHED_WORD_LISTS:
            _word_lists.popitem(last=False)
    return words


def _segment_terms_within(leaf: SegmentReader, fieldname: str, text: str, maxdist: int,
                          prefix: int = 0) -> Iterator[str]:
    """Whoosh's one-segment answer (its Levenshtein automaton), over the words in memory."""
    spelled = leaf.schema[fieldname].spelling_fieldname(fieldname)
    dfa = Automata.levenshtein_dfa(text, maxdist, prefix)
    return Automata.find_matches(dfa, _SortedWords(_words_of(leaf, spelled)))


def terms_within(reader: MultiReader, fieldname: str, text: str, maxdist: int,
                 prefix: int = 0) -> Iterator[str]:
    """The words of ``fieldname`` within ``maxdist`` edits of ``text`` (Levenshtein, as the
    one-segment reader computes it), in sorted order, each once."""
    found: set[str] = set()
    for leaf, _ in reader.leaf_readers():
        found.update(leaf.terms_within(fieldname, text, maxdist, prefix))
    return iter(sorted(found))


def install() -> None:
    """Make every reader answer ``terms_within`` as above."""
    MultiReader.terms_within = terms_within
    SegmentReader.terms_within = _segment_terms_within
