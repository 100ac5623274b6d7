"""Write an index generation from a ChangeSet and switch ``current`` to it atomically.

Parts: ``build_index`` (seeds → search/changes.py's ChangeSet → ``write_generation``),
``write_generation`` (a full ChangeSet: a new Whoosh index; an incremental one: the previous
generation's segments, hard-linked, plus a segment and deletions; then the directory, the
facet columns of new segments, and the swap), ``MergePolicy`` (when small segments are merged),
``build_lock``. The folder's layout is layout.py.

An incremental generation is exact: it answers what a full build of the same seeds answers.
Paragraphs it replaces are deleted in its own table of contents only (the previous
generation's files are never written to); the statistics BM25F needs are kept over the live
paragraphs (``corpus`` in build.json), since Whoosh's own count deleted ones; and nothing the
searcher returns depends on document numbers (ranking.py TIE_BREAK, columns.py).
"""
from __future__ import annotations

import fcntl
import json
import math
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader

from search.changes import BuildReport, ChangeSet, plan_changes
from search.config import Settings
from search.directory import mention_fields, paragraph_row
from search.engine import IndexBusy, IndexNeedsRebuild
from search.engines.whoosh.columns import SegmentColumns, column_row, segments_of
from search.engines.whoosh.layout import (BUILD_FILE, COLUMNS_DIR, CURRENT, DIRECTORY_FILE, INDEX_NAME,
                                          LAYOUT_VERSION, LOCK_FILE, SEGMENT_FILE, current_generation,
                                          read_seed_state, unusable)
from search.engines.whoosh.schema import SCHEMA_VERSION, build_schema
from search.pipeline_cache import CACHE_DIR
from search.records import ActorMention, Document
from search.semantic.model import missing_reason as semantic_missing

PARALLEL_FROM = 5000  # paragraphs: a build this big writes with two processes

# Whoosh's writer holds postings in memory up to ``limitmb`` and then spills them to run files,
# which it merges back at the end one pickled posting at a time. That merge made the build
# superlinear (bench/NOTES.md): 20k paragraphs through one writer took 66 s of CPU at 256 MB,
# with two runs on disk, and 38 s with room for every posting (about 230 bytes each, some 110
# postings a paragraph). So each writer may hold up to WRITER_MEMORY_SHARE of the machine's
# memory, within WRITER_MB_BOUNDS: on 8 GB, 1 GB a writer (40k paragraphs before a spill); on 24 GB,
# 3 GB. Memory is only taken as postings arrive: a small update uses little.
WRITER_MEMORY_SHARE = 1 / 8
WRITER_MB_BOUNDS = (256, 4096)

# Merging (bench/RESULTS.md, "Incremental updates"). Each incremental build writes one segment,
# and every search reads every segment: segments are grouped in tiers by size (fewer than 1,000
# paragraphs, 10,000, 100,000…) and a tier holding more than SEGMENTS_PER_TIER of them (the new
# one counted) is merged into the new segment, so an archive holds a few segments per tier and a
# merge rewrites about as much as the tier it tidies. Segments holding more than
# MAX_MERGED_SHARE of the paragraphs (a full build's) are left out of tiers: routine updates
# never rewrite the bulk of the archive (`--full` does). A segment whose paragraphs are more than
# MAX_DELETED_SHARE deleted (replaced by later builds) is rewritten whatever its size, dropping
# them (at 100k paragraphs: after some 600 changed articles in one of the two big segments).
SEGMENTS_PER_TIER = 3
TIER_BASE = 1000
MAX_MERGED_SHARE = 0.2
MAX_DELETED_SHARE = 0.25


