"""What the last build knew about the corpus, so the next one reads only what changed.

Parts: ``FileState`` (one seed file: its digest, catalog entries, articles, what ingest said),
``DocState`` (one article: metadata, paragraph kinds, its actors' names before corpus-wide
resolution, the key of its cached mentions, a fingerprint of what is indexed of it),
``CorpusState`` (all of them in archive order, the catalog, the corpus-wide names and the
actors' sums; ``to_data``/``from_data``: plain values for marshal), ``state_key`` and
``pipeline_digest`` (what a state or a cached result is valid for).

Engine-independent, like the pipeline: the state is derived data, keyed by the digest of the
seeds and of the code and data that produced it (search/pipeline_cache.py keeps it), so a
state can never describe other seeds or another version of the pipeline.
"""
from __future__ import annotations

import hashlib
import marshal
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from search.ingest.catalog import CatalogEntry

from search.seeds import SeedState

# The code and data a cached result depends on (relative to the search package): every module
# `import search.changes` loads (tests/test_incremental.py checks the list is complete) and the
# actors' data files. Any change to them makes every cached result miss, so the next build is a
# full one; a change elsewhere (the web app, an engine) keeps the cache.
_PIPELINE_SOURCES = ("ingest/*.py", "actors/*.py", "actors/data/*", "__init__.py", "changes.py",
                     "config.py", "corpus_state.py", "directory.py", "facets.py", "pipeline_cache.py",
                     "records.py", "seeds.py", "tallies.py", "text.py", "titles.py")


_ENTRY_FIELDS = tuple(f.name for f in fields(CatalogEntry))
Entry = tuple  # a CatalogEntry's values, in _ENTRY_FIELDS order


def entry_values(entry: CatalogEntry) -> Entry:
    return tuple(getattr(entry, name) for name in _ENTRY_FIELDS)


def entry_of(values: Entry) -> CatalogEntry:
    return CatalogEntry(**dict(zip(_ENTRY_FIELDS, values)))


@dataclass
class FileState:
    """One seed file as last read: ``sha`` (None: it could not be read), its catalog entries,
    the doc ids of its articles in order, and what ingest reported about it."""

    sha: str | None
    entries: list[Entry]
    doc_ids: list[str]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class DocState:
    """One indexed article. ``names`` are its actors' (name, type) before corpus-wide
    resolution, in the order they first occur; ``key`` finds its per-paragraph mentions in the
    cache; ``fingerprint`` is a digest of everything indexed of it but the actors."""

    doc_id: str
    file: str
    year: int | None
    kinds: tuple[str, ...]
    key: str
    names: tuple[tuple[str, str], ...]
    fingerprint: str
    entry: dict

    def paragraph_ids(self) -> list[str]:
        return [f"{self.doc_id}-p{position}" for position in range(1, len(self.kinds) + 1)]


@dataclass
class CorpusState:
    """The corpus an index holds, as the planner needs it: files, articles in archive order,
    the catalog (file → entries, including entries naming no file), corpus-wide names
    ((name, type) → name), actor sums (search/tallies.py) and entries."""

    files: dict[str, FileState]
    documents: dict[str, DocState]
    order: list[str]
    catalog: dict[str, list[Entry]]
    names: dict[tuple[str, str], str]
    tallies: dict[str, dict]
    actors: dict[str, dict]

    def to_data(self) -> tuple:
        """Plain values only: marshal writes and reads them several times faster than pickle
        writes objects, and every build reads and writes the state (15 MB at 100k paragraphs)."""
        return ({name: (f.sha, f.entries, f.doc_ids, f.skipped, f.notes) for name, f in self.files.items()},
                {doc_id: (d.file, d.year, d.kinds, d.key, d.names, d.fingerprint, d.entry)
                 for doc_id, d in self.documents.items()},
                self.order, self.catalog, self.names, self.tallies, self.actors)

    @classmethod
    def from_data(cls, data: tuple) -> CorpusState:
        files, documents, order, catalog, names, tallies, actors = data
        return cls({name: FileState(*values) for name, values in files.items()},
                   {doc_id: DocState(doc_id, *values) for doc_id, values in documents.items()},
                   order, catalog, names, tallies, actors)


def state_key(seeds: SeedState, pipeline: str) -> str:
    """The key of the state of an index built from ``seeds`` by ``pipeline``."""
    digest = hashlib.sha256(pipeline.encode())
    for name, sha in sorted(seeds.files.items()):
        digest.update(f"\0{name}\0{sha}".encode())
    return digest.hexdigest()


def pipeline_digest() -> str:
    """A digest of the pipeline's code and data (see _PIPELINE_SOURCES)."""
    package = Path(__file__).resolve().parent
    # and the format of the state files (pipeline_cache.py writes them with marshal)
    digest = hashlib.sha256(f"marshal {marshal.version} python {sys.version_info[:2]}".encode())
    for pattern in _PIPELINE_SOURCES:
        for path in sorted(package.glob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(package).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def mentions_key(pipeline: str, gazetteer: str, texts: list[str]) -> str:
    """The cache key of an article's mentions: its paragraph texts, the curated dictionary
    (actors.toml's digest) and the pipeline. Extraction reads nothing else."""
    digest = hashlib.sha256(f"{pipeline}\0{gazetteer}".encode())
    for text in texts:
        digest.update(b"\0" + text.encode("utf-8"))
    return digest.hexdigest()
