"""Write an index generation from a ChangeSet and switch ``current`` to it atomically.

Parts: ``build_index`` (seeds → search/changes.py's ChangeSet → ``write_generation``),
``write_generation`` (Whoosh documents + directory + facet columns → swap), ``build_lock``.
The folder's layout is layout.py.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index

from search.changes import BuildReport, ChangeSet, plan_changes
from search.config import Settings
from search.directory import paragraph_row
from search.engine import IndexBusy
from search.engines.whoosh.columns import FacetColumns
from search.engines.whoosh.layout import (BUILD_FILE, COLUMNS_DIR, CURRENT, DIRECTORY_FILE, LOCK_FILE,
                                          current_generation, read_seed_state)
from search.engines.whoosh.schema import SCHEMA_VERSION, build_schema
from search.records import ActorMention, Document
from search.semantic.model import missing_reason as semantic_missing

PARALLEL_FROM = 5000  # paragraphs: a build this big writes with two processes
# What the facet columns read of a paragraph's row (FacetColumns.from_stored).
COLUMN_KEYS = ("id", "doc_id", "position", "kind", "publication", "date", "year", "actors", "places")


def build_index(settings: Settings, progress: Callable[..., None] | None = None,
                full: bool = False) -> BuildReport:
    """Bring the index in ``settings.index_dir`` up to date with ``settings.seeds_dir``:
    ingest, extract actors (search/changes.py), then write a generation (``write_generation``).

    A malformed catalog raises before the index folder is touched; unreadable files are
    reported in ``BuildReport.skipped`` and the rest is indexed.
    """
    changes = plan_changes(settings.seeds_dir, read_seed_state(settings.index_dir), full=full,
                           progress=progress)
    return write_generation(settings.index_dir, changes, progress)


def write_generation(index_dir: Path, changes: ChangeSet,
                     progress: Callable[..., None] | None = None) -> BuildReport:
    """Write ``changes`` as a new generation and make it current, atomically.

    ``progress(done, total, stage=…)`` is called as paragraphs are written.

    :raises IndexBusy: another build holds the lock.
    """
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(index_dir):
        generation = _new_generation_path(index_dir)
        building = generation.with_name("." + generation.name + ".building")
        building.mkdir()
        try:
            _write_whoosh(building, changes.documents, changes.mentions, progress)
            vectors_note = _write_vectors(building, index_dir, progress)
            _write_json(building / DIRECTORY_FILE, changes.directory)
            _write_json(building / BUILD_FILE, {
                "schema_version": SCHEMA_VERSION,
                "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "seeds": changes.seeds.to_json(),
                "skipped": [[s.file, s.reason] for s in changes.skipped],
            })
            os.rename(building, generation)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        previous = current_generation(index_dir)
        _switch_current(index_dir, generation)
        _remove_old_generations(index_dir, keep={generation, previous})
    paragraphs = sum(len(d.paragraphs) for d in changes.documents)
    return BuildReport(documents=len(changes.documents), paragraphs=paragraphs,
                       actors=len(changes.directory["actors"]),
                       seconds=changes.seconds + time.perf_counter() - started,
                       added=len(changes.added), changed=len(changes.changed),
                       removed=len(changes.removed),
                       unchanged=len(changes.documents) - len(changes.added) - len(changes.changed),
                       skipped=list(changes.skipped),
                       notes=list(changes.notes) + ([vectors_note] if vectors_note else []),
                       location=str(generation))


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
                row = paragraph_row(document, paragraph, mentions.get(paragraph.id, ()))
                # the facet columns need the metadata, not the text: keep memory flat
                rows[paragraph.id] = {key: row[key] for key in COLUMN_KEYS}
                writer.add_document(
                    **row, text_exact=paragraph.text,
                    actor=" | ".join(name for name, _ in row["actors"]),
                    place=" | ".join(row["places"]))
                done += 1
                if progress is not None:
                    progress(done, total)
    # Document numbers follow the order the writer processes took their batches in, not the
    # order of insertion: read the ids back, then save the facet columns in docnum order.
    with ix.reader() as reader:
        ids = [fields["id"] for _, fields in sorted(reader.iter_docs(), key=lambda item: item[0])]
    FacetColumns.from_stored([rows[pid] for pid in ids]).save(folder / COLUMNS_DIR, ids)
    ix.close()


def _write_vectors(folder: Path, index_dir: Path,
                   progress: Callable[..., None] | None) -> str | None:
    """With the semantic extra installed, store every paragraph's vector with the generation
    (search/semantic/store.py: only texts not embedded before are embedded). Without it, do
    nothing: the index is what it always was. Returns a note when the extra cannot run."""
    if semantic_missing() is not None:
        return None
    from search.semantic.model import ModelUnavailable, load_embedder
    from search.semantic.store import write_vectors
    try:
        embedder = load_embedder()
    except ModelUnavailable as error:
        return f"built without vectors, so hybrid search is off: {error}"
    ix = whoosh_index.open_dir(str(folder))
    with ix.reader() as reader:  # docnum order: the searcher then reads the rows as they are
        paragraphs = [(fields["id"], fields["text"])
                      for _, fields in sorted(reader.iter_docs(), key=lambda item: item[0])]
    ix.close()
    write_vectors(folder, index_dir, paragraphs, embedder, progress)
    return None


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
