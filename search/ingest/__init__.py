"""Pipeline stage 1: seed files and catalog.toml → Documents and Paragraphs (engine-independent).

Parts: ``catalog`` (read catalog.toml), ``articles`` (decode files, split articles and
paragraphs, read titles and dates, drop page junk).
"""
from __future__ import annotations

from search.ingest.articles import CATALOG_NAME, SEED_SUFFIXES, IngestResult, ingest_seeds
from search.ingest.catalog import CatalogError, read_catalog

__all__ = ["CATALOG_NAME", "SEED_SUFFIXES", "CatalogError", "IngestResult", "ingest_seeds",
           "read_catalog"]
