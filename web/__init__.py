"""The Flask app: ``create_app(config=None)`` wires configuration, the index handle, the API and
the pages. Nothing is read from the environment or opened at import time."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from search.config import resolve


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    """Create the app. ``config`` keys override ``HEMEROTECA_*`` env vars, which override defaults."""
    app = Flask(__name__)
    app.config.from_mapping(
        AUTO_INDEX=False,       # build the index at start when missing or stale (serve sets it)
        MAX_EXPORT_ROWS=1000,   # bound on one export download
        JSON_SORT_KEYS=False,
    )
    app.config.from_mapping(dict(config or {}))
    settings = resolve(app.config)
    app.config["SEEDS_DIR"] = str(settings.seeds_dir)
    app.config["INDEX_DIR"] = str(settings.index_dir)

    from . import api, errors, export, index_handle, pages, security
    index_handle.init_app(app, settings)
    errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(export.bp)
    return app
