"""The engines behind the seam (search/engine.py), by name. An engine's package is imported
only when it is chosen: the embedded engine needs no OpenSearch client, and the other way round.
"""
from __future__ import annotations

from importlib import import_module

# name → "module:class"
ENGINES = {
    "whoosh": "search.engines.whoosh.engine:WhooshEngine",
    "opensearch": "search.engines.opensearch.engine:OpenSearchEngine",
}
ENGINE_NAMES = tuple(ENGINES)


def engine_class(name: str) -> type:
    """The class of engine ``name`` (imported on first use)."""
    module, _, cls = ENGINES[name].partition(":")
    return getattr(import_module(module), cls)
