"""Did you mean: a corrected query, and the words of a query that matched nothing.

Parts: ``did_you_mean`` (the search's entry point: the suggestion and the unmatched words),
``unmatched_words`` (the query's plain words that no paragraph has), ``suggest_query`` (the
corrected query text, or None), ``correct_word`` (one word → the corpus word it most likely
meant, or None; spellings compared by search/spelling.py), ``written_form``.

A word that matches nothing is always worth a correction, whatever the rest of the query finds
("Madurro oil" finds the oil paragraphs and suggests "Maduro oil"); the other words are
corrected only when the whole query finds little (a rare word that exists may still be a typo).
Candidates come from the unstemmed ``text_exact`` field, so suggestions are real words
("sanctions", not the stem "sanction"), written as the corpus usually writes them ("Guaidó",
read from a few paragraphs that use the word, only when a suggestion is made). They are ranked
by edit distance with transpositions (Damerau: "Guiado" → "Guaido" is one swap), then by how
many paragraphs use them. The query's syntax (phrases, operators, fields) is kept: only the
misspelt words are replaced.
"""
from __future__ import annotations

import heapq
import re
from collections import Counter
from itertools import islice

import numpy as np

from whoosh import query as wq
from whoosh.searching import Searcher

from search.analysis import fold_word
from search.engines.whoosh.matching import Postings
from search.engines.whoosh.query import ParsedQuery, build_query
from search.engines.whoosh.schema import STOPWORDS, text_analyzer
from search.spelling import edit_distance
from search.text import fold_accents, iter_words

FIELD = "text_exact"
MAX_EDITS = 2
# A word the corpus has (so not "misspelt") is still corrected when it is this rare and a word
# one edit away is used RARE_RATIO times more often: a typo that happens to exist once.
RARE_AT_MOST = 1
RARE_RATIO = 5
WRITTEN_FORM_SAMPLE = 20
# Every word of a query is checked for a typo when the query finds at most this many paragraphs.
SUGGEST_AT_MOST = 2
# Fields whose words a query's plain words are looked up in: those the search matches and ranks
# with (a word found only in titles or publications is not "unmatched").
_WORD_FIELDS = frozenset({"text", "text_exact", "actor", "place", "title", "publication"})
_TEXT_ANALYZER = text_analyzer()


def did_you_mean(postings: Postings, parsed: ParsedQuery, total: int) -> tuple[str | None, tuple[str, ...]]:
    """The corrected query (or None) and the query's words that matched nothing, as typed.

    ``total`` is how many paragraphs the query found: at most SUGGEST_AT_MOST, every word may
    be corrected; otherwise only the unmatched ones are.
    """
    unmatched = unmatched_words(postings, parsed)
    if total > SUGGEST_AT_MOST and not unmatched:
        return None, unmatched
    return suggest_query(postings, parsed, None if total <= SUGGEST_AT_MOST else unmatched), unmatched


def unmatched_words(postings: Postings, parsed: ParsedQuery) -> tuple[str, ...]:
    """The plain words of the query that no paragraph has, in query order, as typed.

    A word counts when the query searched it as a plain term (a prefix, a fuzzy word or a
    phrase is not a plain word, nor a stop word, which is not searched at all), and it is
    unmatched when none of its terms has postings in any field the query searched it in.
    """
    terms = [leaf for leaf in _term_leaves(parsed.ranking_query) if leaf.fieldname in _WORD_FIELDS]
    unmatched = []
    for word in dict.fromkeys(parsed.words):
        forms = {fold_word(word), *(token.text for token in _TEXT_ANALYZER(word))}
        leaves = [leaf for leaf in terms if _text(leaf) in forms]
        if leaves and not any(len(postings.get(leaf.fieldname, leaf.text)[0]) for leaf in leaves):
            unmatched.append(word)
    return tuple(unmatched)


def _term_leaves(query: wq.Query):
    # Plain terms only (FuzzyTerm, Prefix… are other classes), outside negations: a word the
    # query excludes is not a word the reader is looking for.
    if isinstance(query, wq.Not):
        return
    if isinstance(query, wq.AndNot):
        yield from _term_leaves(query.a)
        return
    if type(query) is wq.Term:
        yield query
        return
    if not query.is_leaf():
        for child in query.children():
            yield from _term_leaves(child)