def build_index(settings: Settings, progress: Callable[..., None] | None = None,
                full: bool = False) -> BuildReport:
    """Bring the index in ``settings.index_dir`` up to date with ``settings.seeds_dir``:
    ingest, extract actors (search/changes.py), then write a generation (``write_generation``).
    Only what changed is read and written, unless ``full`` (a rebuild from scratch).

    A malformed catalog raises before the index folder is touched; unreadable files are
    reported in ``BuildReport.skipped`` and the rest is indexed.
    """
    generation = current_generation(settings.index_dir)
    # a damaged index (generation files missing or unreadable) is rebuilt from scratch
    previous = None if full or generation is None or unusable(generation) else read_seed_state(settings.index_dir)
    changes = plan_changes(settings.seeds_dir, previous, full=full, progress=progress,
                           cache_dir=settings.index_dir / CACHE_DIR)
    return write_generation(settings.index_dir, changes, progress)


def write_generation(index_dir: Path, changes: ChangeSet,
                     progress: Callable[..., None] | None = None) -> BuildReport:
    """Write ``changes`` as a new generation and make it current, atomically.

    ``progress(done, total, stage=…)`` is called as paragraphs are written.

    :raises IndexBusy: another build holds the lock, or (an incremental change) the index no
        longer holds what the change was planned against: another build finished first.
    :raises IndexNeedsRebuild: an incremental change, and the current generation's files are
        damaged: nothing to start from (plan a full change).
    """
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(index_dir):
        previous = current_generation(index_dir)
        damage = unusable(previous) if previous is not None and not changes.full else None
        if damage:
            raise IndexNeedsRebuild(f"the index in {index_dir} cannot be updated ({damage}); "
                                    "rebuild it with `hemeroteca index --full`")
        if not changes.full and (previous is None or read_seed_state(index_dir) != changes.base):
            raise IndexBusy(f"the index in {index_dir} changed while this build read the seeds "
                            "(another build finished first): run `hemeroteca index` again")
        if not changes.full and changes.seeds == changes.base:  # nothing to do: keep serving it
            _remove_old_generations(index_dir, keep=None)  # but clean what killed builds left
            build = json.loads((previous / BUILD_FILE).read_text(encoding="utf-8"))
            return _report(changes, build["corpus"], previous, started)
        generation = _new_generation_path(index_dir)
        building = generation.with_name("." + generation.name + ".building")
        building.mkdir()
        try:
            if changes.full:
                corpus = _write_whoosh(building, changes.documents, changes.mentions, progress)
            else:
                corpus = _update_whoosh(building, previous, changes, progress)
            vectors_note = _write_vectors(building, index_dir, progress, changes,
                                          previous=None if changes.full else previous)
            _write_json(building / DIRECTORY_FILE, changes.directory)
            _write_json(building / BUILD_FILE, {
                "schema_version": SCHEMA_VERSION,
                "layout_version": LAYOUT_VERSION,
                "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "incremental": not changes.full,
                "seeds": changes.seeds.to_json(),
                "skipped": [[s.file, s.reason] for s in changes.skipped],
                "corpus": corpus,
            })
            os.rename(building, generation)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        _switch_current(index_dir, generation)
        _remove_old_generations(index_dir, keep={generation, previous})
    return _report(changes, corpus, generation, started, vectors_note)


def _report(changes: ChangeSet, corpus: dict, generation: Path, started: float,
            vectors_note: str | None = None) -> BuildReport:
    return BuildReport(documents=len(changes.directory["documents"]), paragraphs=corpus["paragraphs"],
                       actors=len(changes.directory["actors"]),
                       seconds=changes.seconds + time.perf_counter() - started,
                       added=len(changes.added), changed=len(changes.changed),
                       removed=len(changes.removed), unchanged=changes.unchanged,
                       skipped=list(changes.skipped),
                       notes=list(changes.notes) + ([vectors_note] if vectors_note else []),
                       location=str(generation))


# ---------------------------------------------------------------------------- a full build

