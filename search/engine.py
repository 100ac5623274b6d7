"""The engine seam: everything the web app, the CLI, the exports and the evaluation ask of an
index, whichever engine holds it. Nothing outside search/engines/ knows which engine answers.

Parts: ``EngineUnavailable``, ``IndexBusy`` and ``IndexNeedsRebuild`` (the errors every engine
raises), ``Export`` (a
streamed result set), ``Engine`` (the protocol), ``open_engine`` (settings → the engine),
``seeds_stale`` (must the index be updated to hold the seeds folder?).

An engine indexes what the one pipeline produced (search/changes.py: ingest → actors →
``ChangeSet``), so ids, actors and facets are the same whichever engine holds them. Queries are
parsed once (search/querylang/) and compiled by each engine. The JSON shapes are written once
(search/results.py, search/directory.py).

Engines: ``whoosh`` (embedded, search/engines/whoosh/, the default) and ``opensearch``
(search/engines/opensearch/, for archives that outgrow one machine).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from search.seeds import read_seeds

if TYPE_CHECKING:
    from pathlib import Path

    from search.changes import BuildReport, ChangeSet, SeedState
    from search.config import Settings
    from search.request import SearchRequest
    from search.results import Hit, SearchResult

Progress = Callable[..., None]  # progress(done, total, stage="…")


class EngineUnavailable(RuntimeError):
    """No usable index: none built yet, damaged, built by another version, or a cluster that
    does not answer. The message says what to do (a 503 ``unavailable`` in the web app)."""


class IndexBusy(RuntimeError):
    """Another build is writing this index; the message says to wait."""


class IndexNeedsRebuild(EngineUnavailable):
    """The index cannot take an incremental change (its files are damaged): apply a full one
    (``plan_changes(..., full=True)``). Raised by ``Engine.apply`` before it changes anything."""


@dataclass(slots=True)
class Export:
    """A whole result set, streamed: ``total`` matching paragraphs, ``hits`` in the request's
    order (at most ``limit`` of them when the export was given one)."""

    total: int
    hits: Iterator[Hit]
    limit: int | None = None

    @property
    def truncated(self) -> bool:
        return self.limit is not None and self.total > self.limit


class Engine(Protocol):
    """What an index answers. Every method may raise EngineUnavailable.

    Document and actor entries are dicts in the API's shapes (search/directory.py):
    a document ``{id, title, publication, date, year, author, source_url, file,
    paragraph_count}``; a paragraph ``{id, position, anchor, kind, section, text, actors,
    places}``; an actor ``{name, type, aliases, paragraphs, documents, years, co_actors}``.
    """

    name: str

    def search(self, request: SearchRequest) -> SearchResult:
        """The page of hits, the total, the facets, suggestion, notice and interpretation.

        :raises BadParameter: a parameter the index cannot answer (an unknown ``like`` id,
            ``mode=hybrid`` without the semantic extra).
        """

    def hybrid_unavailable(self) -> str | None:
        """Why ``mode=hybrid`` cannot be answered here (the semantic extra is not installed, or
        the index was built without vectors), or None. Cheap: pages ask it to offer the mode."""

    def export(self, request: SearchRequest, limit: int | None = None) -> Export:
        """Every matching paragraph in the request's order, streamed (page and per_page ignored)."""

    def documents(self) -> list[dict]:
        """Every document's entry, in archive order."""

    def document(self, doc_id: str, q: str = "") -> dict | None:
        """One document's entry plus ``paragraphs`` in order; with ``q``, each paragraph also has
        ``highlight`` (escaped HTML, the words ``q`` matches in ``<mark>``). None if unknown."""

    def actors(self) -> list[dict]:
        """Every actor's entry, most named first."""

    def actor(self, name: str) -> dict | None:
        """The actor called ``name``, matched exactly or ignoring accents and case."""

    def facet_values(self, facet: str) -> list[object]:
        """Every value of ``facet`` in the index (publications, years…), for reading queries."""

    def stale_reason(self, seeds: SeedState) -> str | None:
        """Why the index must be updated to hold ``seeds``, or None when it is up to date."""

    def seed_state(self) -> SeedState | None:
        """What the current index was built from (None: there is no index yet)."""

    def apply(self, changes: ChangeSet, progress: Progress | None = None) -> BuildReport:
        """Index ``changes`` (a full rebuild or added/changed/removed documents), all or nothing:
        readers see the old index until the new one is complete.

        :raises IndexBusy: another build is writing, or an incremental change was planned
            against something else than what the index holds.
        :raises IndexNeedsRebuild: an incremental change the index cannot take (damaged).
        """

    def close(self) -> None:
        """Release what the engine holds open."""


def open_engine(settings: Settings) -> Engine:
    """The engine ``settings.engine`` names, configured from ``settings`` (opens nothing yet)."""
    from search.engines import engine_class
    return engine_class(settings.engine)(settings)


def seeds_stale(engine: Engine, seeds_dir: Path) -> str | None:
    """Why ``engine``'s index must be updated to hold the files of ``seeds_dir``, or None.

    Files that have not moved since the index read them (size, time, inode; search/seeds.py)
    are not hashed again: a server's start and each change ``--watch`` sees would otherwise
    read the whole archive.
    """
    return engine.stale_reason(read_seeds(seeds_dir, known=engine.seed_state()))