def _text(leaf: wq.Term) -> str:
    return leaf.text.decode("utf-8") if isinstance(leaf.text, bytes) else str(leaf.text)


def correct_word(searcher: Searcher, word: str, postings: Postings | None = None) -> str | None:
    """The corpus word ``word`` most likely meant (folded, lowercase), or None to keep it.

    With ``postings`` (the search's own), counts are of the paragraphs a search can find: an
    index updated incrementally holds replaced paragraphs, marked deleted, whose words Whoosh's
    own counts and spelling still include.
    """
    key = fold_accents(word).lower()
    if key in STOPWORDS or len(key) < 3 or not key.isalpha():
        return None
    frequency = _doc_frequency(searcher, postings, key)
    if frequency > RARE_AT_MOST:
        return None
    candidates = [c for c in _spelling_candidates(searcher, postings, key) if c != key]
    ranked = sorted(((edit_distance(key, c), -_doc_frequency(searcher, postings, c), c)
                     for c in candidates))
    for distance, negative_frequency, candidate in ranked:
        if distance > MAX_EDITS:
            break
        if frequency == 0 or (distance == 1 and -negative_frequency >= RARE_RATIO * frequency):
            return candidate
        break
    return None


def _doc_frequency(searcher: Searcher, postings: Postings | None, word: str) -> int:
    if postings is None or postings.live is None:
        return searcher.reader().doc_frequency(FIELD, word)
    return len(postings.get(FIELD, word)[0])


def _spelling_candidates(searcher: Searcher, postings: Postings | None, key: str) -> list[str]:
    """Whoosh's ``searcher.suggest(FIELD, key, limit=10, maxdist=MAX_EDITS)``: the ten most
    used words within MAX_EDITS edits. On an index with deleted paragraphs, the same computed
    over the live ones (Whoosh's counts include the deleted)."""
    if postings is None or postings.live is None:
        return searcher.suggest(FIELD, key, limit=10, maxdist=MAX_EDITS)
    scored = []
    for word in searcher.reader().terms_within(FIELD, key, MAX_EDITS):
        ids, weights = postings.get(FIELD, word)
        if len(ids):  # Whoosh's ReaderCorrector score, from the live frequency
            scored.append((0 - (MAX_EDITS + 1.0 / (float(weights.sum()) or 1) * 0.5), word))
    return [word for _, word in sorted(heapq.nlargest(10, scored), key=lambda item: (-item[0], item[1]))]


def suggest_query(postings: Postings, parsed: ParsedQuery,
                  words: tuple[str, ...] | None = None) -> str | None:
    """The query text with its misspelt words corrected, when that finds more paragraphs.

    ``words`` are the words to correct (None: every word of the query). ``postings`` is the
    search's own: the query's matches are already counted there, and the corrected query
    reads the words they share from it.
    """
    searcher = postings.searcher
    text = parsed.text or " ".join(parsed.words)
    corrected = text
    for word in dict.fromkeys(parsed.words if words is None else words):
        better = correct_word(searcher, word, postings)
        if better is not None:
            written = written_form(searcher, better, postings=postings)
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


def written_form(searcher: Searcher, folded: str, sample: int = WRITTEN_FORM_SAMPLE,
                 postings: Postings | None = None) -> str:
    """How the corpus usually writes the index word ``folded`` ("guaido" → "Guaidó").

    Read from the first ``sample`` paragraphs that use it (in archive order when ``postings``
    knows it, else in index order): a word written in lower case anywhere is a common word and
    is shown in lower case, not as the capitalised form it takes at the start of sentences.
    """
    if (FIELD, folded) not in searcher.reader():
        return folded
    if postings is not None and postings.order is not None:
        # archive order, not document numbers: the same sample whatever wrote the index
        ids = postings.get(FIELD, folded)[0]
        docnums = ids[np.argsort(postings.order[ids], kind="stable")][:sample].tolist()
    else:
        docnums = islice(searcher.reader().postings(FIELD, folded).all_ids(), sample)
    forms: Counter = Counter()
    for docnum in docnums:
        for _, _, word in iter_words(searcher.stored_fields(docnum).get("text") or ""):
            if fold_accents(word).lower().replace(".", "") == folded:
                forms[word] += 1
    lower = Counter({form: n for form, n in forms.items() if form == form.lower()})
    return (lower or forms).most_common(1)[0][0] if forms else folded
