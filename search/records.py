"""The records that flow through Hemeroteca: Document, Paragraph, ActorMention, Hit, FacetValue.

Every stage hands the next one these frozen dataclasses, so a stage can be tested with records
made by hand. Each record's JSON shape is written once, in its ``to_json``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

PARAGRAPH_KINDS = ("body", "caption", "pullquote")
ACTOR_TYPES = ("person", "org", "place")


@dataclass(frozen=True, slots=True)
class ActorMention:
    """One named actor in one paragraph.

    ``name`` is the canonical name (``Nicolás Maduro``), ``surface`` the words as the paragraph
    writes them (``Mr Maduro``), ``start``/``end`` their character offsets in the paragraph text.
    ``type`` is ``person``, ``org`` or ``place``.
    """

    name: str
    type: str
    surface: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of one article: the unit that is indexed and returned by a search.

    ``position`` is 1-based within the article; ``id`` is ``<doc_id>-p<position>``, stable as long
    as the same seeds are indexed. ``kind`` is one of PARAGRAPH_KINDS; ``section`` is the nearest
    heading above it, or None. ``line`` is the 1-based line of the file the paragraph starts on.
    """

    id: str
    doc_id: str
    position: int
    kind: str
    section: str | None
    text: str
    line: int = 0

    @property
    def anchor(self) -> str:
        """The HTML id of this paragraph on its document page."""
        return f"p{self.position}"


@dataclass(frozen=True, slots=True)
class Document:
    """One article. A file may hold several; each becomes its own Document.

    ``doc_id`` is the file's stem, with ``-a<n>`` appended when the file holds more than one
    article (n 1-based). ``date`` is as precise as known: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``,
    or None. Every metadata field is None when neither the catalog nor the text says it.
    """

    doc_id: str
    file: str
    title: str | None
    publication: str | None
    date: str | None
    author: str | None
    source_url: str | None
    paragraphs: tuple[Paragraph, ...] = field(default=())

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A seed file (or catalog entry) that could not be ingested, and why."""

    file: str
    reason: str


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of one facet with the number of matching paragraphs that carry it."""

    value: str | int
    count: int
    selected: bool = False
    type: str | None = None  # only the actor facet has one

    def to_json(self) -> dict:
        out: dict = {"value": self.value}
        if self.type is not None:
            out["type"] = self.type
        out["count"] = self.count
        out["selected"] = self.selected
        return out
