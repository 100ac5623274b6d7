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
        JSON_SORT_KEYS=False,
    )
    app.config.from_mapping(dict(config or {}))
    settings = resolve(app.config)
    # The resolved values (defaults → env → config), so views read what the engine was given.
    app.config.update(SEEDS_DIR=str(settings.seeds_dir), INDEX_DIR=str(settings.index_dir),
                      ENGINE=settings.engine, OPENSEARCH_URL=settings.opensearch_url,
                      OPENSEARCH_INDEX=settings.opensearch_index,
                      MAX_EXPORT_ROWS=settings.max_export_rows)

    from . import api, compression, engine_handle, errors, export, pages, security, static_files
    engine_handle.init_app(app, settings)
    errors.init_app(app)
    security.init_app(app)
    compression.init_app(app)
    static_files.init_app(app)  # after compression: its after_request runs first
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(export.bp)
    return app
