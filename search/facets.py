"""The facets, declared once: name, label, how selections combine, the type of their values,
and where a paragraph's values come from. Everything else derives from ``FACETS``: the API's
parameters and their validation (search/request.py), the OpenAPI document, the sidebar and
chips, the CLI's options, and each engine's filters and counts.

Adding a facet is one ``Facet(...)`` here (plus, if its values are new, their extraction in the
pipeline): its ``source`` reads them from the paragraph row that every engine indexes
(search/directory.py: ``paragraph_row``).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from search.records import PARAGRAPH_KINDS

# Pull-quotes repeat a sentence of a body paragraph: counting their actors and places again would
# count one mention twice, so the name facets (and name filters) skip them.
NAME_FACETS_SKIP_KINDS = frozenset({"pullquote"})

# value, and its type where the facet has types (the actor facet: person or org)
FacetEntry = tuple[object, str | None]


@dataclass(frozen=True, slots=True)
class Facet:
    """One facet.

    ``name`` is the API parameter, the key in ``facets`` and the index field. ``combine`` is
    ``all`` (a paragraph must carry every selected value: actors, places) or ``any`` (one of
    them: years, publications); an ``any`` facet's counts ignore its own selection, so the other
    values stay reachable (CONTRACT.md). ``values``, when given, is the closed set a selection
    must come from; ``value_labels`` says how a value is shown to a reader. ``names`` facets
    hold names typed by people: a selection matches ignoring accents and case.
    """

    name: str
    label: str
    combine: str
    value_type: type
    source: Callable[[Mapping], list[FacetEntry]]
    description: str
    values: tuple = ()
    value_labels: Mapping[str, str] = field(default_factory=dict)
    names: bool = False

    @property
    def any_of(self) -> bool:
        return self.combine == "any"

    def label_of(self, value: object) -> str:
        """How ``value`` is shown on a page (a chip, a sidebar entry)."""
        return self.value_labels.get(str(value), str(value))


def _names(key: str) -> Callable[[Mapping], list[FacetEntry]]:
    def source(row: Mapping) -> list[FacetEntry]:
        if row.get("kind") in NAME_FACETS_SKIP_KINDS:
            return []
        if key == "actors":
            return [(name, actor_type) for name, actor_type in row.get("actors") or []]
        return [(name, None) for name in row.get(key) or []]
    return source


def _single(key: str) -> Callable[[Mapping], list[FacetEntry]]:
    def source(row: Mapping) -> list[FacetEntry]:
        value = row.get(key)
        return [] if value in (None, "") else [(value, None)]
    return source


KIND_LABELS = {"body": "Body text", "caption": "Caption", "pullquote": "Pull-quote"}

FACETS: tuple[Facet, ...] = (
    Facet("actor", "People & organisations", "all", str, _names("actors"),
          "canonical actor names; a paragraph must name all", names=True),
    Facet("place", "Places", "all", str, _names("places"),
          "places; a paragraph must name all", names=True),
    Facet("year", "Years", "any", int, _single("year"), "years; any of them"),
    Facet("publication", "Publications", "any", str, _single("publication"),
          "publications; any of them"),
    Facet("kind", "Kind of paragraph", "any", str, _single("kind"),
          "paragraph kinds; any of them", values=PARAGRAPH_KINDS, value_labels=KIND_LABELS),
)
FACET_NAMES = tuple(facet.name for facet in FACETS)
FACET_BY_NAME = {facet.name: facet for facet in FACETS}
