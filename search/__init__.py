"""Hemeroteca: paragraph-level search for news archives (ingest → actors → index → search)."""
from __future__ import annotations

from search.config import Settings, resolve
from search.records import ActorMention, Document, FacetValue, Paragraph

__all__ = ["ActorMention", "Document", "FacetValue", "Paragraph", "Settings", "resolve"]
