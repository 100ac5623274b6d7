"""Blueprint "pages": the search page, the document page, the actor page and the query help.

Parts: link helpers (``search_url``, ``toggle_url``, ``year_url``, ``clear_filters_url``,
``document_url``: every state is a URL built from the request's own parameters,
``SearchRequest.to_params``), what the templates show of a search (``facet_views``, the sidebar;
``filter_chips``; ``hit_names``), the corrections and plain words for a page's parameters
(page_params.py), and the views. Pages need no JavaScript; ``static/app.js`` only enhances them.

Everything a template shows per facet comes from search/facets.py's FACETS, so a new facet
appears in the sidebar, the chips and "Clear all" without a template edit.

Page-only parameters ride along with the search parameters: ``more`` (repeatable: facets shown
in full instead of their first values) and ``<facet>_q`` for a facet of names (``actor_q``,
``place_q``: narrows that facet's list).
"""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from markupsafe import escape

from search.facets import FACET_BY_NAME, FACET_NAMES, FACETS
from search.request import BadParameter, SearchRequest, parse_request
from search.results import Hit, SearchResult
from search.text import fold_accents

from .engine_handle import get_engine
from .page_params import corrected_params, plain_words
from .timeline import build_timeline

bp = Blueprint("pages", __name__)

# A facet whose values have types (the actor facet) lists them in these groups, in this order.
TYPE_GROUPS = {"person": "People", "org": "Organisations", "place": "Places"}
TYPE_NAMES = {"person": "person", "org": "organisation", "place": "place"}
FACET_SHOWN = 8          # values listed before "show more" (per group for typed facets)
BLANK_DOCUMENTS = 12     # documents listed on the blank search page
BLANK_ACTORS = 16        # actors listed on the blank search page
NAME_FACETS = tuple(facet.name for facet in FACETS if facet.names)


def find_param(facet: str) -> str:
    """The page-only parameter that narrows the list of a facet of names (``actor_q``)."""
    return f"{facet}_q"


# --------------------------------------------------------------------------- links

def search_url(search_request: SearchRequest, **changes: object) -> str:
    """The search page URL for ``search_request`` with ``changes`` (page resets unless given)."""
    changes.setdefault("page", None)
    return url_for("pages.search", **search_request.to_params(**changes))


def toggle_url(search_request: SearchRequest, facet: str, value: object) -> str:
    """The URL that adds ``value`` to facet ``facet``, or removes it when already selected."""
    current = list(search_request.selected(facet))
    values = [v for v in current if v != value] if value in current else current + [value]
    return search_url(search_request, **{facet: [str(v) for v in values]})


def clear_filters_url(search_request: SearchRequest) -> str:
    """The same search without any filter (every facet of FACETS, and the dates)."""
    return search_url(search_request, date_from=None, date_to=None,
                      **{name: [] for name in FACET_NAMES})


def year_url(search_request: SearchRequest, year: int) -> str:
    """A timeline bar's link: only that year (or no year filter when it is the only one)."""
    if search_request.selected("year") == (year,) and not _has_dates(search_request):
        return search_url(search_request, year=[])
    return search_url(search_request, year=[str(year)], date_from=None, date_to=None)


def export_url(search_request: SearchRequest, fmt: str) -> str:
    """The download of the whole result set (every page) as ``fmt`` (csv or json)."""
    return url_for(f"export.{fmt}", **search_request.to_params(page=None, per_page=None))


def document_url(doc_id: str, position: int | None = None,
                 state: SearchRequest | None = None) -> str:
    """An article, scrolled to paragraph ``position``; ``state`` is the search it was opened
    from: its words are highlighted and "← Results" returns to exactly that search."""
    params = state.to_params() if state is not None else {}
    url = url_for("pages.document", doc_id=doc_id, **params)
    return f"{url}#p{position}" if position else url


def actor_url(name: str) -> str:
    return url_for("pages.actor", name=name)


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address, else None: a catalog's ``javascript:`` is no link."""
    if url and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return url.strip()
    return None


def kind_badge_label(kind: str) -> str | None:
    """A paragraph's badge: its kind as the kind facet labels it ("Pull-quote"); body text,
    most of an archive, has none."""
    return None if kind == "body" else FACET_BY_NAME["kind"].label_of(kind)


