"""Which documents a query matches, as a boolean numpy array over document numbers.

Parts: ``Postings`` (one search's reader of term postings as arrays: ids, weights, positions;
each term read once per search), ``query_mask`` (query → mask).

Whoosh's ``docs_for_query`` merges the postings of an ``Or`` of many terms one document at a
time in Python: for a common word over four fields at 100k paragraphs that is most of a search.
Here each term's postings are read a block at a time into numpy, and ``Or``/``And``/``AndNot``
become ``|``/``&``/``& ~``; any other node (phrases, wildcards, ranges…) is matched by Whoosh
itself. The result is the set semantics of the query tree (tests/test_matching.py); on a
two-segment index Whoosh's own AndNot matcher was seen keeping a document that contains the
excluded word, which this does not.

An incremental build marks replaced paragraphs deleted (indexer.py): postings are read with
their deleted documents left out (``deleted_docnums``), so every array path here, and the
statistics and expansions built on postings, see the live documents only, as a full build's
index would.
"""
from __future__ import annotations

from itertools import accumulate
from pickle import loads

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query.qcore import QueryError
from whoosh.searching import Searcher

_NO_POSTINGS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class Postings:
    """Term postings of one searcher as arrays, cached for the life of one search."""

    def __init__(self, searcher: Searcher, order: np.ndarray | None = None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.doc_count = searcher.doc_count_all()  # the arrays' length (deleted documents too)
        self.live_count = searcher.doc_count()     # the documents a search can find
        # each document's rank in archive order (columns.py), when the caller has it: what
        # "the first paragraphs that use a word" means, whatever the document numbers
        self.order = order
        deleted = deleted_docnums(self.reader)
        # None, or False for each deleted document: postings are filtered with it as they are
        # read, so no path below needs Whoosh's slower handling of deletions
        self.live = None
        if len(deleted):
            self.live = np.ones(self.doc_count, dtype=bool)
            self.live[deleted] = False
        self.has_deletions = False
        self._terms: dict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = {}
        self._masks: dict[wq.Query, np.ndarray] = {}
        self._expansions: dict[wq.Query, list[bytes]] = {}

    def get(self, fieldname: str, text: str | bytes) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of the documents whose ``fieldname`` holds ``text``."""
        btext = self._btext(fieldname, text)
        if btext is None:
            return _NO_POSTINGS
        key = (fieldname, btext)
        if key not in self._terms:
            self._terms[key] = self._read(fieldname, btext)
        return self._terms[key]

    def expand(self, query: wq.MultiTerm) -> list[bytes]:
        """The index words a prefix, wildcard, fuzzy word or range stands for, found once."""
        if query not in self._expansions:
            words = [word for word in query._btexts(self.reader) if word]
            if self.live is not None:  # words only deleted paragraphs had are not in the index
                words = [word for word in words if len(self.get(query.field(), word)[0])]
            self._expansions[query] = words
        return self._expansions[query]

    def mask(self, query: wq.Query) -> np.ndarray:
        """``query_mask`` of ``query``, computed once per search."""
        if query not in self._masks:
            mask = query_mask(self.searcher, query, self.doc_count, self)
            mask.flags.writeable = False  # shared by every caller in this search
            self._masks[query] = mask
        return self._masks[query]

    def positions(self, fieldname: str, text: str | bytes, docnums: np.ndarray) -> dict[int, list[int]]:
        """Positions of one term in each of ``docnums`` (sorted) that contains it.

        Blocks holding none of ``docnums`` are skipped unread; in the others only the wanted
        postings' positions are decoded.
        """
        btext = self._btext(fieldname, text)
        found: dict[int, list[int]] = {}
        if btext is None:
            return found
        for leaf, offset in self.searcher.leaf_searchers():
            reader = leaf.reader()
            local = docnums[(docnums >= offset) & (docnums < offset + reader.doc_count_all())] - offset
            if not len(local) or (fieldname, btext) not in reader:
                continue
            matcher = _unfiltered(reader.postings(fieldname, btext))  # ``docnums`` are live
            if not isinstance(matcher, W3LeafMatcher):  # inlined postings of a rare term
                while matcher.is_active():
                    found[matcher.id() + offset] = list(matcher.value_as("positions"))
                    matcher.next()
                continue
            start = 0
            while start < len(local):
                if matcher._maxid >= local[start]:
                    end = int(np.searchsorted(local, matcher._maxid, side="right"))
                    matcher._read_ids()
                    ids = np.asarray(matcher._ids, dtype=np.int64)
                    wanted = local[start:end]
                    at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
                    present = ids[at] == wanted
                    if present.any():
                        matcher._read_values()
                        values = matcher._values
                        for i, docnum in zip(at[present].tolist(), wanted[present].tolist()):
                            found[docnum + offset] = _decode_positions(values[i])
                    start = end
                if matcher._lastblock:
                    break
                matcher._next_block()
        return found

    def phrase_mask(self, phrase: wq.Phrase, within: np.ndarray | None = None,
                    skip: np.ndarray | None = None) -> np.ndarray:
        """Documents where the phrase's words occur in order, each at most ``phrase.slop``
        positions after the previous one (Whoosh's phrase semantics, with array candidates).

        ``within`` (sorted docnums) limits the documents looked at (ranking checks only its best
        candidates); documents where ``skip`` is True are not looked at (an OR that already
        matched them needs no second proof).
        """
        mask = np.zeros(self.doc_count, dtype=bool)
        field = self.searcher.schema[phrase.fieldname] if phrase.fieldname in self.searcher.schema else None
        if field is None or not phrase.words:
            return mask
        if not field.format or not field.format.supports("positions"):
            raise QueryError(f"Phrase search: {phrase.fieldname!r} field has no positions")
        candidates = within
        for word in phrase.words:
            ids = self.get(phrase.fieldname, word)[0]
            candidates = ids if candidates is None else np.intersect1d(candidates, ids, assume_unique=True)
            if not len(candidates):
                return mask
        if skip is not None:
            candidates = candidates[~skip[candidates]]
        positions = [self.positions(phrase.fieldname, word, candidates) for word in phrase.words]
        for docnum in candidates.tolist():
            reached = positions[0].get(docnum, ())
            for following in positions[1:]:
                later = following.get(docnum, ())
                reached = [q for q in later if any(1 <= q - p <= phrase.slop for p in reached)]
                if not reached:
                    break
            mask[docnum] = bool(reached)
        return mask

    def _btext(self, fieldname: str, text: str | bytes) -> bytes | None:
        if fieldname not in self.searcher.schema:
            return None
        return text if isinstance(text, bytes) else self.searcher.schema[fieldname].to_bytes(text)

    def _read(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for leaf, offset in self.searcher.leaf_searchers():
            reader = leaf.reader()
            if (fieldname, btext) not in reader:
                continue
            matcher = _unfiltered(reader.postings(fieldname, btext))
            if isinstance(matcher, W3LeafMatcher):
                # Whoosh 2.7.4's block reader (pinned): decode each block's ids and weights at once.
                while True:
                    matcher._read_ids()
                    matcher._read_weights()
                    ids.append(np.asarray(matcher._ids, dtype=np.int64) + offset)
                    weights.append(np.asarray(matcher._weights, dtype=np.float64))
                    if matcher._lastblock:
                        break
                    matcher._next_block()
            else:  # inlined postings of a rare term
                block_ids, block_weights = [], []
                while matcher.is_active():
                    block_ids.append(matcher.id())
                    block_weights.append(matcher.weight())
                    matcher.next()
                ids.append(np.asarray(block_ids, dtype=np.int64) + offset)
                weights.append(np.asarray(block_weights, dtype=np.float64))
        if not ids:
            return _NO_POSTINGS
        ids, weights = np.concatenate(ids), np.concatenate(weights)
        if self.live is not None:
            keep = self.live[ids]
            ids, weights = ids[keep], weights[keep]
        return ids, weights


def _unfiltered(matcher):
    # Whoosh wraps a segment's postings in a FilterMatcher when it has deletions, which reads
    # one posting at a time; the block reader underneath is read instead, and the deleted
    # documents dropped from the arrays (Postings._read).
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def deleted_docnums(reader) -> np.ndarray:
    """The document numbers of ``reader``'s deleted documents (sorted; empty when none)."""
    if not reader.has_deletions():
        return np.zeros(0, dtype=np.int64)
    found = [np.fromiter(leaf.segment().deleted_docs(), dtype=np.int64) + offset
             for leaf, offset in reader.leaf_readers() if leaf.has_deletions()]
    return np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


def _decode_positions(value: bytes) -> list[int]:
    # Whoosh's Positions format: a 4-byte count, then the position deltas pickled (protocol 2)
    # without the pickle's final "." (formats.Positions.decode_positions, minus its per-call
    # overhead: this runs once per candidate document and word of a phrase).
    return list(accumulate(loads(value[4:] if value[-1:] == b"." else value[4:] + b".")))


def query_mask(searcher: Searcher, query: wq.Query, doc_count: int,
               postings: Postings | None = None) -> np.ndarray:
    """Boolean array over document numbers: True where ``query`` matches."""
    postings = postings or Postings(searcher)
    kind = type(query)
    if kind is wq.Every:
        return np.ones(doc_count, dtype=bool) if postings.live is None else postings.live.copy()
    if kind is wq.Not and not postings.has_deletions:
        # "-Maduro", "x OR NOT y": the complement (Whoosh's Not walks every document in Python)
        mask = ~query_mask(searcher, query.query, doc_count, postings)
        return mask if postings.live is None else mask & postings.live
    if kind is wq.Term and not postings.has_deletions:
        mask = np.zeros(doc_count, dtype=bool)
        mask[postings.get(query.fieldname, query.text)[0]] = True
        return mask
    children = list(query.children()) if kind in (wq.Or, wq.And, wq.AndNot) else []
    if kind is wq.Or and getattr(query, "minmatch", 0) in (0, 1, None) and children:
        mask = query_mask(searcher, children[0], doc_count, postings)
        for child in children[1:]:
            if type(child) is wq.Phrase and not postings.has_deletions:
                mask |= postings.phrase_mask(child, skip=mask)  # positions are the costly part
            else:
                mask |= query_mask(searcher, child, doc_count, postings)
        return mask
    if kind is wq.And and children:
        mask = query_mask(searcher, children[0], doc_count, postings)
        for child in children[1:]:
            if mask.any():
                mask &= query_mask(searcher, child, doc_count, postings)
        return mask
    if kind is wq.AndNot:
        return (query_mask(searcher, query.a, doc_count, postings)
                & ~query_mask(searcher, query.b, doc_count, postings))
    if kind is wq.Phrase and not postings.has_deletions:
        return postings.phrase_mask(query)
    if isinstance(query, (wq.NumericRange, wq.ConstantScoreQuery)):
        # a year range is a range of the numbers' index words (Whoosh's own rewriting)
        inner = query.child if isinstance(query, wq.ConstantScoreQuery) else query.simplify(postings.reader)
        return query_mask(searcher, inner, doc_count, postings)
    if isinstance(query, wq.MultiTerm) and not postings.has_deletions:
        # prefixes, wildcards, fuzzy words, ranges: the OR of the words they stand for (Whoosh
        # merges their postings one document at a time: 0.9 s for "oil~" at 100k paragraphs)
        mask = np.zeros(doc_count, dtype=bool)
        for word in postings.expand(query):
            mask[postings.get(query.field(), word)[0]] = True
        return mask
    return _whoosh_mask(searcher, query, doc_count)


def _whoosh_mask(searcher: Searcher, query: wq.Query, doc_count: int) -> np.ndarray:
    mask = np.zeros(doc_count, dtype=bool)
    if query is wq.NullQuery or type(query).__name__ == "_NullQuery":
        return mask
    mask[np.fromiter(searcher.docs_for_query(query), dtype=np.int64)] = True
    return mask
