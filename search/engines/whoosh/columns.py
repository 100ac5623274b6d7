"""Facet columns: per index generation, each paragraph's facet values as numpy arrays.

Parts: ``FacetColumn`` (one facet: its values, and which documents carry each), ``FacetColumns``
(all facets of one generation, one column per facet of search/facets.py, plus the date and ordering columns), ``count_values`` (counts
over a boolean mask of matched documents).

Whoosh's own ``groupedby`` rebuilds its per-document value lists on every search (measured in
DEPENDENCIES.md: seconds at 100k paragraphs); these columns are built once when a generation is
opened, and a search then only does array operations over the matched document numbers.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.facets import FACETS
from search.records import FacetValue

COLUMNS_FILE = "columns.json"
_ARRAYS = ("date_start", "date_end", "date_sort", "newest_rank", "archive_rank")


@dataclass(slots=True)
class FacetColumn:
    """One facet: ``values`` (ordinal → value), ``types`` (ordinal → actor type or None), and the
    flat pairs (``doc_of_entry[i]`` carries ``value_of_entry[i]``) that counting runs over."""

    values: list
    types: list
    doc_of_entry: np.ndarray
    value_of_entry: np.ndarray
    ordinal: dict

    @classmethod
    def from_rows(cls, rows: Sequence[Iterable[tuple[object, str | None]]]) -> FacetColumn:
        """Build from ``rows[docnum]`` = the (value, type) pairs that document carries."""
        ordinal: dict = {}
        values: list = []
        types: list = []
        docs: list[int] = []
        ords: list[int] = []
        for docnum, pairs in enumerate(rows):
            for value, value_type in pairs:
                if value not in ordinal:
                    ordinal[value] = len(values)
                    values.append(value)
                    types.append(value_type)
                docs.append(docnum)
                ords.append(ordinal[value])
        return cls(values, types, np.asarray(docs, dtype=np.int64),
                   np.asarray(ords, dtype=np.int64), ordinal)

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
    first, ties in archive order; ``archive_rank`` is archive order (document, position).
    """

    doc_count: int
    columns: dict[str, FacetColumn]
    date_start: np.ndarray
    date_end: np.ndarray
    date_sort: np.ndarray
    newest_rank: np.ndarray
    archive_rank: np.ndarray

    @classmethod
    def from_stored(cls, stored: Sequence[dict]) -> FacetColumns:
        """Build from the stored fields of every document, ``stored[docnum]``."""
        columns = {facet.name: FacetColumn.from_rows([facet.source(row) for row in stored])
                   for facet in FACETS}
        spans = [date_span(row.get("date")) for row in stored]
        date_start = np.asarray([start for start, _ in spans], dtype=np.int64)
        date_end = np.asarray([end for _, end in spans], dtype=np.int64)
        date_sort = np.asarray([date_sort_key(row.get("date")) for row in stored], dtype=np.int64)
        archive_keys = [(row.get("doc_id") or "", row.get("position") or 0) for row in stored]
        archive_order = sorted(range(len(stored)), key=lambda n: archive_keys[n])
        archive_rank = np.empty(len(stored), dtype=np.int64)
        archive_rank[archive_order] = np.arange(len(stored))
        newest_order = sorted(range(len(stored)), key=lambda n: (-date_sort[n], archive_rank[n]))
        newest_rank = np.empty(len(stored), dtype=np.int64)
        newest_rank[newest_order] = np.arange(len(stored))
        return cls(len(stored), columns, date_start, date_end, date_sort, newest_rank, archive_rank)

    def save(self, folder: Path, paragraph_ids: Sequence[str]) -> None:
        """Write the columns (one ``.npy`` per array, values in ``columns.json``) to ``folder``.

        The build does this once, so that opening a generation memory-maps arrays instead of
        reading every document's stored fields (seconds at 100k paragraphs).
        """
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"doc_count": self.doc_count, "paragraph_ids": list(paragraph_ids), "columns": {}}
        for name, column in self.columns.items():
            meta["columns"][name] = {"values": column.values, "types": column.types}
            np.save(folder / f"{name}.docs.npy", column.doc_of_entry)
            np.save(folder / f"{name}.values.npy", column.value_of_entry)
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))
        (folder / COLUMNS_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> tuple[FacetColumns, list[str]]:
        """Read what ``save`` wrote (arrays memory-mapped, read-only); also the paragraph ids."""
        meta = json.loads((folder / COLUMNS_FILE).read_text(encoding="utf-8"))
        columns = {}
        for name, column in meta["columns"].items():
            values = column["values"]
            columns[name] = FacetColumn(values, column["types"],
                                        np.load(folder / f"{name}.docs.npy", mmap_mode="r"),
                                        np.load(folder / f"{name}.values.npy", mmap_mode="r"),
                                        {value: n for n, value in enumerate(values)})
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
        return cls(meta["doc_count"], columns, **arrays), meta["paragraph_ids"]

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
