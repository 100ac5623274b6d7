"""Paragraph vectors on disk: one set per index generation, and a cache that outlives them.

Parts: ``VectorSet`` (a generation's vectors, keyed by paragraph id), ``VectorCache`` (vectors
keyed by a hash of the paragraph's text, reused by every later build), ``text_key`` and
``write_vectors`` (paragraphs → cache → a generation's vector files) and ``update_vectors``
(an incremental build's: the previous generation's vectors, less the replaced, plus the new).

Layout::

    <generation>/vectors/model.json     {"model", "dims", "count"}
    <generation>/vectors/ids.json       paragraph ids, one per row
    <generation>/vectors/vectors.npy    float32 rows, unit length
    <index>/vector-cache/<model>/*.npz  {keys, vectors} chunks: text hash → vector

Rows are keyed by paragraph id, not by an engine's document number, so an engine that
renumbers its documents (a merge, an incremental build) lines them up again when it opens them
(``VectorSet.aligned``). The cache is written a chunk at a time during a build: a build that is
stopped keeps what it embedded, and the next one starts from there.
"""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VECTORS_DIR = "vectors"
CACHE_DIR = "vector-cache"
CHUNK = 1024  # vectors per cache file written during a build


def text_key(text: str) -> bytes:
    """The cache key of a paragraph's text (32 hex characters of its sha256)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32].encode("ascii")


@dataclass(frozen=True, slots=True)
class VectorSet:
    """A generation's paragraph vectors: ``ids[i]`` is the paragraph of row ``matrix[i]``."""

    model: str
    ids: list[str | None]  # None: a deleted document's row (zeros)
    matrix: np.ndarray  # (len(ids), dims) float32, memory-mapped

    @classmethod
    def load(cls, generation: Path) -> VectorSet | None:
        """The vectors stored with ``generation``, or None when it was built without them."""
        folder = generation / VECTORS_DIR
        if not (folder / "model.json").exists():
            return None
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        # Memory-mapped: opening costs nothing, and processes serving one index share the pages.
        matrix = np.load(folder / "vectors.npy", mmap_mode="r")
        if matrix.shape != (len(ids), meta["dims"]):
            raise ValueError(f"{folder}: {matrix.shape[0]} vectors for {len(ids)} paragraph ids")
        return cls(model=meta["model"], ids=ids, matrix=matrix)

    def aligned(self, paragraph_ids: list[str | None]) -> np.ndarray:
        """The vectors in the order of ``paragraph_ids`` (an engine's document numbers); a
        paragraph without a vector, or None (a deleted document), gets zeros (cosine 0: never
        a meaning match)."""
        if self.ids == paragraph_ids:
            return self.matrix
        row_of = {pid: row for row, pid in enumerate(self.ids)}
        rows = np.array([row_of.get(pid, -1) for pid in paragraph_ids], dtype=np.int64)
        out = np.zeros((len(paragraph_ids), self.matrix.shape[1]), dtype=np.float32)
        present = rows >= 0
        out[present] = self.matrix[rows[present]]
        return out


