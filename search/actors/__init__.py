"""Pipeline stage 2: paragraphs → named people, organisations and places, one canonical name each
(engine-independent).

Parts: ``names`` (tokens and capitalised runs), ``candidates`` (cue rules), ``gazetteer`` (places
and the curated dictionary), ``resolve`` (within an article), ``corpus`` (across articles),
``extractor`` (the whole stage: ``ActorExtractor``).
"""
from __future__ import annotations

from search.actors.extractor import ActorExtractor

__all__ = ["ActorExtractor"]
