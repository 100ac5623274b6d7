"""What a search returns, whichever engine ran it: ``Hit`` and ``SearchResult``, with their JSON
shapes (CONTRACT.md), written once here for the API, the exports and the CLI's ``--json``."""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from search.records import FacetValue
from search.request import SearchRequest


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching paragraph, with its document's metadata and its highlighted text."""

    id: str
    doc_id: str
    position: int
    kind: str
    section: str | None
    title: str | None
    publication: str | None
    date: str | None
    year: int | None
    text: str
    highlight: Markup
    actors: list[dict]
    places: list[str]
    score: float | None
    # hybrid mode only: ("words",), ("meaning",) or both; None in lexical mode (not in the JSON)
    matched_by: tuple[str, ...] | None = None
    # the title pages show: ``title``, or for an untitled article its publication, date and
    # opening words (search/titles.py); None when the engine did not say (then title or doc_id)
    display_title: str | None = None

    @property
    def anchor(self) -> str:
        return f"p{self.position}"

    @property
    def url(self) -> str:
        return f"/documents/{self.doc_id}#{self.anchor}"

    def to_json(self) -> dict:
        out = {"id": self.id, "doc_id": self.doc_id, "position": self.position, "kind": self.kind,
                "section": self.section, "title": self.title,
                "display_title": self.display_title or self.title or self.doc_id,
                "publication": self.publication, "date": self.date, "year": self.year, "text": self.text,
                "highlight": str(self.highlight), "actors": self.actors, "places": self.places,
                "score": self.score, "url": self.url}
        if self.matched_by is not None:
            out["matched_by"] = list(self.matched_by)
        return out


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search found: the page of hits, the total, facets over all matches."""

    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    notice: str | None = None
    took_ms: float = 0.0
    parsed: str = ""
    # the words of the query that name a facet value: [{"words", "facet", "value"}, …]
    interpretation: list[dict] = field(default_factory=list)
    # words of the query that matched nothing (shown beside the suggestion)
    unmatched: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    def to_json(self) -> dict:
        return {"query": self.request.q, "total": self.total, "page": self.request.page,
                "per_page": self.request.per_page, "took_ms": round(self.took_ms, 2),
                "hits": [hit.to_json() for hit in self.hits],
                "facets": {name: [v.to_json() for v in values] for name, values in self.facets.items()},
                "suggestion": self.suggestion, "unmatched_words": list(self.unmatched),
                "interpretation": self.interpretation,
                "notice": self.notice, "parsed_query": self.parsed, "mode": self.request.mode}


