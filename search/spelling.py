"""How far apart two spellings are, for every engine's did-you-mean.

Parts: ``edit_distance``. Both engines rank a misspelt word's corrections by it
(engines/whoosh/suggest.py over the index's words, engines/opensearch/suggest.py over the
cluster's term suggester's candidates), so both offer the same correction.
"""
from __future__ import annotations


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two letters) that turn ``a`` into ``b``.

    The Damerau-Levenshtein distance (Lowrance-Wagner), as ``nltk.edit_distance(a, b,
    transpositions=True)`` computes it; written here so a server does not import NLTK (80 MB
    and most of a second) to correct a word.
    """
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        table[i][0] = i
    for j in range(len(b) + 1):
        table[0][j] = j
    last_row_of: dict[str, int] = {}  # letter → last row (1-based) of a where it was seen
    for i in range(1, len(a) + 1):
        last_match_column = 0
        for j in range(1, len(b) + 1):
            swap_row = last_row_of.get(b[j - 1], 0)
            swap_column = last_match_column
            same = a[i - 1] == b[j - 1]
            if same:
                last_match_column = j
            best = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (not same))
            if swap_row and swap_column:
                best = min(best, table[swap_row - 1][swap_column - 1]
                           + (i - swap_row) + (j - swap_column) - 1)
            table[i][j] = best
        last_row_of[a[i - 1]] = i
    return table[len(a)][len(b)]
