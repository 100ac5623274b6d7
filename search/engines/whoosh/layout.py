"""The index folder's layout: file names, the ``current`` generation, and whether it is stale.

Parts: the names (``CURRENT``, ``BUILD_FILE``…), ``current_generation``, ``read_build``,
``read_seed_state``, ``stale_reason``, ``version_mismatch``, ``unusable`` (a generation whose
files are damaged or missing). A server needs these without the build's imports (NLTK and the actor
pipeline: 80 MB and most of a second), so they live apart from indexer.py.

Layout of the index folder::

    index/current -> gen-20261123T180501-1234   (symlink, swapped with os.replace)
    index/gen-…/            Whoosh files (_MAIN_<n>.toc + one MAIN_<id>.seg per segment)
                            + build.json + directory.json
                            + columns/<segment id>/ (facet arrays of that segment)
    index/cache/            the pipeline's memory between builds (search/pipeline_cache.py)
    index/.build.lock       held by the one build that may run at a time

A generation's segment files and segment columns never change once written: an incremental
build starts the next generation from hard links to them, then adds a segment and marks
replaced paragraphs deleted (in the new table of contents only). Other files a generation
holds (vectors, by search/semantic/) are that feature's.

Readers open ``realpath(current)``, so a build never writes where a reader reads: a reader sees
the old generation or the new one, never half of one (DEPENDENCIES.md: ``open_dir`` can fail on
the ``.toc`` while a writer commits in the same folder).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from search.seeds import SeedState
from search.engines.whoosh.schema import SCHEMA_VERSION

CURRENT = "current"
DIRECTORY_FILE = "directory.json"
BUILD_FILE = "build.json"
LOCK_FILE = ".build.lock"
COLUMNS_DIR = "columns"
INDEX_NAME = "MAIN"  # Whoosh's default: its files are MAIN_<segment>.seg and _MAIN_<n>.toc
SEGMENT_FILE = "segment.json"  # in COLUMNS_DIR/<segment id>/: written last (columns.py)
# The layout of a generation folder; a generation of another layout is rebuilt (per-segment
# columns and corpus statistics came with version 2, for incremental builds).
LAYOUT_VERSION = 2


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder ``current`` points at, or None when there is none."""
    link = index_dir / CURRENT
    target = Path(os.path.realpath(link))
    return target if link.exists() and (target / BUILD_FILE).exists() else None


def read_build(index_dir: Path) -> dict | None:
    """The current generation's build.json, or None when there is none or it cannot be read."""
    generation = current_generation(index_dir)
    if generation is None:
        return None
    try:
        return json.loads((generation / BUILD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_seed_state(index_dir: Path) -> SeedState | None:
    """What the current generation was built from, or None (no index, or one to rebuild)."""
    build = read_build(index_dir)
    if build is None or version_mismatch(build) or not isinstance(build.get("seeds"), dict):
        return None
    return SeedState.from_json(build["seeds"])


def unusable(generation: Path) -> str | None:
    """Why ``generation``'s Whoosh files or facet columns cannot be used, or None.

    Reads the table of contents and the directory, and checks that each segment's file and
    columns are there: a few milliseconds, not an opening (generation.py reads far more).
    """
    try:
        json.loads((generation / DIRECTORY_FILE).read_text(encoding="utf-8"))
        segments = FileStorage(str(generation), supports_mmap=False).open_index(INDEX_NAME)._segments()
        for segment in segments:
            if segment.is_compound() and not (generation / segment.make_filename(".seg")).exists():
                return f"segment {segment.segid} is missing"
            if not (generation / COLUMNS_DIR / segment.segid / SEGMENT_FILE).exists():
                return f"the facet columns of segment {segment.segid} are missing"
    except Exception as error:  # noqa: BLE001 - whatever broke, the answer is: rebuild
        return f"{type(error).__name__}: {error}"
    return None


def stale_reason(index_dir: Path, seeds: SeedState) -> str | None:
    """Why the index must be (re)built to hold ``seeds``, or None when it is up to date."""
    generation = current_generation(index_dir)
    if generation is None:
        return f"no index yet in {index_dir}"
    build = read_build(index_dir)
    if build is None:  # damaged by a crash or by hand: rebuild it
        return f"the index in {index_dir} cannot be read"
    mismatch = version_mismatch(build)
    if mismatch:
        return mismatch
    if unusable(generation):
        return f"the index in {index_dir} cannot be read"
    if read_seed_state(index_dir) != seeds:
        return "the seeds changed since the index was built"
    return None


def version_mismatch(build: dict) -> str | None:
    """Why a generation with this build.json cannot be read by this version, or None."""
    if build.get("schema_version") != SCHEMA_VERSION or build.get("layout_version") != LAYOUT_VERSION:
        return "the index was built by another version of Hemeroteca"
    return None