def _write_whoosh(folder: Path, documents: list[Document],
                  mentions: dict[str, tuple[ActorMention, ...]],
                  progress: Callable[..., None] | None) -> dict:
    """A new index of ``documents``; returns its corpus statistics (``_corpus``)."""
    total = sum(len(d.paragraphs) for d in documents)
    done = 0
    rows: dict[str, dict] = {}  # paragraph id → the stored fields the facet columns need
    ix = whoosh_index.create_in(str(folder), build_schema(), indexname=INDEX_NAME)
    # DEPENDENCIES.md: two writer processes, each writing its own segment, nearly halve the
    # build (without multisegment the final merge makes it slower than one process). For a
    # small corpus, starting the second process costs more than it saves.
    parallel = ({"procs": 2, "multisegment": True}
                if total >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 else {})
    # The context manager commits on success and cancels on error: all or nothing.
    with ix.writer(limitmb=writer_limit_mb(), **parallel) as writer:
        for document in documents:
            for paragraph in document.paragraphs:
                row = paragraph_row(document, paragraph, mentions.get(paragraph.id, ()))
                # the facet columns need the metadata, not the text: keep memory flat
                rows[paragraph.id] = column_row(row)
                writer.add_document(**_indexed(row))
                done += 1
                if progress is not None:
                    progress(done, total)
    # Document numbers follow the order the writer processes took their batches in, not the
    # order of insertion: read each segment's ids back, then save its columns in docnum order.
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            ids = [fields["id"] for _, fields in sorted(leaf.iter_docs(), key=lambda item: item[0])]
            SegmentColumns.from_stored([rows[pid] for pid in ids]).save(
                folder / COLUMNS_DIR / leaf.segment().segid)
        corpus = _corpus(reader.doc_count(), {name: reader.field_length(name) for name in _scorable()})
    ix.close()
    return corpus


def writer_limit_mb() -> int:
    """The memory each Whoosh writer process may fill before spilling (WRITER_MEMORY_SHARE)."""
    low, high = WRITER_MB_BOUNDS
    try:
        memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (AttributeError, OSError, ValueError):  # no sysconf (Windows): Whoosh's usual size
        return low
    return int(min(high, max(low, memory_mb * WRITER_MEMORY_SHARE)))


def _indexed(row: dict) -> dict:
    """The Whoosh fields of a paragraph row: the row, plus the fields derived from it."""
    return {**row, "text_exact": row["text"], "actor": " | ".join(name for name, _ in row["actors"]),
            "place": " | ".join(row["places"])}


def _scorable() -> list[str]:
    return [name for name, field in build_schema().items() if field.scorable]


def _corpus(paragraphs: int, field_lengths: dict[str, int]) -> dict:
    """What build.json says of the live paragraphs: how many, and each scorable field's total
    length (bm25f.CorpusStats: Whoosh's own totals count deleted paragraphs)."""
    return {"paragraphs": paragraphs, "field_lengths": dict(sorted(field_lengths.items()))}


# --------------------------------------------------------------------- an incremental build

def _update_whoosh(folder: Path, previous: Path, changes: ChangeSet,
                   progress: Callable[..., None] | None) -> dict:
    """The previous generation plus ``changes``, in ``folder``: its segments and their columns
    hard-linked (never written: Whoosh writes a new segment and a new table of contents), the
    replaced paragraphs deleted, the new ones added in a new segment. Returns the corpus
    statistics."""
    _link_previous(previous, folder)
    before = json.loads((previous / BUILD_FILE).read_text(encoding="utf-8"))["corpus"]
    lengths = Counter(before["field_lengths"])
    storage = FileStorage(str(folder), supports_mmap=False)
    ix = storage.open_index(INDEX_NAME)
    schema = ix.schema
    writer = ix.writer(limitmb=writer_limit_mb())  # a merge of tiers passes through it too
    policy = MergePolicy()
    writer.mergetype = policy
    added: list[dict] = []  # the column keys of each paragraph written, in writing order
    try:
        with writer.searcher() as searcher:
            replaced: list[int] = []
            restated: list[dict] = []
            for pid in [*changes.obsolete, *changes.restated]:
                docnum = searcher.document_number(id=pid)
                if docnum is None:
                    raise IndexBusy(f"paragraph {pid} is not in {previous}: the index does not hold "
                                    "what the change was planned against; run `hemeroteca index --full`")
                stored = searcher.stored_fields(docnum)
                lengths.subtract(_field_lengths(schema, _indexed(stored)))
                replaced.append(docnum)
                if pid in changes.restated:
                    restated.append({**stored, **mention_fields(changes.restated[pid])})
        for docnum in replaced:
            writer.delete_document(docnum)
        rows = [paragraph_row(document, paragraph, changes.mentions.get(paragraph.id, ()))
                for document in changes.documents for paragraph in document.paragraphs]
        for done, row in enumerate([*rows, *restated], start=1):
            fields = _indexed(row)
            writer.add_document(**fields)
            lengths.update(_field_lengths(schema, fields))
            added.append(column_row(row))
            if progress is not None:
                progress(done, len(rows) + len(restated))
        writer.commit()  # calls ``policy``, which may merge segments into the new one
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    _write_new_columns(storage, folder, added, policy.merged)
    with storage.open_index(INDEX_NAME).reader() as reader:
        return _corpus(reader.doc_count(), {name: lengths[name] for name in _scorable()})


