"""Hemeroteca: paragraph-level search for news archives (ingest → actors → index → search)."""
from __future__ import annotations

from .config import Settings, resolve
from .records import ActorMention, Document, FacetValue, Paragraph

__all__ = ["ActorMention", "Document", "FacetValue", "Paragraph", "Settings", "resolve"]
