"""``hemeroteca serve --watch``: bring the index up to date whenever the seeds change.

Parts: ``SeedWatcher`` (``check``: one look at the seeds folder, and a build when it changed;
``start``: a daemon thread that looks every ``interval`` seconds).

A look costs a ``stat`` per file; only when sizes or times moved are the files that moved
hashed (search/seeds.py) and compared with what the index holds. A folder still being written (a copy
under way) is left until it stays the same for one interval. The build runs as
``hemeroteca index`` in a child process: the build's pipeline (NLTK, actor extraction) stays
out of the server, a failed build cannot take the server down, and the build lock makes it
wait its turn beside one started by hand (refused, it is tried again at the next look). The
server picks the new generation up as after any build (WhooshEngine.watch).
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from search.config import Settings
from search.engine import Engine, EngineUnavailable, seeds_stale

Snapshot = tuple[tuple[str, int, int], ...]  # (name, size, mtime in ns) of each file


def snapshot(seeds_dir: Path) -> Snapshot:
    """What a look compares: each file's name, size and modification time."""
    try:
        return tuple(sorted((path.name, stat.st_size, stat.st_mtime_ns)
                            for path in Path(seeds_dir).iterdir()
                            if not path.name.startswith(".") and (stat := path.stat())))
    except OSError:  # the folder (or a file in it) moved while we looked: look again later
        return ()


class SeedWatcher:
    """Watch ``settings.seeds_dir``; build with ``hemeroteca index`` when it changes."""

    def __init__(self, settings: Settings, engine: Engine, interval: float = 2.0,
                 log: Callable[[str], None] = print):
        self.settings = settings
        self.engine = engine
        self.interval = interval
        self.log = log
        self._seen: Snapshot | None = None     # the folder at the last look
        self._settled: Snapshot | None = None  # the folder the index was last checked against

    def check(self) -> str | None:
        """One look. Returns the build's summary when it built, else None."""
        now = snapshot(self.settings.seeds_dir)
        moving, self._seen = now != self._seen, now
        if moving or now == self._settled:
            return None  # still being written, or already checked
        self._settled = now
        try:
            reason = seeds_stale(self.engine, self.settings.seeds_dir)
        except (OSError, EngineUnavailable) as error:
            self.log(f"watch: cannot check the index: {error}")
            return None
        if reason is None:
            return None
        self.log(f"watch: {reason}: updating the index")
        done = subprocess.run(self.command(), capture_output=True, text=True)
        for line in done.stderr.splitlines():
            self.log(f"watch: {line}")
        if done.returncode not in (0, 1):  # 1: built, some file skipped (said above)
            self._settled = None  # refused (another build) or failed: look again
            return None
        summary = done.stdout.strip()
        self.log(f"watch: {summary}")
        return summary

    def command(self) -> list[str]:
        settings = self.settings
        command = [sys.executable, "-m", "search", "index", "--seeds", str(settings.seeds_dir),
                   "--index", str(settings.index_dir), "--engine", settings.engine]
        if settings.opensearch_url:
            command += ["--opensearch-url", settings.opensearch_url]
        if settings.opensearch_index:
            command += ["--opensearch-index", settings.opensearch_index]
        return command

    def start(self) -> threading.Thread:
        def loop() -> None:
            while True:
                try:
                    self.check()
                except Exception as error:  # noqa: BLE001 - a watcher must outlive one bad look
                    self.log(f"watch: {type(error).__name__}: {error}")
                time.sleep(self.interval)
        thread = threading.Thread(target=loop, name="hemeroteca-seed-watch", daemon=True)
        thread.start()
        return thread
