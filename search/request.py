"""From request parameters to a validated SearchRequest, for every engine and every front end.

Parts: the limits (``MAX_*``), ``SORTS``, ``MODES``, ``BadParameter``, ``SearchRequest`` (what
a search asks for; its filters are keyed by facet name, search/facets.py), ``parse_request``
(raw parameters → request; raises ``BadParameter``).

Pure: no Flask, no index. Views and the CLI hand over plain values (each name → its values).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from search.facets import FACET_NAMES, FACETS, Facet

SORTS = ("relevance", "newest", "oldest")
# lexical: words only; hybrid: words and meaning (the `semantic` extra; engines say if they can)
MODES = ("lexical", "hybrid")
MAX_QUERY_LENGTH = 1000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
MAX_FILTER_VALUES = 20
MAX_RESULT_WINDOW = 10_000  # page * per_page: deep paging is what exports are for
# Paragraph ids are short tokens (letters, digits, "-", "_", ":", "."); anything else is a typo.
PARAGRAPH_ID = re.compile(r"[\w.:-]{1,200}")


class BadParameter(ValueError):
    """A request parameter is missing its value, malformed or out of range."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A validated search. ``filters`` maps a facet name to its selected values (see FACETS for
    how each combines); facets with no selection are absent."""

    q: str = ""
    filters: Mapping[str, tuple] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    like: str | None = None  # a paragraph id: rank paragraphs similar to it (more like this)
    mode: str = "lexical"

    def selected(self, facet: str) -> tuple:
        """The values selected in ``facet`` (empty when none)."""
        return tuple(self.filters.get(facet, ()))

    def selections(self) -> dict[str, tuple]:
        """Selected values by facet name, every facet present."""
        return {name: self.selected(name) for name in FACET_NAMES}

    @property
    def has_filters(self) -> bool:
        return any(self.filters.values()) or bool(self.date_from or self.date_to)

    def to_params(self, **changes: object) -> dict[str, object]:
        """The request as URL parameters (lists for repeatable ones), with ``changes`` applied.

        Used to build links: the pages' facet and pagination links, the API's own examples.
        """
        params: dict[str, object] = {"q": self.q}
        for name in FACET_NAMES:
            params[name] = [str(value) for value in self.selected(name)]
        params.update({
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "sort": None if self.sort == "relevance" else self.sort,
            "page": None if self.page == 1 else self.page,
            "per_page": None if self.per_page == DEFAULT_PER_PAGE else self.per_page,
            "like": self.like,
            "mode": None if self.mode == "lexical" else self.mode,
        })
        params.update(changes)
        return {key: value for key, value in params.items() if value not in (None, "", [])}


def parse_request(params: Mapping[str, Sequence[str]]) -> SearchRequest:
    """Validate raw parameters (each name → its list of values) into a SearchRequest."""
    q = _single(params, "q") or ""
    if len(q) > MAX_QUERY_LENGTH:
        raise BadParameter("q", f"the query is {len(q)} characters long; the limit is {MAX_QUERY_LENGTH}")
    per_page = _integer(params, "per_page", default=DEFAULT_PER_PAGE, low=1, high=MAX_PER_PAGE)
    page = _integer(params, "page", default=1, low=1, high=MAX_RESULT_WINDOW)
    if page * per_page > MAX_RESULT_WINDOW:
        raise BadParameter("page", f"page × per_page may be at most {MAX_RESULT_WINDOW}; "
                                   "narrow the search or use the export")
    sort = _choice(params, "sort", SORTS)
    mode = _choice(params, "mode", MODES)
    date_from = _date(params, "date_from")
    date_to = _date(params, "date_to")
    if date_from and date_to and date_from > date_to:
        raise BadParameter("date_from", "date_from is after date_to")
    like = (_single(params, "like") or "").strip() or None
    if like is not None and not PARAGRAPH_ID.fullmatch(like):
        raise BadParameter("like", f"{like[:80]!r} is not a paragraph id (the `id` of a hit)")
    filters = {facet.name: values for facet in FACETS
               if (values := _facet_values(params, facet))}
    return SearchRequest(q=q.strip(), filters=filters, date_from=date_from, date_to=date_to,
                         sort=sort, page=page, per_page=per_page, like=like, mode=mode)


def _facet_values(params: Mapping[str, Sequence[str]], facet: Facet) -> tuple:
    values = tuple(dict.fromkeys(_values(params, facet.name)))
    if facet.value_type is int:
        return tuple(dict.fromkeys(_year(value) if facet.name == "year" else _whole(facet.name, value)
                                   for value in values))
    for value in values:
        if facet.values and value not in facet.values:
            raise BadParameter(facet.name, f"unknown {facet.name} {value!r}; choose from "
                                           f"{', '.join(map(str, facet.values))}")
    return values


def _values(params: Mapping[str, Sequence[str]], name: str) -> list[str]:
    given = params.get(name, [])
    # Counted before empty values are dropped, so the bound holds for any request.
    if len(given) > MAX_FILTER_VALUES:
        raise BadParameter(name, f"at most {MAX_FILTER_VALUES} values, got {len(given)}")
    return [str(v).strip() for v in given if v is not None and str(v).strip() != ""]


def _single(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise BadParameter(name, "give it once")
    return str(values[0]) if values else None


def _choice(params: Mapping[str, Sequence[str]], name: str, choices: tuple[str, ...]) -> str:
    value = (_single(params, name) or "").strip() or choices[0]
    if value not in choices:
        raise BadParameter(name, f"unknown {name} {value!r}; choose from {', '.join(choices)}")
    return value


def _integer(params: Mapping[str, Sequence[str]], name: str, default: int, low: int, high: int) -> int:
    raw = _single(params, name)
    if raw is None or raw.strip() == "":
        return default
    value = _whole(name, raw)
    if not low <= value <= high:
        raise BadParameter(name, f"must be between {low} and {high}, got {value}")
    return value


def _whole(name: str, raw: str) -> int:
    # ASCII digits only: int() would also take "１０", "1_0" and surrounding spaces.
    if not re.fullmatch(r"-?[0-9]+", raw):
        raise BadParameter(name, f"{raw!r} is not a whole number")
    return int(raw)


def _year(raw: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", raw):
        raise BadParameter("year", f"{raw!r} is not a year (YYYY)")
    return int(raw)


def _date(params: Mapping[str, Sequence[str]], name: str) -> date | None:
    raw = _single(params, name)
    if raw is None or raw.strip() == "":
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BadParameter(name, f"{raw!r} is not an ISO date (YYYY-MM-DD)") from None