@bp.app_context_processor
def link_helpers() -> dict:
    return {"search_url": search_url, "toggle_url": toggle_url, "export_url": export_url,
            "document_url": document_url, "actor_url": actor_url, "web_url": web_url,
            "clear_filters_url": clear_filters_url, "hit_names": hit_names,
            "kind_badge_label": kind_badge_label}


# --------------------------------------------------------------------------- what a search shows

def hit_names(hit: Hit, search_request: SearchRequest | None = None) -> list[dict]:
    """The actors and places a hit names, each with its page and (on a search) the control that
    filters by it, which says "remove" when that filter is on."""
    # The hit's names as a paragraph row (search/directory.py), read by each facet of names.
    row = {"actors": [[a["name"], a["type"]] for a in hit.actors], "places": hit.places}
    names = []
    for facet in FACETS:
        if not facet.names:
            continue
        for value, kind in facet.source(row):
            kind = kind or facet.name
            entry = {"name": value, "type": kind, "type_name": TYPE_NAMES.get(kind, kind),
                     "url": actor_url(value), "filter_url": None, "filtering": False}
            if search_request is not None:
                entry["filter_url"] = toggle_url(search_request, facet.name, value)
                entry["filtering"] = value in search_request.selected(facet.name)
            names.append(entry)
    return names


def filter_chips(search_request: SearchRequest) -> list[dict]:
    """One chip per selected value (and one for the dates), each with the URL that removes it."""
    chips = []
    for facet in FACETS:
        for value in search_request.selected(facet.name):
            chips.append({"facet": facet.label, "value": facet.label_of(value),
                          "remove_url": toggle_url(search_request, facet.name, value)})
    if _has_dates(search_request):
        chips.append({"facet": "Dates", "value": date_range_label(search_request),
                      "remove_url": search_url(search_request, date_from=None, date_to=None)})
    return chips


def date_range_label(search_request: SearchRequest) -> str:
    first = search_request.date_from.isoformat() if search_request.date_from else "…"
    last = search_request.date_to.isoformat() if search_request.date_to else "…"
    return f"{first} – {last}"


def facet_views(result: SearchResult, more: set[str], finds: dict[str, str]) -> list[dict]:
    """The sidebar: per facet of FACETS, its groups of values, which are shown, and its links."""
    request_obj = result.request
    views = []
    for facet in FACETS:
        name = facet.name
        values = list(result.facets.get(name, []))
        if facet.value_type is int:  # years: the latest first
            values.sort(key=lambda v: v.value, reverse=True)
        needle = fold_accents(finds.get(name, "")).casefold()
        findable = facet.names and (len(values) > FACET_SHOWN or bool(needle))
        if needle:
            values = [v for v in values if v.selected or needle in fold_accents(str(v.value)).casefold()]
        if any(v.type for v in values):
            groups = [(TYPE_GROUPS.get(kind, kind), kind, [v for v in values if v.type == kind])
                      for kind in dict.fromkeys([*TYPE_GROUPS, *(v.type for v in values)])]
        else:
            groups = [(None, None, values)]
        expanded = name in more or bool(needle)
        hidden = 0
        shown_groups = []
        for label, kind, group in groups:
            entries = []
            for i, v in enumerate(group):
                folded = i >= FACET_SHOWN and not v.selected and not expanded
                hidden += folded
                entries.append({"value": v.value, "label": facet.label_of(v.value), "type": v.type,
                                "count": v.count, "selected": v.selected, "hidden": folded,
                                "href": toggle_url(request_obj, name, v.value),
                                "page_url": actor_url(str(v.value)) if facet.names else None})
            if entries:
                shown_groups.append({"label": label, "type": kind, "values": entries})
        if not shown_groups and not needle:
            continue
        others = {key: value for key, value in finds.items() if key != name}
        views.append({
            "name": name, "label": facet.label, "groups": shown_groups, "hidden": hidden,
            "more_url": _state_url(request_obj, more | {name}, finds) if hidden else None,
            "less_url": (_state_url(request_obj, more - {name}, finds)
                         if name in more and any(len(g["values"]) > FACET_SHOWN for g in shown_groups)
                         else None),
            "findable": findable, "find": finds.get(name, ""), "find_param": find_param(name),
            "find_clear_url": _state_url(request_obj, more, others),
            "find_fields": hidden_fields(request_obj, page=None)
                           + [("more", m) for m in sorted(more) if m != name]
                           + [(find_param(key), value) for key, value in others.items()],
        })
    return views


