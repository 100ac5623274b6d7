"""The embedded engine: Whoosh generations in the index folder, behind the engine seam.

Parts: ``WhooshEngine`` (search/engine.py's protocol). It keeps the open Generation and reopens
it when ``index/current`` points elsewhere: one readlink per call lets a running server pick up
a rebuilt index without a restart, while requests already under way keep the generation they
started with. ``watch`` opens a new generation in a thread as soon as ``current`` moves.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from typing import TYPE_CHECKING

from search.config import Settings
from search.engine import Export, Progress
from search.engines.whoosh.generation import Generation, open_current
from search.engines.whoosh.highlight import highlight, matched_terms
from search.engines.whoosh.layout import CURRENT, read_seed_state, stale_reason
from search.engines.whoosh.query import build_query
from search.engines.whoosh.searcher import export_hits, run_search
from search.request import BadParameter, SearchRequest
from search.results import SearchResult
from search.seeds import SeedState
from search.semantic.meaning import (NEEDS_EXTRA, Meaning, MeaningUnavailable, open_meaning,
                                     unavailable_reason)
from search.semantic.model import missing_reason
from search.semantic.store import VectorSet

if TYPE_CHECKING:  # the build's pipeline (NLTK) is imported only by a process that builds
    from search.changes import BuildReport, ChangeSet


class WhooshEngine:
    """The index in ``settings.index_dir``, one generation at a time."""

    name = "whoosh"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.index_dir = Path(settings.index_dir)
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        # the current generation's vectors (or None) and, once hybrid was asked, its Meaning
        self._vectors: tuple[Path, VectorSet | None] | None = None
        self._meaning: tuple[Path, Meaning] | None = None

    # ------------------------------------------------------------------ the open generation
    def generation(self) -> Generation:
        """The generation ``current`` points at, opened once; raises IndexMissing."""
        target = Path(os.path.realpath(self.index_dir / CURRENT))
        generation = self._generation
        if generation is not None and generation.path == target:
            return generation
        with self._lock:
            if self._generation is None or self._generation.path != target:
                self._generation = open_current(self.index_dir)
            return self._generation

    def watch(self, interval: float = 1.0) -> threading.Thread:
        """Open each new generation in a daemon thread, every ``interval`` seconds: after a start
        or a rebuild the generation is open before a request needs it (the request would
        otherwise pay for the opening). A request arriving during the opening waits for it."""
        def loop() -> None:
            while True:
                try:
                    self.generation()
                except Exception:  # noqa: BLE001 - no index yet, or half-deleted: a request says so
                    pass
                time.sleep(interval)
        thread = threading.Thread(target=loop, name="hemeroteca-index-preload", daemon=True)
        thread.start()
        return thread

    # ------------------------------------------------------------------ searching
    def search(self, request: SearchRequest) -> SearchResult:
        if request.mode == "hybrid":
            generation = self._hybrid_generation()
            try:
                return run_search(generation, request, self.meaning(generation))
            except MeaningUnavailable as error:  # the model's files are not the pinned ones
                raise BadParameter("mode", str(error)) from None
        return run_search(self.generation(), request)

    def export(self, request: SearchRequest, limit: int | None = None) -> Export:
        if request.mode == "hybrid":
            # checked here, not while the export streams: a 400 must come before the first row
            generation = self._hybrid_generation()
            return export_hits(generation, request, limit, self.meaning(generation))
        return export_hits(self.generation(), request, limit)

    # ------------------------------------------------------------------ meaning (semantic extra)
    def hybrid_unavailable(self) -> str | None:
        """Why ``mode=hybrid`` cannot be answered (no extra, no vectors), or None. Cheap."""
        try:
            return unavailable_reason(self._vector_set(self.generation()))
        except MeaningUnavailable as error:
            return str(error)

    def _hybrid_generation(self) -> Generation:
        # Without the extra the answer is a 400 whatever the index: say so before opening it.
        if missing_reason() is not None:
            raise BadParameter("mode", NEEDS_EXTRA)
        return self.generation()

    def meaning(self, generation: Generation) -> Meaning:
        """``generation``'s vectors for hybrid search, opened once per generation.

        :raises BadParameter: the index has no vectors, or vectors of another model (the
            message says to rebuild).
        """
        cached = self._meaning
        if cached is not None and cached[0] == generation.path:
            return cached[1]
        try:
            meaning = open_meaning(self._vector_set(generation), generation.live_paragraph_ids())
        except MeaningUnavailable as error:
            raise BadParameter("mode", str(error)) from None
        self._meaning = (generation.path, meaning)
        return meaning

    def _vector_set(self, generation: Generation) -> VectorSet | None:
        cached = self._vectors
        if cached is None or cached[0] != generation.path:
            try:
                vectors = VectorSet.load(generation.path)
            except (OSError, ValueError) as error:  # damaged: searching by words still works
                raise MeaningUnavailable(f"the index's vectors cannot be read ({error}): "
                                         "rebuild the index (hemeroteca index --full)") from None
            cached = self._vectors = (generation.path, vectors)
        return cached[1]

    # ------------------------------------------------------------------ documents and actors
    def documents(self) -> list[dict]:
        return list(self.generation().documents.values())

    def document(self, doc_id: str, q: str = "") -> dict | None:
        generation = self.generation()
        entry = generation.documents.get(doc_id)
        if entry is None:
            return None
        paragraphs = generation.paragraphs(doc_id)
        if q.strip():
            with generation.index.searcher() as searcher:
                terms = matched_terms(build_query(q).query, searcher.reader())
            paragraphs = [{**p, "highlight": highlight(p["text"], terms)} for p in paragraphs]
        return {**entry, "paragraphs": paragraphs}

    def actors(self) -> list[dict]:
        return list(self.generation().actors.values())

    def actor(self, name: str) -> dict | None:
        return self.generation().find_actor(name)

    def facet_values(self, facet: str) -> list[object]:
        return list(self.generation().columns.columns[facet].values)

    # ------------------------------------------------------------------ indexing
    def seed_state(self) -> SeedState | None:
        return read_seed_state(self.index_dir)

    def stale_reason(self, seeds: SeedState) -> str | None:
        return stale_reason(self.index_dir, seeds)

    def apply(self, changes: ChangeSet, progress: Progress | None = None) -> BuildReport:
        # Imported here: a searching process never needs the writer.
        from search.engines.whoosh.indexer import write_generation
        return write_generation(self.index_dir, changes, progress)

    def close(self) -> None:
        with self._lock:
            if self._generation is not None:
                self._generation.close()
                self._generation = None
