"""What an index was built from: a content digest per seed file.

Parts: ``SeedState`` and ``read_seeds`` (the seeds folder → SeedState). Light on purpose: a
server checks whether its index is up to date without importing the build's pipeline.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from search.ingest.articles import CATALOG_NAME, SEED_SUFFIXES

# The curated actor dictionary beside the articles (search/actors/gazetteer.py reads it).
ACTORS_FILE = "actors.toml"
# Files of the seeds folder an index depends on besides the articles.
DEPENDS_ON = (CATALOG_NAME, ACTORS_FILE)
# A file modified less than this long before its digest was taken is hashed again next time,
# whatever its size and time say (a write in the same clock tick as the read would not show).
SETTLE_SECONDS = 2.0

FileStat = tuple[int, int, int]  # size, modification time in ns, inode


@dataclass(frozen=True, slots=True)
class SeedState:
    """A sha256 per seed file (articles, catalog.toml, actors.toml): what an index holds.

    ``stats`` (each file's size, modification time and inode when it was hashed) and
    ``read_at`` (when) only spare the next ``read_seeds`` from hashing files that did not move:
    two states are equal when their digests are.
    """

    files: dict[str, str]
    stats: dict[str, FileStat] = field(default_factory=dict, compare=False)
    read_at: float = field(default=0.0, compare=False)

    def to_json(self) -> dict:
        return {"files": dict(sorted(self.files.items())),
                "stats": {name: list(stat) for name, stat in sorted(self.stats.items())},
                "read_at": self.read_at}

    @classmethod
    def from_json(cls, data: dict) -> SeedState:
        return cls(dict(data.get("files", {})),
                   {name: tuple(stat) for name, stat in (data.get("stats") or {}).items()},
                   float(data.get("read_at") or 0.0))


def read_seeds(seeds_dir: Path, known: SeedState | None = None) -> SeedState:
    """A digest of every seed file an index depends on (hidden files and other suffixes aside).

    With ``known`` (an earlier state of the same folder), a file whose size, modification time
    and inode are those it had then, well before it was read, keeps its digest unhashed: at
    100k paragraphs hashing takes a tenth of a second or more, a ``stat`` a hundredth.
    """
    started = time.time()
    files: dict[str, str] = {}
    stats: dict[str, FileStat] = {}
    settled_before = (known.read_at - SETTLE_SECONDS) * 1e9 if known is not None else 0
    if Path(seeds_dir).is_dir():
        for path in sorted(Path(seeds_dir).iterdir()):
            if path.name.startswith(".") or not path.is_file():
                continue
            if path.suffix.lower() in SEED_SUFFIXES or path.name in DEPENDS_ON:
                stat = path.stat()
                stats[path.name] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
                if (known is not None and path.name in known.files and stat.st_mtime_ns < settled_before
                        and known.stats.get(path.name) == stats[path.name]):
                    files[path.name] = known.files[path.name]
                else:
                    files[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return SeedState(files, stats, started)