def _state_url(search_request: SearchRequest, more: set[str], finds: dict[str, str]) -> str:
    """This very page (same page number) with other page-only parameters."""
    return url_for("pages.search", **search_request.to_params(), more=sorted(more) or None,
                   **{find_param(name): value for name, value in finds.items() if value})


def hidden_fields(search_request: SearchRequest, **changes: object) -> list[tuple[str, str]]:
    """The request as (name, value) pairs for a form's hidden inputs."""
    pairs = []
    for key, value in search_request.to_params(**changes).items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((key, str(one)))
    return pairs


def _has_dates(search_request: SearchRequest) -> bool:
    return bool(search_request.date_from or search_request.date_to)


def _is_blank(search_request: SearchRequest) -> bool:
    """True for the bare search page: nothing asked yet, so show the intro instead of hits."""
    return search_request.to_params() == {}


def _like_source(engine, search_request: SearchRequest) -> dict | None:
    """The paragraph a "more like this" search starts from, shown above its results."""
    like = search_request.like
    if not like:
        return None
    doc_id, _, position = str(like).rpartition("-p")
    doc = engine.document(doc_id) if doc_id else None
    paragraph = next((p for p in (doc or {}).get("paragraphs", []) if p["id"] == like), None)
    if doc is None or paragraph is None:
        return None
    return {"id": like, "doc_id": doc_id, "position": paragraph["position"],
            "title": doc.get("display_title") or doc.get("title") or doc_id,
            "publication": doc.get("publication"),
            "date": doc.get("date"), "kind": paragraph["kind"], "text": paragraph["text"]}


def _timeline(engine, search_request: SearchRequest, result: SearchResult):
    """The per-year bars of a search. With a date range, the bars count every year (the range's
    own selection aside, as the year facet ignores its own), so the range can be changed."""
    year_facet = result.facets.get("year", [])
    if _has_dates(search_request):
        undated = replace(search_request, date_from=None, date_to=None, page=1, per_page=1)
        year_facet = engine.search(undated).facets.get("year", [])
    selected = set(search_request.selected("year"))
    if _has_dates(search_request):
        first = search_request.date_from.year if search_request.date_from else 0
        last = search_request.date_to.year if search_request.date_to else 9999
        selected |= {v.value for v in year_facet if first <= v.value <= last}
    return build_timeline({v.value: v.count for v in year_facet},
                          lambda year: year_url(search_request, year), frozenset(selected))


def _range_anchor(search_request: SearchRequest) -> int | None:
    """The year a Shift+click on the timeline extends a range from: the one selected year, or
    the start of the date range."""
    if search_request.date_from:
        return search_request.date_from.year
    years = search_request.selected("year")
    return years[0] if len(years) == 1 else None


# --------------------------------------------------------------------------- views

@bp.get("/")
def search():
    """The search page: query box, timeline, facets, results with highlights, pagination."""
    args = request.args.to_dict(flat=False)
    corrected = corrected_params(args)
    if corrected != args:  # a harmless slip (page=-3, per_page=0): show the nearest good page
        return redirect(url_for("pages.search", **corrected))
    more = set(request.args.getlist("more")) & set(FACET_NAMES)
    finds = {name: request.args.get(find_param(name), "").strip()[:100] for name in NAME_FACETS}
    finds = {name: value for name, value in finds.items() if value}
    engine = get_engine()
    try:
        search_request = parse_request(args)
        result = engine.search(search_request)
    except BadParameter as error:
        return _search_error(error, args)
    timeline = _timeline(engine, search_request, result)
    blank = _is_blank(search_request)
    documents = actors = []
    if blank:
        documents = sorted(engine.documents(), key=lambda d: d.get("date") or "", reverse=True)
        actors = engine.actors()[:BLANK_ACTORS]
    chips = filter_chips(search_request)
    return render_template(
        "search.html", request_obj=search_request, result=result, error=None, blank=blank,
        facets=facet_views(result, more, finds), chips=chips,
        past_the_end=bool(result.total and not result.hits and search_request.page > result.pages),
        search_keep_fields=hidden_fields(search_request, q=None, page=None, like=None),
        date_fields=hidden_fields(search_request, page=None, date_from=None, date_to=None),
        range_base=search_url(search_request, year=[], date_from=None, date_to=None),
        range_anchor=_range_anchor(search_request), focus_find=next(iter(finds), None),
        timeline=timeline, documents=documents[:BLANK_DOCUMENTS], document_count=len(documents),
        top_actors=actors, like=_like_source(engine, search_request),
        max_export=current_app.config["MAX_EXPORT_ROWS"],
        # words and meaning (mode=hybrid) only where this index and installation can answer it
        hybrid_offered=getattr(engine, "hybrid_unavailable", lambda: "")() is None)