def _link_previous(previous: Path, folder: Path) -> None:
    """Hard links to the previous generation's Whoosh files and segment columns."""
    for path in previous.iterdir():
        if path.is_file() and path.name.startswith((f"{INDEX_NAME}_", f"_{INDEX_NAME}_")) \
                and not path.name.endswith("WRITELOCK"):
            os.link(path, folder / path.name)
    for segment in (previous / COLUMNS_DIR).iterdir():
        if (segment / SEGMENT_FILE).exists():
            (folder / COLUMNS_DIR / segment.name).mkdir(parents=True)
            for path in segment.iterdir():
                os.link(path, folder / COLUMNS_DIR / segment.name / path.name)


def _field_lengths(schema, fields: dict) -> Counter:
    """Each scorable field's length in ``fields``, as Whoosh's writer counts it."""
    lengths: Counter = Counter()
    for name, value in fields.items():
        field = schema[name] if name in schema else None
        if field is not None and field.scorable and value is not None:
            lengths[name] += sum(freq for _, freq, _, _ in field.index(value))
    return lengths


def _write_new_columns(storage: FileStorage, folder: Path, added: list[dict],
                       merged: list[tuple[str, list[int]]]) -> None:
    """Columns for the segment the commit wrote (the added paragraphs, then the live paragraphs
    of the merged segments, in Whoosh's order), from the rows written and the merged segments'
    own columns; and no columns for segments the commit merged away."""
    ix = storage.open_index(INDEX_NAME)
    with ix.reader() as reader:
        segments = [leaf.segment() for leaf, _ in reader.leaf_readers()]
    columns = folder / COLUMNS_DIR
    for segment in segments:
        if (columns / segment.segid / SEGMENT_FILE).exists():
            continue
        parts = [SegmentColumns.from_stored(added)] if added else []
        for segid, deleted in merged:
            old = SegmentColumns.load(columns / segid)
            gone = set(deleted)
            parts.append(old.take([n for n in range(old.doc_count) if n not in gone]))
        new = SegmentColumns.concat(parts)
        if new.doc_count != segment.doc_count_all():
            raise RuntimeError(f"segment {segment.segid}: {segment.doc_count_all()} documents, "
                               f"columns for {new.doc_count}")
        new.save(columns / segment.segid)
    kept = {segment.segid for segment in segments}
    for path in columns.iterdir():
        if path.name not in kept:
            shutil.rmtree(path)


