"""The app's handle on the index: the current generation, opened once and swapped when a build
moves ``current``. ``init_app`` registers it (and, outside tests, a thread that opens a new
generation as soon as ``current`` moves: config ``PRELOAD_INDEX``); views call ``get_generation()``."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from flask import Flask, current_app

from search.config import Settings
from search.engines.whoosh.generation import Generation, IndexMissing, open_current
from search.engines.whoosh.layout import CURRENT, stale_reason


class IndexHandle:
    """Keeps the open Generation and reopens it when ``index/current`` points elsewhere.

    One check per request (a readlink) lets a running server pick up a rebuilt index without a
    restart; requests already under way keep the generation they started with.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._generation: Generation | None = None

    def get(self) -> Generation:
        target = Path(os.path.realpath(self.settings.index_dir / CURRENT))
        generation = self._generation
        if generation is not None and generation.path == target:
            return generation
        with self._lock:
            if self._generation is None or self._generation.path != target:
                self._generation = open_current(self.settings.index_dir)
            return self._generation

    def preload(self) -> None:
        """Open the generation ``current`` points at now, if it is not open yet."""
        try:
            self.get()
        except Exception:  # noqa: BLE001 - no index yet, or half-deleted: a request will say so
            pass

    def watch(self, interval: float = 1.0) -> threading.Thread:
        """Preload in a daemon thread, every ``interval`` seconds: after a start or a rebuild the
        new generation is opened before a request needs it (the request would otherwise pay for
        the opening). A request arriving during the opening waits for it, as before."""
        def loop() -> None:
            while True:
                self.preload()
                time.sleep(interval)
        thread = threading.Thread(target=loop, name="hemeroteca-index-preload", daemon=True)
        thread.start()
        return thread

    def ensure_built(self) -> None:
        """Build the index when it is missing or older than the seeds."""
        if stale_reason(self.settings) is not None:
            # Imported here: only a build needs the actor pipeline (NLTK), not a server.
            from search.engines.whoosh.indexer import build_index
            build_index(self.settings)


def init_app(app: Flask, settings: Settings) -> None:
    handle = IndexHandle(settings)
    app.extensions["hemeroteca.index"] = handle
    if app.config.get("AUTO_INDEX"):
        handle.ensure_built()
    if app.config.get("PRELOAD_INDEX", not app.testing):
        handle.watch()


def get_generation() -> Generation:
    """The generation to serve this request from; raises IndexMissing when there is none."""
    handle: IndexHandle = current_app.extensions["hemeroteca.index"]
    return handle.get()


__all__ = ["IndexHandle", "IndexMissing", "get_generation", "init_app"]
