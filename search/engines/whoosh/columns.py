"""Facet columns: each paragraph's facet values as numpy arrays, per segment and per generation.

Parts: ``SegmentColumns`` (one Whoosh segment's values: written once, when the segment is, and
reused by every later generation that keeps the segment), ``FacetColumn`` (one facet of a
generation: its values, and which documents carry each), ``FacetColumns`` (all facets of one
generation, one column per facet of search/facets.py, plus the date and ordering columns,
assembled from its segments' columns when it is opened), ``count_values`` (counts over a
boolean mask of matched documents).

Whoosh's own ``groupedby`` rebuilds its per-document value lists on every search (measured in
DEPENDENCIES.md: seconds at 100k paragraphs); these columns are built once, and a search then
only does array operations over the matched document numbers.

Nothing here depends on document numbers beyond addressing: values are listed in sorted order,
an actor's type is the one most of its paragraphs give it, and the orders (archive, newest) are
computed from each paragraph's doc id, position and date. Two generations holding the same
paragraphs under different numbers (a full build, an incremental one) answer alike.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.engines.whoosh.layout import COLUMNS_DIR, SEGMENT_FILE
from search.facets import FACETS
from search.records import ACTOR_TYPES, FacetValue

# Per entry, the index of its type in ACTOR_TYPES (-1: a facet without types). When paragraphs
# disagree, the type most of them give wins, ties to the first in ACTOR_TYPES.
_TYPE_CODES = {kind: n for n, kind in enumerate(ACTOR_TYPES)}
_SEGMENT_ARRAYS = ("position", "date_start", "date_end", "date_sort")
# The bulk of a paragraph's row (search/directory.py paragraph_row) that no column reads. The
# rest is kept whole, so a new facet's ``source`` (search/facets.py) finds any metadata field.
_TEXT_KEYS = frozenset({"text", "title", "mentions"})


@dataclass(slots=True)
class SegmentEntries:
    """One facet's values in one segment: ``values`` (local ordinal → value) and, per entry,
    the document (``docs``), the value's ordinal (``ordinals``) and its type code (``types``)."""

    values: list
    docs: np.ndarray
    ordinals: np.ndarray
    types: np.ndarray


