"""Build an index generation from the seeds and switch ``current`` to it atomically.

Parts: ``build_index`` (ingest → actors → Whoosh documents + directory → swap),
``BuildReport``, ``IndexBusy``, ``build_lock``. The folder's layout is layout.py.
"""
from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index

from search.actors.extractor import ActorExtractor
from search.config import Settings
from search.directory import document_entry, paragraph_names, summarise_actors
from search.engines.whoosh.columns import FacetColumns
from search.ingest.articles import ingest_seeds
from search.engines.whoosh.layout import (BUILD_FILE, COLUMNS_DIR, CURRENT, DIRECTORY_FILE, LOCK_FILE, current_generation,
                     seeds_fingerprint)
from search.records import ActorMention, Document, SkippedFile
from search.engines.whoosh.schema import SCHEMA_VERSION, build_schema

PARALLEL_FROM = 5000  # paragraphs: a build this big writes with two processes


class IndexBusy(RuntimeError):
    """Another build holds the lock on this index folder."""


@dataclass(slots=True)
class BuildReport:
    """What a build did: counts, time, and the files it skipped (with reasons)."""

    generation: Path
    documents: int
    paragraphs: int
    actors: int
    seconds: float
    skipped: list[SkippedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def build_index(settings: Settings,
                progress: Callable[..., None] | None = None) -> BuildReport:
    """Ingest the seeds, extract actors, write a new generation and make it current.

    ``progress(done, total, stage=…)`` is called as paragraphs go through a stage ("actors"
    on large corpora, then "indexing").

    A malformed catalog raises before the index folder is touched; unreadable files are
    reported in ``BuildReport.skipped`` and the rest is indexed.
    """
    started = time.perf_counter()
    ingested = ingest_seeds(settings.seeds_dir)
    extractor = ActorExtractor.from_seeds(settings.seeds_dir)
    # Whole corpus at once: one spelling per person across articles, acronyms joined to an
    # expansion seen in another article.
    mentions: dict[str, tuple[ActorMention, ...]] = extract_corpus(extractor, ingested.documents,
                                                                   progress)
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(settings.index_dir):
        generation = _new_generation_path(settings.index_dir)
        building = generation.with_name("." + generation.name + ".building")
        building.mkdir()
        try:
            _write_whoosh(building, ingested.documents, mentions, progress)
            directory = {
                "documents": [document_entry(d) for d in ingested.documents],
                "actors": summarise_actors(ingested.documents, mentions),
            }
            _write_json(building / DIRECTORY_FILE, directory)
            _write_json(building / BUILD_FILE, {
                "schema_version": SCHEMA_VERSION,
                "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "seeds_dir": str(settings.seeds_dir),
                "seeds": seeds_fingerprint(settings.seeds_dir),
                "skipped": [[s.file, s.reason] for s in ingested.skipped],
            })
            os.rename(building, generation)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        previous = current_generation(settings.index_dir)
        _switch_current(settings.index_dir, generation)
        _remove_old_generations(settings.index_dir, keep={generation, previous})
    paragraphs = sum(len(d.paragraphs) for d in ingested.documents)
    return BuildReport(generation, len(ingested.documents), paragraphs, len(directory["actors"]),
                       time.perf_counter() - started, list(ingested.skipped), list(ingested.notes))


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


def _write_whoosh(folder: Path, documents: list[Document],
                  mentions: dict[str, tuple[ActorMention, ...]],
                  progress: Callable[..., None] | None) -> None:
    total = sum(len(d.paragraphs) for d in documents)
    done = 0
    rows: dict[str, dict] = {}  # paragraph id → the stored fields the facet columns need
    ix = whoosh_index.create_in(str(folder), build_schema())
    # DEPENDENCIES.md: two writer processes, each writing its own segment, nearly halve the
    # build (without multisegment the final merge makes it slower than one process). For a
    # small corpus, starting the second process costs more than it saves.
    parallel = ({"procs": 2, "multisegment": True}
                if total >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 else {})
    # The context manager commits on success and cancels on error: all or nothing.
    with ix.writer(limitmb=256, **parallel) as writer:
        for document in documents:
            for paragraph in document.paragraphs:
                found = mentions.get(paragraph.id, ())
                actors, places = paragraph_names(found)
                row = {"id": paragraph.id, "doc_id": document.doc_id, "position": paragraph.position,
                       "kind": paragraph.kind, "publication": document.publication or "",
                       "date": document.date or "", "year": document.year,
                       "actors": [[a["name"], a["type"]] for a in actors], "places": places}
                rows[paragraph.id] = row
                writer.add_document(
                    **row, section=paragraph.section, title=document.title or "",
                    text=paragraph.text, text_exact=paragraph.text,
                    actor=" | ".join(a["name"] for a in actors), place=" | ".join(places),
                    mentions=[[m.start, m.end, m.name, m.type] for m in found])
                done += 1
                if progress is not None:
                    progress(done, total)
    # Document numbers follow the order the writer processes took their batches in, not the
    # order of insertion: read the ids back, then save the facet columns in docnum order.
    with ix.reader() as reader:
        ids = [fields["id"] for _, fields in sorted(reader.iter_docs(), key=lambda item: item[0])]
    FacetColumns.from_stored([rows[pid] for pid in ids]).save(folder / COLUMNS_DIR, ids)
    ix.close()


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _new_generation_path(index_dir: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    return index_dir / f"gen-{stamp}-{os.getpid()}"


def _switch_current(index_dir: Path, generation: Path) -> None:
    # A relative link keeps the index folder movable; os.replace makes the swap atomic.
    temporary = index_dir / f".{CURRENT}.{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(generation.name, temporary)
    os.replace(temporary, index_dir / CURRENT)


def _remove_old_generations(index_dir: Path, keep: set[Path | None]) -> None:
    # The previous generation is kept: a request that started on it may still open a searcher
    # there. Older ones go (searchers already open keep working after their files are deleted).
    for path in index_dir.iterdir():
        if path.name.startswith("gen-") and path not in keep:
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(".gen-") and path.name.endswith(".building"):
            shutil.rmtree(path, ignore_errors=True)  # left by a build that was killed
        elif path.name.startswith(f".{CURRENT}.") and path.is_symlink():
            path.unlink()  # a killed build's link that never replaced `current` (we hold the lock)


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's build lock, or raise IndexBusy at once."""
    with open(index_dir / LOCK_FILE, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"another `hemeroteca index` is building {index_dir}; "
                            "wait for it to finish and try again") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
