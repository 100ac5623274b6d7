"""What the last build knew about the corpus, so the next one reads only what changed.

Parts: ``FileState`` (one seed file: its digest, catalog entries, articles, what ingest said),
``DocState`` (one article: metadata, paragraph kinds, its actors' names before corpus-wide
resolution, the key of its cached mentions, a fingerprint of what is indexed of it),
``CorpusState`` (all of them in archive order, the corpus-wide names and the actors' sums),
``state_key`` and ``pipeline_digest`` (what a state or a cached result is valid for).

Engine-independent, like the pipeline: the state is derived data, keyed by the digest of the
seeds and of the code and data that produced it (search/pipeline_cache.py keeps it), so a
state can never describe other seeds or another version of the pipeline.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from search.seeds import SeedState

# The code and data a cached result depends on (relative to the search package): every module
# `import search.changes` loads (tests/test_incremental.py checks the list is complete) and the
# actors' data files. Any change to them makes every cached result miss, so the next build is a
# full one; a change elsewhere (the web app, an engine) keeps the cache.
_PIPELINE_SOURCES = ("ingest/*.py", "actors/*.py", "actors/data/*", "__init__.py", "changes.py",
                     "config.py", "corpus_state.py", "directory.py", "facets.py", "pipeline_cache.py",
                     "records.py", "seeds.py", "tallies.py", "text.py", "titles.py")


@dataclass
class FileState:
    """One seed file as last read: ``sha`` (None: it could not be read), its catalog entries
    (as dicts), the doc ids of its articles in order, and what ingest reported about it."""

    sha: str | None
    entries: list[dict]
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
    corpus-wide names ((name, type) → name), actor sums (search/tallies.py) and entries."""

    files: dict[str, FileState]
    documents: dict[str, DocState]
    order: list[str]
    names: dict[tuple[str, str], str]
    tallies: dict[str, dict]
    actors: dict[str, dict]


def state_key(seeds: SeedState, pipeline: str) -> str:
    """The key of the state of an index built from ``seeds`` by ``pipeline``."""
    digest = hashlib.sha256(pipeline.encode())
    for name, sha in sorted(seeds.files.items()):
        digest.update(f"\0{name}\0{sha}".encode())
    return digest.hexdigest()


def pipeline_digest() -> str:
    """A digest of the pipeline's code and data (see _PIPELINE_SOURCES)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
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
