"""The systems the benchmark compares, each doing the same work on the same paragraphs.

Parts: one module per system, each with ``build(corpus, work) -> dict`` (timed by the caller;
returns notes) and ``open_engine(work) -> Engine`` whose ``search(query)`` returns
``(total, facets, hits)``: the number of matching paragraphs, the counts of the four facets
(actor, place, year, publication) over them, and the first 10 hits with highlighted text.
``SYSTEMS`` maps each name to its module, in the order the benchmark runs them (Hemeroteca
first: its build exports the paragraphs and their actors, which the peers index).
"""
from __future__ import annotations

import importlib

SYSTEMS = {
    "hemeroteca": "bench.systems.hemeroteca",
    "sqlite-fts5": "bench.systems.fts5",
    "tantivy": "bench.systems.tantivy_peer",
    "whoosh-plain": "bench.systems.whoosh_plain",
}
FACETS = ("actor", "place", "year", "publication")
PAGE = 10


def system(name: str):
    """The module of system ``name``."""
    return importlib.import_module(SYSTEMS[name])
