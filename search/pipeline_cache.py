"""The build's memory on disk: each article's actor mentions, and the corpus state of each build.

Parts: ``PipelineCache`` (``load_mentions``/``save_mentions`` by search/corpus_state.py's
``mentions_key``, ``load_state``/``save_state`` by ``state_key``, ``collect``).

Layout (beside the index, ``<index>/cache/``; disposable like the index)::

    states/<state key>.state           the CorpusState of the seeds an index was built from
    mentions/<key[:2]>/<key>.pickle    one article's mentions, per paragraph, before resolution

Everything is content-addressed: a file can only ever hold the one value its key names, so a
killed build, a concurrent one or a deleted file can cost time (a miss: the build re-reads or
re-extracts, or falls back to a full build) but never give a wrong result. Files are written
to a temporary name and renamed, so a reader sees a whole file or none.
"""
from __future__ import annotations

import marshal
import os
import pickle
import time
from pathlib import Path

from search.corpus_state import CorpusState

CACHE_DIR = "cache"  # the cache's folder inside an index folder (or beside an engine's index)
STATES_DIR = "states"
MENTIONS_DIR = "mentions"
KEEP_STATES = 3  # the newest states kept (the index's, and those of builds that may follow)

# One paragraph's mentions as stored: (name, type, surface, start, end) each.
StoredMentions = list[list[tuple[str, str, str, int, int]]]


class PipelineCache:
    """The cache folder ``folder`` (created on first write)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    # ------------------------------------------------------------------ mentions
    def load_mentions(self, key: str) -> StoredMentions | None:
        return self._load(self._mentions_path(key))

    def save_mentions(self, key: str, mentions: StoredMentions) -> None:
        path = self._mentions_path(key)
        if not path.exists():
            self._save(path, mentions)

    # ------------------------------------------------------------------ states
    def load_state(self, key: str) -> CorpusState | None:
        try:
            # marshal.load on a file reads it in small pieces: ten times slower than one read
            return CorpusState.from_data(marshal.loads((self.folder / STATES_DIR / f"{key}.state").read_bytes()))
        except Exception:  # noqa: BLE001 - missing, damaged or from another version: a miss
            return None

    def save_state(self, key: str, state: CorpusState) -> None:
        self._save(self.folder / STATES_DIR / f"{key}.state", state.to_data(), dump=marshal.dump)

    def collect(self, keep: set[str], referenced: set[str]) -> None:
        """Remove states but ``keep`` and the newest KEEP_STATES, and the mentions no kept
        state refers to (``referenced``: the mentions keys of the kept states that matter)."""
        states = sorted((self.folder / STATES_DIR).glob("*.state"),
                        key=lambda path: path.stat().st_mtime, reverse=True)
        for number, path in enumerate(states):
            if number >= KEEP_STATES and path.stem not in keep:
                path.unlink(missing_ok=True)
        for path in (self.folder / MENTIONS_DIR).glob("*/*.pickle"):
            if path.stem not in referenced:
                path.unlink(missing_ok=True)
        stale = time.time() - 3600  # a killed build's half-written file (a live one is newer)
        for path in self.folder.glob("*/**/.*.tmp"):
            if path.stat().st_mtime < stale:
                path.unlink(missing_ok=True)

    # ------------------------------------------------------------------ files
    def _mentions_path(self, key: str) -> Path:
        return self.folder / MENTIONS_DIR / key[:2] / f"{key}.pickle"

    @staticmethod
    def _load(path: Path):
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - damaged or from another version: a miss
            return None

    @staticmethod
    def _save(path: Path, value: object, dump=None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            if dump is None:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            else:
                dump(value, handle)
        os.replace(temporary, path)
