"""What an index was built from: a content digest per seed file.

Parts: ``SeedState`` and ``read_seeds`` (the seeds folder → SeedState). Light on purpose: a
server checks whether its index is up to date without importing the build's pipeline.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from search.ingest.articles import CATALOG_NAME, SEED_SUFFIXES

# The curated actor dictionary beside the articles (search/actors/gazetteer.py reads it).
ACTORS_FILE = "actors.toml"
# Files of the seeds folder an index depends on besides the articles.
DEPENDS_ON = (CATALOG_NAME, ACTORS_FILE)


@dataclass(frozen=True, slots=True)
class SeedState:
    """A sha256 per seed file (articles, catalog.toml, actors.toml): what an index holds."""

    files: dict[str, str]

    def to_json(self) -> dict:
        return {"files": dict(sorted(self.files.items()))}

    @classmethod
    def from_json(cls, data: dict) -> SeedState:
        return cls(dict(data.get("files", {})))


def read_seeds(seeds_dir: Path) -> SeedState:
    """A digest of every seed file an index depends on (hidden files and other suffixes aside)."""
    files = {}
    if Path(seeds_dir).is_dir():
        for path in sorted(Path(seeds_dir).iterdir()):
            if path.name.startswith(".") or not path.is_file():
                continue
            if path.suffix.lower() in SEED_SUFFIXES or path.name in DEPENDS_ON:
                files[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return SeedState(files)
