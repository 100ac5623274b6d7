"""The app's handle on its engine (search/engine.py): opened once per app from the resolved
settings. ``init_app`` registers it (and, when the app asks for it, builds a missing or stale
index first: ``AUTO_INDEX``); views call ``get_engine()``."""
from __future__ import annotations

from flask import Flask, current_app

from search.config import Settings
from search.engine import Engine, open_engine, seeds_stale


def ensure_built(engine: Engine, settings: Settings) -> None:
    """Bring the index up to date with the seeds when it is missing or older than them."""
    if seeds_stale(engine, settings.seeds_dir) is not None:
        # Imported here: only a build needs the actor pipeline (NLTK), not a server.
        from search.changes import plan_changes
        from search.engine import IndexNeedsRebuild
        from search.pipeline_cache import CACHE_DIR
        cache = settings.index_dir / CACHE_DIR
        try:
            engine.apply(plan_changes(settings.seeds_dir, engine.seed_state(), cache_dir=cache))
        except IndexNeedsRebuild:  # damaged: rebuilt from scratch
            engine.apply(plan_changes(settings.seeds_dir, None, full=True, cache_dir=cache))


def init_app(app: Flask, settings: Settings) -> None:
    engine = open_engine(settings)
    app.extensions["hemeroteca.engine"] = engine
    if app.config.get("AUTO_INDEX"):
        ensure_built(engine, settings)
    # Open each new index generation before a request needs it (outside tests, which want no
    # threads): only an engine that keeps generations on disk has anything to watch.
    if app.config.get("PRELOAD_INDEX", not app.testing) and hasattr(engine, "watch"):
        engine.watch()


def get_engine() -> Engine:
    """The engine this app answers from (its methods raise EngineUnavailable when no index)."""
    return current_app.extensions["hemeroteca.engine"]


__all__ = ["get_engine", "init_app"]
