"""Which documents a query matches, as a boolean numpy array over document numbers.

Parts: ``query_mask`` (query → mask), ``term_mask`` (one term's postings → mask).

Whoosh's ``docs_for_query`` merges the postings of an ``Or`` of many terms one document at a
time in Python: for a common word over four fields at 100k paragraphs that is most of a search.
Here each term's postings are read a block at a time into numpy, and ``Or``/``And``/``AndNot``
become ``|``/``&``/``& ~``; any other node (phrases, wildcards, ranges…) is matched by Whoosh
itself. The result is the set semantics of the query tree (tests/test_matching.py); on a
two-segment index Whoosh's own AndNot matcher was seen keeping a document that contains the
excluded word, which this does not.
"""
from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.searching import Searcher


def query_mask(searcher: Searcher, query: wq.Query, doc_count: int) -> np.ndarray:
    """Boolean array over document numbers: True where ``query`` matches."""
    kind = type(query)
    if kind is wq.Term:
        return term_mask(searcher, query, doc_count)
    children = list(query.children()) if kind in (wq.Or, wq.And, wq.AndNot) else []
    if kind is wq.Or and getattr(query, "minmatch", 0) in (0, 1, None) and children:
        mask = query_mask(searcher, children[0], doc_count)
        for child in children[1:]:
            mask |= query_mask(searcher, child, doc_count)
        return mask
    if kind is wq.And and children:
        mask = query_mask(searcher, children[0], doc_count)
        for child in children[1:]:
            if mask.any():
                mask &= query_mask(searcher, child, doc_count)
        return mask
    if kind is wq.AndNot:
        return query_mask(searcher, query.a, doc_count) & ~query_mask(searcher, query.b, doc_count)
    return _whoosh_mask(searcher, query, doc_count)


def term_mask(searcher: Searcher, term: wq.Term, doc_count: int) -> np.ndarray:
    """The documents whose ``term.fieldname`` holds ``term.text``, read block by block."""
    mask = np.zeros(doc_count, dtype=bool)
    if term.fieldname not in searcher.schema:
        return _whoosh_mask(searcher, term, doc_count)
    btext = searcher.schema[term.fieldname].to_bytes(term.text)
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if reader.has_deletions():
            return _whoosh_mask(searcher, term, doc_count)
        if (term.fieldname, btext) not in reader:
            continue
        matcher = reader.postings(term.fieldname, btext)
        if isinstance(matcher, W3LeafMatcher):
            # Whoosh 2.7.4's block reader (pinned): decode each block's ids at once.
            while True:
                matcher._read_ids()
                mask[np.asarray(matcher._ids, dtype=np.int64) + offset] = True
                if matcher._lastblock:
                    break
                matcher._next_block()
        else:  # inlined postings of a rare term
            mask[np.fromiter(matcher.all_ids(), dtype=np.int64) + offset] = True
    return mask


def _whoosh_mask(searcher: Searcher, query: wq.Query, doc_count: int) -> np.ndarray:
    mask = np.zeros(doc_count, dtype=bool)
    mask[np.fromiter(searcher.docs_for_query(query), dtype=np.int64)] = True
    return mask