@dataclass(slots=True)
class SegmentColumns:
    """One segment's columns: ``paragraph_ids``/``doc_ids``/``position`` and the date arrays
    per local document number, and each facet's entries."""

    doc_count: int
    paragraph_ids: list[str]
    doc_ids: list[str]
    position: np.ndarray
    date_start: np.ndarray
    date_end: np.ndarray
    date_sort: np.ndarray
    facets: dict[str, SegmentEntries]

    @classmethod
    def from_stored(cls, stored: Sequence[dict]) -> SegmentColumns:
        """Build from the stored fields of every document of a segment, ``stored[docnum]``."""
        facets = {}
        for facet in FACETS:
            ordinal: dict = {}
            docs, ords, types = [], [], []
            for docnum, row in enumerate(stored):
                for value, value_type in facet.source(row):
                    docs.append(docnum)
                    ords.append(ordinal.setdefault(value, len(ordinal)))
                    types.append(_TYPE_CODES.get(value_type, -1))
            facets[facet.name] = SegmentEntries(list(ordinal), np.asarray(docs, dtype=np.int64),
                                                np.asarray(ords, dtype=np.int64),
                                                np.asarray(types, dtype=np.int8))
        spans = [date_span(row.get("date")) for row in stored]
        return cls(len(stored), [row["id"] for row in stored], [row.get("doc_id") or "" for row in stored],
                   np.asarray([row.get("position") or 0 for row in stored], dtype=np.int64),
                   np.asarray([start for start, _ in spans], dtype=np.int64),
                   np.asarray([end for _, end in spans], dtype=np.int64),
                   np.asarray([date_sort_key(row.get("date")) for row in stored], dtype=np.int64),
                   facets)

    def take(self, docnums: np.ndarray) -> SegmentColumns:
        """The columns of ``docnums`` (in that order), numbered from 0: what a merge that copies
        those documents into a new segment gives them."""
        docnums = np.asarray(docnums, dtype=np.int64)
        new_number = np.full(self.doc_count, -1, dtype=np.int64)
        new_number[docnums] = np.arange(len(docnums))
        facets = {}
        for name, entries in self.facets.items():
            renumbered = new_number[entries.docs]
            keep = np.flatnonzero(renumbered >= 0)
            keep = keep[np.argsort(renumbered[keep], kind="stable")]
            facets[name] = SegmentEntries(entries.values, renumbered[keep], entries.ordinals[keep],
                                          entries.types[keep])
        picked = docnums.tolist()
        return SegmentColumns(len(picked), [self.paragraph_ids[n] for n in picked],
                              [self.doc_ids[n] for n in picked],
                              *(np.asarray(getattr(self, name))[docnums] for name in _SEGMENT_ARRAYS),
                              facets=facets)

    @classmethod
    def concat(cls, parts: Sequence[SegmentColumns]) -> SegmentColumns:
        """One segment's columns from parts laid end to end (each part's documents renumbered
        after the previous parts')."""
        offsets = np.cumsum([0] + [part.doc_count for part in parts])
        facets = {}
        for facet in FACETS:
            ordinal: dict = {}
            docs, ords, types = [], [], []
            for part, offset in zip(parts, offsets):
                entries = part.facets[facet.name]
                local = np.asarray([ordinal.setdefault(value, len(ordinal)) for value in entries.values],
                                   dtype=np.int64)
                docs.append(np.asarray(entries.docs) + offset)
                ords.append(local[np.asarray(entries.ordinals)] if len(local) else np.asarray(entries.ordinals))
                types.append(np.asarray(entries.types))
            facets[facet.name] = SegmentEntries(list(ordinal), _join(docs, np.int64),
                                                _join(ords, np.int64), _join(types, np.int8))
        return cls(int(offsets[-1]), [pid for part in parts for pid in part.paragraph_ids],
                   [doc for part in parts for doc in part.doc_ids],
                   *(_join([getattr(part, name) for part in parts], np.int64) for name in _SEGMENT_ARRAYS),
                   facets=facets)

    def save(self, folder: Path) -> None:
        """Write to ``folder`` (one ``.npy`` per array, values and ids in SEGMENT_FILE)."""
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"doc_count": self.doc_count, "paragraph_ids": self.paragraph_ids,
                "doc_ids": self.doc_ids, "facets": {}}
        for name, entries in self.facets.items():
            meta["facets"][name] = entries.values
            np.save(folder / f"{name}.docs.npy", entries.docs)
            np.save(folder / f"{name}.values.npy", entries.ordinals)
            np.save(folder / f"{name}.types.npy", entries.types)
        for name in _SEGMENT_ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))
        # last: a folder without it is incomplete (a build killed while writing it)
        (folder / SEGMENT_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> SegmentColumns:
        """Read what ``save`` wrote (in memory: a generation copies them into its own arrays)."""
        meta = json.loads((folder / SEGMENT_FILE).read_text(encoding="utf-8"))
        facets = {name: SegmentEntries(values, *(np.load(folder / f"{name}.{kind}.npy")
                                                 for kind in ("docs", "values", "types")))
                  for name, values in meta["facets"].items()}
        arrays = [np.load(folder / f"{name}.npy") for name in _SEGMENT_ARRAYS]
        return cls(meta["doc_count"], meta["paragraph_ids"], meta["doc_ids"], *arrays, facets=facets)


def segments_of(folder: Path, reader) -> list[tuple[SegmentColumns, list[int]]]:
    """The columns of each segment of the index in ``folder``, in the order of ``reader`` (a
    Whoosh reader of it), each with the segment's deleted document numbers (its own)."""
    return [(SegmentColumns.load(folder / COLUMNS_DIR / leaf.segment().segid),
             list(leaf.segment().deleted_docs()))
            for leaf, _ in reader.leaf_readers()]


def column_row(row: Mapping) -> dict:
    """What the columns need of a paragraph's row: all but its text (a build holds one per
    paragraph until its segments are written)."""
    return {key: value for key, value in row.items() if key not in _TEXT_KEYS}


def _join(arrays: list, dtype) -> np.ndarray:
    return np.concatenate([np.asarray(a) for a in arrays]).astype(dtype, copy=False) if arrays \
        else np.zeros(0, dtype=dtype)


@dataclass(slots=True)
class FacetColumn:
    """One facet: ``values`` (ordinal → value), ``types`` (ordinal → actor type or None), and the
    flat pairs (``doc_of_entry[i]`` carries ``value_of_entry[i]``) that counting runs over."""

    values: list
    types: list
    doc_of_entry: np.ndarray
    value_of_entry: np.ndarray
    ordinal: dict

    def mask_for(self, value: object, doc_count: int) -> np.ndarray:
        """Boolean mask of the documents that carry ``value`` (all False for an unknown value)."""
        mask = np.zeros(doc_count, dtype=bool)
        position = self.ordinal.get(value)
        if position is not None:
            mask[self.doc_of_entry[self.value_of_entry == position]] = True
        return mask

    def counts(self, doc_mask: np.ndarray) -> np.ndarray:
        """Number of masked documents carrying each value, indexed by ordinal."""
        chosen = self.value_of_entry[doc_mask[self.doc_of_entry]]
        return np.bincount(chosen, minlength=len(self.values))


@dataclass(slots=True)
class FacetColumns:
    """All facet columns of one generation, and the columns filters and sorting need.

    ``date_start``/``date_end`` are yyyymmdd integers spanning the date's precision (a paragraph
    dated 2019-05 spans 20190501–20190531); 0 when undated. ``date_sort`` orders dates as their
    ISO strings do (2019-05 before 2019-05-01: 20190500). ``newest_rank`` orders documents newest
    first, ties in archive order; ``archive_rank`` is archive order (doc id, position). Deleted
    documents (an incremental build's replaced paragraphs) carry no facet value and rank last.
    """

    doc_count: int
    columns: dict[str, FacetColumn]
    date_start: np.ndarray
    date_end: np.ndarray
    date_sort: np.ndarray
    newest_rank: np.ndarray
    archive_rank: np.ndarray

    @classmethod
    def assemble(cls, segments: Sequence[tuple[SegmentColumns, Iterable[int]]]) -> FacetColumns:
        """A generation's columns from its segments' (in the index's order), each with its
        deleted local document numbers."""
        offsets = np.cumsum([0] + [columns.doc_count for columns, _ in segments])
        doc_count = int(offsets[-1])
        deleted = np.zeros(doc_count, dtype=bool)
        for (_, gone), offset in zip(segments, offsets):
            gone = np.fromiter(gone, dtype=np.int64)
            deleted[gone + offset] = True
        columns = {facet.name: _assemble_facet([c.facets[facet.name] for c, _ in segments], offsets, deleted)
                   for facet in FACETS}
        arrays = {name: _join([getattr(c, name) for c, _ in segments], np.int64) for name in _SEGMENT_ARRAYS}
        # archive order: (doc id, position), deleted documents after every live one
        doc_ids = np.asarray([doc for c, _ in segments for doc in c.doc_ids], dtype=str)
        _, doc_rank = np.unique(doc_ids, return_inverse=True) if doc_count else (None, np.zeros(0, np.int64))
        archive_order = np.lexsort((arrays["position"], doc_rank, deleted))
        archive_rank = np.empty(doc_count, dtype=np.int64)
        archive_rank[archive_order] = np.arange(doc_count)
        newest_order = np.lexsort((archive_rank, -arrays["date_sort"], deleted))
        newest_rank = np.empty(doc_count, dtype=np.int64)
        newest_rank[newest_order] = np.arange(doc_count)
        return cls(doc_count, columns, arrays["date_start"], arrays["date_end"], arrays["date_sort"],
                   newest_rank, archive_rank)

    @classmethod
    def from_stored(cls, stored: Sequence[dict]) -> FacetColumns:
        """Build from the stored fields of every document, ``stored[docnum]`` (one segment)."""
        return cls.assemble([(SegmentColumns.from_stored(stored), ())])

    def mask_any(self, facet: str, values: Iterable[object]) -> np.ndarray:
        """Documents carrying at least one of ``values``."""
        mask = np.zeros(self.doc_count, dtype=bool)
        for value in values:
            mask |= self.columns[facet].mask_for(value, self.doc_count)
        return mask

    def mask_all(self, facet: str, values: Iterable[object]) -> np.ndarray:
        """Documents carrying every one of ``values``."""
        mask = np.ones(self.doc_count, dtype=bool)
        for value in values:
            mask &= self.columns[facet].mask_for(value, self.doc_count)
        return mask

    def mask_dates(self, date_from: int | None, date_to: int | None) -> np.ndarray:
        """Dated documents whose date span overlaps [date_from, date_to] (yyyymmdd, inclusive)."""
        mask = self.date_start > 0
        if date_from is not None:
            mask &= self.date_end >= date_from
        if date_to is not None:
            mask &= self.date_start <= date_to
        return mask


def _assemble_facet(parts: Sequence[SegmentEntries], offsets: np.ndarray, deleted: np.ndarray) -> FacetColumn:
    """One facet of a generation: the entries of live documents, values in sorted order."""
    docs, locals_, types, live_values = [], [], [], set()
    for entries, offset in zip(parts, offsets):
        global_docs = np.asarray(entries.docs) + offset
        live = ~deleted[global_docs]
        docs.append(global_docs[live])
        ordinals = np.asarray(entries.ordinals)[live]
        locals_.append(ordinals)
        types.append(np.asarray(entries.types)[live])
        live_values.update(entries.values[n] for n in np.unique(ordinals).tolist())
    values = sorted(live_values, key=lambda value: (type(value).__name__, value))
    ordinal = {value: n for n, value in enumerate(values)}
    value_of_entry = [np.asarray([ordinal.get(v, -1) for v in entries.values], dtype=np.int64)[local]
                      if len(local) else np.zeros(0, dtype=np.int64)
                      for entries, local in zip(parts, locals_)]
    value_of_entry = _join(value_of_entry, np.int64)
    type_codes = _join(types, np.int8)
    value_types: list = [None] * len(values)
    typed = type_codes >= 0
    if typed.any():
        counts = np.bincount(value_of_entry[typed] * len(ACTOR_TYPES) + type_codes[typed],
                             minlength=len(values) * len(ACTOR_TYPES)).reshape(len(values), len(ACTOR_TYPES))
        for n in np.flatnonzero(counts.sum(axis=1)).tolist():
            value_types[n] = ACTOR_TYPES[int(np.argmax(counts[n]))]  # ties: the first type
    return FacetColumn(values, value_types, _join(docs, np.int64), value_of_entry, ordinal)


def count_values(column: FacetColumn, doc_mask: np.ndarray, selected: Iterable[object] = (),
                 limit: int | None = None) -> list[FacetValue]:
    """Facet values with their counts over ``doc_mask``, most frequent first.

    Values with no match are left out, except selected ones: a selected value always appears
    so that a user can see and remove it.
    """
    counts = column.counts(doc_mask)
    selected = set(selected)
    order = sorted((int(-counts[i]), str(column.values[i]), i) for i in range(len(column.values))
                   if counts[i] > 0 or column.values[i] in selected)
    out = [FacetValue(column.values[i], int(counts[i]), column.values[i] in selected, column.types[i])
           for _, _, i in order]
    if limit is not None and len(out) > limit:
        out = out[:limit] + [value for value in out[limit:] if value.selected]
    known = set(column.ordinal)
    out += [FacetValue(value, 0, True) for value in selected if value not in known]
    return out


def date_sort_key(date: str | None) -> int:
    """yyyymmdd with unknown parts as 00, so dates sort as their ISO strings; 0 when undated."""
    if not date:
        return 0
    parts = [int(part) for part in date.split("-")] + [0, 0]
    return parts[0] * 10000 + parts[1] * 100 + parts[2]


def date_span(date: str | None) -> tuple[int, int]:
    """(first day, last day) of a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date, as yyyymmdd."""
    if not date:
        return 0, 0
    parts = [int(part) for part in date.split("-")]
    if len(parts) == 1:
        return parts[0] * 10000 + 101, parts[0] * 10000 + 1231
    if len(parts) == 2:
        return (parts[0] * 10000 + parts[1] * 100 + 1, parts[0] * 10000 + parts[1] * 100 + 31)
    value = parts[0] * 10000 + parts[1] * 100 + parts[2]
    return value, value
