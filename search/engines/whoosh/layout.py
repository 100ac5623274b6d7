"""The index folder's layout: file names, the ``current`` generation, and whether it is stale.

Parts: the names (``CURRENT``, ``BUILD_FILE``…), ``current_generation``, ``seeds_fingerprint``,
``stale_reason``, ``version_mismatch``. A server needs these without the build's imports (NLTK and the actor
pipeline: 80 MB and most of a second), so they live apart from indexer.py.

Layout of the index folder::

    index/current -> gen-20261123T180501-1234   (symlink, swapped with os.replace)
    index/gen-…/            Whoosh files + directory.json + build.json + columns/ (facet arrays)
    index/.build.lock       held by the one build that may run at a time

Readers open ``realpath(current)``, so a build never writes where a reader reads: a reader sees
the old generation or the new one, never half of one (DEPENDENCIES.md: ``open_dir`` can fail on
the ``.toc`` while a writer commits in the same folder).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from search.config import Settings
from search.engines.whoosh.schema import SCHEMA_VERSION

CURRENT = "current"
DIRECTORY_FILE = "directory.json"
BUILD_FILE = "build.json"
LOCK_FILE = ".build.lock"
COLUMNS_DIR = "columns"
SEED_SUFFIXES = (".txt", ".md", ".toml")


def seeds_fingerprint(seeds_dir: Path) -> list[list]:
    """Name, size and modification time of every seed file: what a rebuild depends on."""
    if not seeds_dir.is_dir():
        return []
    return [[path.name, stat.st_size, stat.st_mtime_ns]
            for path in sorted(seeds_dir.iterdir())
            if path.is_file() and path.suffix in SEED_SUFFIXES and not path.name.startswith(".")
            for stat in (path.stat(),)]


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder ``current`` points at, or None when there is none."""
    link = index_dir / CURRENT
    target = Path(os.path.realpath(link))
    return target if link.exists() and (target / BUILD_FILE).exists() else None


def stale_reason(settings: Settings) -> str | None:
    """Why the index must be (re)built for these seeds, or None when it is up to date."""
    generation = current_generation(settings.index_dir)
    if generation is None:
        return f"no index in {settings.index_dir}"
    try:
        build = json.loads((generation / BUILD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:  # damaged by a crash or by hand: rebuild it
        return f"the index in {settings.index_dir} cannot be read ({error})"
    mismatch = version_mismatch(build)
    if mismatch:
        return mismatch
    if build.get("seeds") != seeds_fingerprint(settings.seeds_dir):
        return f"the seeds in {settings.seeds_dir} changed since the index was built"
    return None


def version_mismatch(build: dict) -> str | None:
    """Why a generation with this build.json cannot be read by this version, or None."""
    if build.get("schema_version") != SCHEMA_VERSION:
        return "the index was built by another version of Hemeroteca"
    return None
