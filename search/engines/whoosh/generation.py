"""An open index generation: the Whoosh index and everything derived from it once.

Parts: ``Generation`` (index, directory, facet columns, docnum ↔ paragraph id, ranking
statistics), ``open_current``, ``IndexMissing``.

Everything here is per generation, never per request: a server opens a Generation once and
reuses it until ``current`` points somewhere else. A generation written incrementally holds
the paragraphs it replaced, marked deleted until a merge drops them: document numbers of
deleted paragraphs are in no facet column, no postings array (matching.py) and no lookup here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index

from search.directory import paragraph_entry
from search.engine import EngineUnavailable
from search.engines.whoosh.columns import FacetColumns, segments_of
from search.engines.whoosh.layout import BUILD_FILE, DIRECTORY_FILE, current_generation, version_mismatch
from search.engines.whoosh.bm25f import CorpusStats
from search.engines.whoosh.matching import deleted_docnums
from search.text import fold_accents


class IndexMissing(EngineUnavailable):
    """There is no usable index in the index folder."""


@dataclass(slots=True)
class Generation:
    """One built index generation, opened for searching."""

    path: Path
    index: Index
    build: dict
    documents: dict[str, dict]       # doc_id → document entry (see directory.document_entry)
    actors: dict[str, dict]          # canonical name → actor summary
    columns: FacetColumns
    paragraph_ids: list[str]         # docnum → paragraph id (a deleted docnum keeps its old id)
    docnum_of: dict[str, int]        # paragraph id → docnum of its live paragraph
    stats: CorpusStats               # field lengths and kind factors, for ranking

    @classmethod
    def open(cls, path: Path) -> Generation:
        """Open the generation folder ``path`` and load its derived structures.

        Whoosh raises whatever its parts raise on damaged files (UnpicklingError, EOFError,
        struct.error; FileNotFoundError for a missing segment only once a reader opens), so one
        reader is opened here and any failure becomes IndexMissing: a damaged index is a 503
        with a hint in the web app and a message in the CLI, never a traceback later.
        """
        try:
            build = json.loads((path / BUILD_FILE).read_text(encoding="utf-8"))
        except Exception as error:  # noqa: BLE001 - whatever broke, the answer is: rebuild
            raise _unreadable(path, error) from error
        mismatch = version_mismatch(build)
        if mismatch:
            # its files have other fields and another directory format: reading them would
            # fail later, in the middle of a request
            raise IndexMissing(f"{mismatch} ({path}); rebuild it with `hemeroteca index`")
        try:
            # Without mmap: Whoosh 2.7.4 reads a memory-mapped segment through BytesIO, which
            # copies each of its files whole every time a searcher opens it (70 ms and a
            # segment's size in memory per request at 100k paragraphs); plain file reads copy
            # only the blocks a search reads.
            ix = FileStorage(str(path), supports_mmap=False).open_index()
            with ix.searcher() as searcher:
                stats = CorpusStats.from_searcher(searcher, build["corpus"]["field_lengths"])
                # each segment's columns (written with the segment), with its deleted documents
                segments = segments_of(path, searcher.reader())
                deleted = deleted_docnums(searcher.reader())
            directory = json.loads((path / DIRECTORY_FILE).read_text(encoding="utf-8"))
            columns = FacetColumns.assemble(segments)
            if columns.doc_count != stats.doc_count:
                raise ValueError(f"facet columns for {columns.doc_count} documents, "
                                 f"the index has {stats.doc_count}")
        except Exception as error:  # noqa: BLE001 - whatever broke, the answer is: rebuild
            raise _unreadable(path, error) from error
        paragraph_ids = [pid for segment, _ in segments for pid in segment.paragraph_ids]
        dead = set(deleted.tolist())
        docnum_of = {pid: n for n, pid in enumerate(paragraph_ids) if n not in dead}
        return cls(path=path, index=ix, build=build,
                   documents={d["id"]: d for d in directory["documents"]},
                   actors={a["name"]: a for a in directory["actors"]},
                   columns=columns,
                   paragraph_ids=paragraph_ids,
                   docnum_of=docnum_of,
                   stats=stats)

    def live_paragraph_ids(self) -> list[str | None]:
        """docnum → paragraph id, None for a deleted docnum: its id names the live paragraph
        that replaced it, whose vector (hybrid search) it must not get."""
        return [pid if self.docnum_of.get(pid) == n else None
                for n, pid in enumerate(self.paragraph_ids)]

    def paragraphs(self, doc_id: str) -> list[dict]:
        """The paragraphs of document ``doc_id`` in order, as the API shows them."""
        document = self.documents.get(doc_id)
        if document is None:
            return []
        docnums = [self.docnum_of[f"{doc_id}-p{position}"]
                   for position in range(1, document["paragraph_count"] + 1)]
        with self.index.searcher() as searcher:
            return [paragraph_entry(searcher.stored_fields(docnum)) for docnum in docnums]

    def find_actor(self, name: str) -> dict | None:
        """The actor called ``name``, matched exactly or ignoring accents and case."""
        if name in self.actors:
            return self.actors[name]
        key = fold_accents(name).casefold()
        for actor_name, actor in self.actors.items():
            if fold_accents(actor_name).casefold() == key:
                return actor
        return None

    def close(self) -> None:
        self.index.close()


def _unreadable(path: Path, error: Exception) -> IndexMissing:
    return IndexMissing(f"the index in {path} cannot be read ({type(error).__name__}: {error}); "
                        "rebuild it with `hemeroteca index`")


def open_current(index_dir: Path) -> Generation:
    """Open the generation ``index_dir/current`` points at, or raise IndexMissing."""
    path = current_generation(index_dir)
    if path is None:
        raise IndexMissing(f"no index in {index_dir}; build one with `hemeroteca index`")
    return Generation.open(path)