class MergePolicy:
    """Whoosh's ``mergetype``: which existing segments the commit merges into its new segment
    (see SEGMENTS_PER_TIER). Records what it merged (segment id, deleted document numbers at
    the time), in the order Whoosh copies them."""

    def __init__(self):
        self.merged: list[tuple[str, list[int]]] = []

    def __call__(self, writer, segments: list) -> list:
        new = writer.doc_count()
        largest = MAX_MERGED_SHARE * (new + sum(segment.doc_count() for segment in segments))
        tiers: dict[int, list] = {}
        for segment in segments:
            if segment.doc_count() <= largest:
                tiers.setdefault(tier(segment.doc_count()), []).append(segment)
        merge = set()
        for number, members in tiers.items():
            count = len(members) + (1 if new and tier(new) == number else 0)
            if count > SEGMENTS_PER_TIER:
                merge.update(id(segment) for segment in members)
        for segment in segments:
            if segment.deleted_count() > MAX_DELETED_SHARE * segment.doc_count_all():
                merge.add(id(segment))
        kept = []
        for segment in segments:
            if id(segment) in merge:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                writer.add_reader(reader)  # copies the live documents, in docnum order
                reader.close()
                self.merged.append((segment.segid, sorted(segment.deleted_docs())))
            else:
                kept.append(segment)
        return kept


def tier(paragraphs: int) -> int:
    """A segment's size class: 0 below TIER_BASE paragraphs, then one per factor of ten."""
    return 0 if paragraphs < TIER_BASE else int(math.log10(paragraphs / TIER_BASE)) + 1


# ---------------------------------------------------------------------------- the folder

def _write_vectors(folder: Path, index_dir: Path, progress: Callable[..., None] | None,
                   changes: ChangeSet, previous: Path | None = None) -> str | None:
    """With the semantic extra installed, store every paragraph's vector with the generation
    (search/semantic/store.py: only texts not embedded before are embedded). Without it, do
    nothing: the index is what it always was. Returns a note when the extra cannot run.

    An incremental build (``changes`` applied to ``previous``) starts from the previous
    generation's vectors when it has them, from the same model, and reads only the new texts;
    otherwise every paragraph's text is read back from the new index.
    """
    if semantic_missing() is not None:
        return None
    from search.semantic.model import ModelUnavailable, load_embedder
    from search.semantic.store import VectorSet, update_vectors, write_vectors
    try:
        embedder = load_embedder()
    except ModelUnavailable as error:
        return f"built without vectors, so hybrid search is off: {error}"
    try:
        before = VectorSet.load(previous) if previous is not None else None
    except (OSError, ValueError):  # damaged: every vector from the cache instead
        before = None
    if before is not None and before.model == embedder.id:
        fresh = [(paragraph.id, paragraph.text)
                 for document in changes.documents for paragraph in document.paragraphs]
        try:
            update_vectors(folder, index_dir, before, _ids_by_docnum(folder), fresh, embedder, progress)
            return None
        except LookupError:  # the previous vectors do not cover it: read every text instead
            pass
    ix = whoosh_index.open_dir(str(folder))
    with ix.reader() as reader:  # docnum order: the searcher then reads the rows as they are
        paragraphs = [(fields["id"], fields["text"])
                      for _, fields in sorted(reader.iter_docs(), key=lambda item: item[0])]
    ix.close()
    write_vectors(folder, index_dir, paragraphs, embedder, progress)
    return None


def _ids_by_docnum(folder: Path) -> list[str | None]:
    """Document number → paragraph id of the index written in ``folder``, None for a deleted
    document (what Generation.live_paragraph_ids gives once it is open), read from each
    segment's columns rather than from the stored paragraphs."""
    ix = whoosh_index.open_dir(str(folder))
    with ix.reader() as reader:
        segments = segments_of(folder, reader)
    ix.close()
    ids: list[str | None] = []
    for columns, deleted in segments:
        dead = set(deleted)
        ids += [None if n in dead else pid for n, pid in enumerate(columns.paragraph_ids)]
    return ids


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


def _remove_old_generations(index_dir: Path, keep: set[Path | None] | None) -> None:
    # The previous generation is kept: a request that started on it may still open a searcher
    # there. Older ones go (searchers already open keep working after their files are deleted).
    # ``keep`` None: every generation stays, only a killed build's leftovers go.
    for path in index_dir.iterdir():
        if path.name.startswith("gen-") and keep is not None and path not in keep:
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
