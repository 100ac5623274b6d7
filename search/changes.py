"""The pipeline's output for an engine: what changed in the seeds, ingested and with its actors.

Parts: ``ChangeSet`` (what an engine applies), ``BuildReport`` (what applying it did), ``plan_changes`` (seeds + what the index holds → ChangeSet),
``extract_corpus`` (actor extraction, on two processes for a large corpus).

Engine-independent: the embedded and the OpenSearch engine apply the same ChangeSet, so ids,
actors and facets are identical whichever engine holds them.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from search.actors import ActorExtractor
from search.directory import document_entry, summarise_actors
from search.ingest import ingest_seeds
from search.records import ActorMention, Document, SkippedFile
from search.seeds import SeedState, read_seeds

PARALLEL_FROM = 5000  # paragraphs: actor extraction runs on two processes from this size


@dataclass(slots=True)
class ChangeSet:
    """What an engine applies to reach ``seeds``.

    ``full``: rebuild from scratch; ``documents`` is then the whole corpus in archive order and
    ``mentions`` holds every paragraph's actors. ``directory`` is the documents' and actors'
    entries of the whole corpus after the change (search/directory.py), for the API's lists.
    ``added``/``changed``/``removed`` are doc ids, for the report.
    """

    seeds: SeedState
    full: bool
    documents: list[Document]
    mentions: dict[str, tuple[ActorMention, ...]]
    directory: dict
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # spent reading and extracting


@dataclass(slots=True)
class BuildReport:
    """What applying a ChangeSet did: counts, time, and the files skipped (with reasons)."""

    documents: int
    paragraphs: int
    actors: int
    seconds: float
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    location: str = ""  # where the index is (a folder, a cluster's index)

    def summary(self) -> str:
        return (f"{self.added} added, {self.changed} changed, {self.removed} removed, "
                f"{self.unchanged} unchanged documents; {self.paragraphs} paragraphs, "
                f"{self.actors} actors in {self.seconds:.2f} s")


def plan_changes(seeds_dir: Path, previous: SeedState | None = None, full: bool = False,
                 progress: Callable[..., None] | None = None) -> ChangeSet:
    """Read the seeds and extract their actors into the ChangeSet that brings an index built
    from ``previous`` up to date (a full rebuild when ``full`` or when there is no index).

    :raises CatalogError: a malformed catalog (before anything is written anywhere).
    """
    started = time.perf_counter()
    seeds = read_seeds(seeds_dir)
    ingested = ingest_seeds(seeds_dir)
    extractor = ActorExtractor.from_seeds(seeds_dir)
    # Whole corpus at once: one spelling per person across articles, acronyms joined to an
    # expansion seen in another article.
    mentions = extract_corpus(extractor, ingested.documents, progress)
    directory = {"documents": [document_entry(d) for d in ingested.documents],
                 "actors": summarise_actors(ingested.documents, mentions)}
    return ChangeSet(seeds=seeds, full=True, documents=ingested.documents, mentions=mentions,
                     directory=directory, added=[d.doc_id for d in ingested.documents],
                     skipped=list(ingested.skipped), notes=list(ingested.notes),
                     seconds=time.perf_counter() - started)


def extract_corpus(extractor: ActorExtractor, documents: list[Document],
                   progress: Callable[..., None] | None = None) -> dict[str, tuple[ActorMention, ...]]:
    """``extractor.extract_corpus(documents)``, with the per-document part on two processes
    for a large corpus (documents are extracted independently; only the final unification
    looks across them). It is half of a build's time at 100k paragraphs (bench/NOTES.md)."""
    total = sum(len(d.paragraphs) for d in documents)
    if total < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return extractor.extract_corpus(documents)
    global _POOL_JOB
    _POOL_JOB = (extractor, documents)  # inherited by the forked workers, not pickled
    mentions: dict[str, tuple[ActorMention, ...]] = {}
    done = 0
    try:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            for result in pool.imap(_extract_one, range(len(documents)), chunksize=16):
                mentions.update(result)
                done += len(result)
                if progress is not None:
                    progress(done, total, stage="actors")
    finally:
        _POOL_JOB = None
    return extractor.unify(mentions)


_POOL_JOB: tuple[ActorExtractor, list[Document]] | None = None


def _extract_one(n: int) -> dict[str, tuple[ActorMention, ...]]:
    extractor, documents = _POOL_JOB
    return extractor.extract_document(documents[n])
