"""Did you mean: a corrected query when the query finds little and a near spelling finds more.

Parts: ``suggest_query`` (the corrected query text, or None), ``correct_word`` (one word → the
corpus word it most likely meant, or None), ``written_form``, ``edit_distance``.

Candidates come from the unstemmed ``text_exact`` field, so suggestions are real words
("sanctions", not the stem "sanction"), written as the corpus usually writes them ("Guaidó",
read from a few paragraphs that use the word, only when a suggestion is made). They are ranked
by edit distance with transpositions (Damerau: "Guiado" → "Guaido" is one swap), then by how
many paragraphs use them. The query's syntax (phrases, operators, fields) is kept: only the
misspelt words are replaced.
"""
from __future__ import annotations

import re
from collections import Counter
from itertools import islice

from whoosh.searching import Searcher

from search.engines.whoosh.matching import Postings
from search.engines.whoosh.query import ParsedQuery, build_query
from search.engines.whoosh.schema import STOPWORDS
from search.text import fold_accents, iter_words

FIELD = "text_exact"
MAX_EDITS = 2
# A word the corpus has (so not "misspelt") is still corrected when it is this rare and a word
# one edit away is used RARE_RATIO times more often: a typo that happens to exist once.
RARE_AT_MOST = 1
RARE_RATIO = 5
WRITTEN_FORM_SAMPLE = 20


def correct_word(searcher: Searcher, word: str) -> str | None:
    """The corpus word ``word`` most likely meant (folded, lowercase), or None to keep it."""
    key = fold_accents(word).lower()
    if key in STOPWORDS or len(key) < 3 or not key.isalpha():
        return None
    reader = searcher.reader()
    frequency = reader.doc_frequency(FIELD, key)
    if frequency > RARE_AT_MOST:
        return None
    candidates = [c for c in searcher.suggest(FIELD, key, limit=10, maxdist=MAX_EDITS) if c != key]
    ranked = sorted(((edit_distance(key, c), -reader.doc_frequency(FIELD, c), c)
                     for c in candidates))
    for distance, negative_frequency, candidate in ranked:
        if distance > MAX_EDITS:
            break
        if frequency == 0 or (distance == 1 and -negative_frequency >= RARE_RATIO * frequency):
            return candidate
        break
    return None


def suggest_query(postings: Postings, parsed: ParsedQuery) -> str | None:
    """The query text with its misspelt words corrected, when that finds more paragraphs.

    ``postings`` is the search's own: the query's matches are already counted there, and the
    corrected query reads the words they share from it.
    """
    searcher = postings.searcher
    text = parsed.text or " ".join(parsed.words)
    corrected = text
    for word in dict.fromkeys(parsed.words):
        better = correct_word(searcher, word)
        if better is not None:
            written = written_form(searcher, better)
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", written, corrected)
    if corrected == text:
        return None
    found = _count(postings, build_query(corrected).query)
    return corrected if found > _count(postings, parsed.query) else None


def _count(postings: Postings, query) -> int:
    try:
        return int(postings.mask(query).sum())
    except Exception:  # a query Whoosh refuses to run finds nothing
        return 0


def written_form(searcher: Searcher, folded: str, sample: int = WRITTEN_FORM_SAMPLE) -> str:
    """How the corpus usually writes the index word ``folded`` ("guaido" → "Guaidó").

    Read from the first ``sample`` paragraphs that use it: a word written in lower case
    anywhere is a common word and is shown in lower case, not as the capitalised form it takes
    at the start of sentences.
    """
    if (FIELD, folded) not in searcher.reader():
        return folded
    forms: Counter = Counter()
    for docnum in islice(searcher.reader().postings(FIELD, folded).all_ids(), sample):
        for _, _, word in iter_words(searcher.stored_fields(docnum).get("text") or ""):
            if fold_accents(word).lower().replace(".", "") == folded:
                forms[word] += 1
    lower = Counter({form: n for form, n in forms.items() if form == form.lower()})
    return (lower or forms).most_common(1)[0][0] if forms else folded


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