def _search_error(error: BadParameter, args: dict[str, list[str]]):
    """A search that cannot run: what is wrong in plain words, and the search without it."""
    without = {key: values for key, values in args.items() if key != error.name}
    if error.name in ("date_from", "date_to"):
        without = {key: values for key, values in without.items() if key not in ("date_from", "date_to")}
    return render_template(
        "search.html", request_obj=SearchRequest(q=request.args.get("q", "")[:1000]), result=None,
        error=plain_words(error, args), retry_url=url_for("pages.search", **without)), 400


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    """One article, a numbered element per paragraph. Opened from a search, it carries that
    search: its words are highlighted and "← Results" goes back to it."""
    state = _search_state(request.args.to_dict(flat=False))
    doc = get_engine().document(doc_id, state.q if state else "")
    if doc is None:
        abort(404, description=f"There is no article “{doc_id}” in this archive.")
    paragraphs = [{**p, "html": p.get("highlight") or escape(p["text"])} for p in doc["paragraphs"]]
    back_url = search_url(state, page=state.page if state.page > 1 else None) if state else None
    return render_template("document.html", doc=doc, paragraphs=paragraphs,
                           q=state.q if state else "", state=state, back_url=back_url)


def _search_state(args: dict[str, list[str]]) -> SearchRequest | None:
    """The search a document page was opened from (None when it was opened on its own)."""
    try:
        state = parse_request(corrected_params(args))
    except BadParameter:
        state = SearchRequest(q=(args.get("q") or [""])[0][:1000].strip())
    return state if state.to_params() else None


@bp.get("/actors/<path:name>")
def actor(name: str):
    """An actor: type, aliases, counts, years, co-occurring actors, and paragraphs naming it
    (its mentions marked: the search is filtered by the actor)."""
    engine = get_engine()
    found = engine.actor(name)
    if found is None:
        abort(404, description=f"No one and nothing called “{name}” is named in this archive.")
    filter_key = _filter_key(found)
    args = request.args.to_dict(flat=False)
    page_args = {key: values for key, values in corrected_params(args).items() if key == "page"}
    if page_args != {key: values for key, values in args.items() if key == "page"}:
        return redirect(url_for("pages.actor", name=found["name"], **page_args))
    page = parse_request({filter_key: [found["name"]], "sort": ["newest"], **page_args})
    result = engine.search(page)
    co_actors = [{**other, "both_url": _both_url(found, other)} for other in found["co_actors"]]
    timeline = build_timeline({y["value"]: y["count"] for y in found["years"]},
                              lambda year: url_for("pages.search", year=year, **{filter_key: found["name"]}))
    return render_template("actor.html", actor=found, co_actors=co_actors, result=result,
                           filter_key=filter_key, timeline=timeline,
                           type_label=TYPE_NAMES.get(found["type"], found["type"]).capitalize(),
                           past_the_end=bool(result.total and not result.hits))


@bp.get("/help")
def help_page():
    """The query language, with examples."""
    return render_template("help.html")


def _filter_key(actor: dict) -> str:
    """The facet that filters by ``actor``: the facet of names whose values have its type."""
    return "place" if actor["type"] == "place" else "actor"


def _both_url(first: dict, second: dict) -> str:
    """The search for paragraphs naming both actors."""
    params: dict[str, list[str]] = {}
    for one in (first, second):
        params.setdefault(_filter_key(one), []).append(one["name"])
    return url_for("pages.search", **params)