class VectorCache:
    """Vectors of paragraph texts already embedded with one model, kept across builds.

    Opening reads each chunk's keys only; a chunk's vectors are read the first time one of its
    keys is looked up. An update that embeds one new article then reads a few megabytes of keys,
    not every vector of the archive (0.4 s at 100k paragraphs).
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self._chunks: list[Path] = []
        self._where: dict[bytes, tuple[int, int]] = {}  # key → (chunk number, row)
        self._loaded: dict[int, np.ndarray | None] = {}   # chunk number → its vectors (None: unreadable)
        self._new: dict[bytes, np.ndarray] = {}
        self._pending: list[tuple[bytes, np.ndarray]] = []
        for chunk in sorted(folder.glob("*.npz")) if folder.is_dir() else ():
            try:  # the file opened here, so that a damaged one is closed too (np.load leaks it)
                with open(chunk, "rb") as handle, np.load(handle) as data:
                    keys = data["keys"].tolist()
            except (OSError, ValueError, KeyError, zipfile.BadZipFile):
                chunk.unlink(missing_ok=True)  # cut short by a stopped build: embed it again
                continue
            number = len(self._chunks)
            self._chunks.append(chunk)
            self._where.update((key, (number, row)) for row, key in enumerate(keys))

    def lookup(self, key: bytes) -> np.ndarray | None:
        """The vector cached for ``key``, or None (never embedded, or its chunk is unreadable)."""
        if key in self._new:
            return self._new[key]
        where = self._where.get(key)
        if where is None:
            return None
        number, row = where
        if number not in self._loaded:
            try:
                with open(self._chunks[number], "rb") as handle, np.load(handle) as data:
                    self._loaded[number] = data["vectors"]
            except (OSError, ValueError, KeyError, zipfile.BadZipFile):
                self._chunks[number].unlink(missing_ok=True)
                self._loaded[number] = None
        vectors = self._loaded[number]
        return None if vectors is None else vectors[row]

    def add(self, key: bytes, vector: np.ndarray) -> None:
        self._new[key] = vector
        self._pending.append((key, vector))
        if len(self._pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        number = max((int(p.stem) for p in self.folder.glob("*.npz") if p.stem.isdigit()), default=0) + 1
        self._save(self.folder / f"{number:06d}.npz", self._pending)
        self._pending = []

    def keep_only(self, keys: Iterable[bytes]) -> None:
        """Rewrite the cache as one file holding only ``keys`` (the texts of the index just
        built): the cache never grows past the archive, whatever was edited in between."""
        self.flush()
        kept = [(key, vector) for key in dict.fromkeys(keys)
                if (vector := self.lookup(key)) is not None]
        old = sorted(self.folder.glob("*.npz"))
        self._save(self.folder / "000000.npz.new", kept)
        for path in old:
            path.unlink()
        os.replace(self.folder / "000000.npz.new", self.folder / "000000.npz")
        self._chunks, self._where, self._loaded, self._new = [], {}, {}, dict(kept)

    @staticmethod
    def _save(path: Path, items: list[tuple[bytes, np.ndarray]]) -> None:
        keys = np.array([k for k, _ in items], dtype="S32")
        vectors = (np.stack([v for _, v in items]) if items
                   else np.zeros((0, 0), dtype=np.float32)).astype(np.float32)
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "wb") as handle:
            np.savez(handle, keys=keys, vectors=vectors)
        os.replace(temporary, path)


def write_vectors(generation: Path, index_dir: Path, paragraphs: list[tuple[str, str]],
                  embedder, progress: Callable[..., None] | None = None) -> int:
    """Store a vector for every ``(paragraph id, text)`` with ``generation``, embedding only the
    texts the cache does not hold; ``progress(done, total, stage="vectors")``. Returns how many
    texts were embedded (the rest came from the cache)."""
    cache = VectorCache(index_dir / CACHE_DIR / embedder.id)
    vectors, embedded = _vectors_of(cache, paragraphs, embedder, progress)
    cache.keep_only(text_key(text) for _, text in paragraphs)
    with _new_set(generation, embedder, [pid for pid, _ in paragraphs]) as matrix:
        for row, vector in enumerate(vectors):
            matrix[row] = vector
    return embedded


def update_vectors(generation: Path, index_dir: Path, previous: VectorSet, order: list[str | None],
                   paragraphs: list[tuple[str, str]], embedder,
                   progress: Callable[..., None] | None = None) -> int:
    """An incremental build's vectors, one row per document number of the new index (``order``:
    its paragraph ids, None for a deleted document, which gets zeros): the new ``(paragraph id,
    text)`` pairs' from the cache or embedded, every other paragraph's from ``previous`` (the
    generation it updates). Returns how many texts were embedded.

    Neither the texts that stay nor the whole cache are read: an update at 100k paragraphs
    would otherwise read every stored paragraph (5 s here) to add one article. The cache keeps
    the texts of replaced paragraphs until the next full build trims it (``keep_only``). Rows
    in document order let a server map the file as it is (``aligned``), without a copy.

    :raises LookupError: a live paragraph that is neither new nor in ``previous``.
    """
    fresh = {pid: row for row, (pid, _) in enumerate(paragraphs)}
    before = {pid: row for row, pid in enumerate(previous.ids) if pid is not None}
    kept_rows, kept_from, new_rows, new_from, missing = [], [], [], [], []
    for n, pid in enumerate(order):  # one pass: 100k ids here
        if pid is None:
            continue
        if pid in fresh:
            new_rows.append(n)
            new_from.append(fresh[pid])
        elif pid in before:
            kept_rows.append(n)
            kept_from.append(before[pid])
        else:
            missing.append(pid)
    if missing:
        raise LookupError(f"{len(missing)} paragraphs have no vector to keep (e.g. {missing[0]})")
    cache = VectorCache(index_dir / CACHE_DIR / embedder.id)
    vectors, embedded = _vectors_of(cache, paragraphs, embedder, progress)
    cache.flush()
    with _new_set(generation, embedder, order) as matrix:  # zeros: the deleted rows stay so
        if kept_rows:
            matrix[kept_rows] = previous.matrix[kept_from]
        if new_rows:
            matrix[new_rows] = np.stack(vectors)[new_from]
    return embedded


def _vectors_of(cache: VectorCache, paragraphs: list[tuple[str, str]], embedder,
                progress: Callable[..., None] | None) -> tuple[list[np.ndarray], int]:
    """A vector for each paragraph's text, from ``cache`` or embedded (and added to it), and how
    many were embedded."""
    keys = [text_key(text) for _, text in paragraphs]
    found = {key: cache.lookup(key) for key in dict.fromkeys(keys)}
    todo = {key: text for key, (_, text) in zip(keys, paragraphs) if found[key] is None}
    total, reused = len(paragraphs), len(paragraphs) - len(todo)
    items = list(todo.items())
    for first in range(0, len(items), CHUNK):
        part = items[first:first + CHUNK]
        report = (None if progress is None else
                  lambda done, first=first: progress(reused + first + done, total, stage="vectors"))
        for (key, _), vector in zip(part, embedder.embed([text for _, text in part], report)):
            cache.add(key, vector)
            found[key] = vector
    if progress is not None:
        progress(total, total, stage="vectors")
    return [found[key] for key in keys], len(todo)


@contextmanager
def _new_set(generation: Path, embedder, ids: list[str | None]) -> Iterator[np.ndarray]:
    """A generation's vector files for ``ids``: yields the matrix (row i for ``ids[i]``, zeros
    until filled) written in place into vectors.npy, so no second copy of it is held."""
    folder = generation / VECTORS_DIR
    folder.mkdir()
    (folder / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
    (folder / "model.json").write_text(json.dumps({"model": embedder.id, "dims": embedder.spec.dims,
                                                   "count": len(ids)}), encoding="utf-8")
    shape = (len(ids), embedder.spec.dims)
    if not ids:  # nothing to map
        np.save(folder / "vectors.npy", np.zeros(shape, dtype=np.float32))
        yield np.zeros(shape, dtype=np.float32)
        return
    matrix = np.lib.format.open_memmap(folder / "vectors.npy", mode="w+", dtype=np.float32, shape=shape)
    yield matrix
    matrix.flush()
