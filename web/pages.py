"""Blueprint "pages": the search page, the document page, the actor page and the query help.

Parts: link helpers (``search_url``, ``toggle_url``, ``year_url``: every state is a URL built
from the request's own parameters, ``SearchRequest.to_params``), the facet sidebar's view model
(``facet_views``), and the views. Pages need no JavaScript; ``static/app.js`` only enhances them.

Two page-only parameters ride along with the search parameters: ``more`` (repeatable: facets
shown in full instead of their first values) and ``actor_q`` (narrows the actor facet's list).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request, url_for

from markupsafe import escape

from search.facets import FACET_BY_NAME, FACET_NAMES
from search.request import BadParameter, SearchRequest, parse_request
from search.results import SearchResult
from search.text import fold_accents

from .engine_handle import get_engine
from .timeline import build_timeline

bp = Blueprint("pages", __name__)

ACTOR_GROUPS = (("person", "People"), ("org", "Organisations"))
FACET_SHOWN = 8          # values listed before "show more" (per group for actors)
BLANK_DOCUMENTS = 12     # documents listed on the blank search page
BLANK_ACTORS = 16        # actors listed on the blank search page


def search_url(search_request: SearchRequest, **changes: object) -> str:
    """The search page URL for ``search_request`` with ``changes`` (page resets unless given)."""
    changes.setdefault("page", None)
    return url_for("pages.search", **search_request.to_params(**changes))


def toggle_url(search_request: SearchRequest, facet: str, value: object) -> str:
    """The URL that adds ``value`` to facet ``facet``, or removes it when already selected."""
    current = list(search_request.selected(facet))
    values = [v for v in current if v != value] if value in current else current + [value]
    return search_url(search_request, **{facet: [str(v) for v in values]})


def year_url(search_request: SearchRequest, year: int) -> str:
    """A timeline bar's link: only that year (or no year filter when it is the only one)."""
    if search_request.selected("year") == (year,):
        return search_url(search_request, year=[])
    return search_url(search_request, year=[str(year)])


def export_url(search_request: SearchRequest, fmt: str) -> str:
    """The download of the whole result set (every page) as ``fmt`` (csv or json)."""
    return url_for(f"export.{fmt}", **search_request.to_params(page=None, per_page=None))


def document_url(doc_id: str, position: int | None = None, q: str | None = None) -> str:
    """An article, scrolled to paragraph ``position``, with ``q`` highlighted."""
    url = url_for("pages.document", doc_id=doc_id, q=q or None)
    return f"{url}#p{position}" if position else url


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address, else None: a catalog's ``javascript:`` is no link."""
    if url and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return url.strip()
    return None


@bp.app_context_processor
def link_helpers() -> dict:
    return {"search_url": search_url, "toggle_url": toggle_url, "export_url": export_url,
            "document_url": document_url, "web_url": web_url}


def facet_views(result: SearchResult, more: set[str], actor_q: str) -> list[dict]:
    """The sidebar: per facet, its groups of values, which are shown, and its links."""
    request_obj = result.request
    needle = fold_accents(actor_q).casefold()
    views = []
    for name in FACET_NAMES:
        values = list(result.facets.get(name, []))
        if name == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        if name == "actor" and needle:
            values = [v for v in values if v.selected or needle in fold_accents(str(v.value)).casefold()]
        if name == "actor":
            groups = [(label, [v for v in values if v.type == kind]) for kind, label in ACTOR_GROUPS]
            others = [v for v in values if v.type not in dict(ACTOR_GROUPS)]
            groups += [("Others", others)] if others else []
        else:
            groups = [(None, values)]
        expanded = name in more or (name == "actor" and bool(needle))
        hidden = 0
        shown_groups = []
        for label, group in groups:
            entries = []
            for i, v in enumerate(group):
                folded = i >= FACET_SHOWN and not v.selected and not expanded
                hidden += folded
                entries.append({"value": v.value, "type": v.type, "count": v.count,
                                "selected": v.selected, "hidden": folded,
                                "href": toggle_url(request_obj, name, v.value)})
            if entries:
                shown_groups.append({"label": label, "values": entries})
        if not shown_groups and not (name == "actor" and needle):
            continue
        views.append({
            "name": name, "label": FACET_BY_NAME[name].label, "groups": shown_groups, "hidden": hidden,
            "more_url": _state_url(request_obj, more | {name}, actor_q) if hidden else None,
            "less_url": (_state_url(request_obj, more - {name}, actor_q)
                         if name in more and any(len(g["values"]) > FACET_SHOWN for g in shown_groups)
                         else None),
        })
    return views


def _state_url(search_request: SearchRequest, more: set[str], actor_q: str) -> str:
    """This very page (same page number) with other page-only parameters."""
    return url_for("pages.search", **search_request.to_params(), more=sorted(more) or None,
                   actor_q=actor_q or None)


def hidden_fields(search_request: SearchRequest, **changes: object) -> list[tuple[str, str]]:
    """The request as (name, value) pairs for a form's hidden inputs."""
    pairs = []
    for key, value in search_request.to_params(**changes).items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((key, str(one)))
    return pairs


def _is_blank(search_request: SearchRequest) -> bool:
    """True for the bare search page: nothing asked yet, so show the intro instead of hits."""
    return search_request.to_params() == {}


def _like_target(engine, search_request: SearchRequest) -> dict | None:
    """The paragraph a "more like this" search starts from (when the searcher knows ``like``)."""
    like = search_request.like
    if not like:
        return None
    doc_id, _, position = str(like).rpartition("-p")
    doc = next((d for d in engine.documents() if d["id"] == doc_id), None)
    return {"id": like, "doc_id": doc_id, "position": int(position) if position.isdigit() else None,
            "title": (doc or {}).get("title") or doc_id}


@bp.get("/")
def search():
    """The search page: query box, timeline, facets, results with highlights, pagination."""
    more = set(request.args.getlist("more")) & set(FACET_NAMES)
    actor_q = request.args.get("actor_q", "").strip()[:100]
    try:
        search_request = parse_request(request.args.to_dict(flat=False))
    except BadParameter as error:
        return render_template("search.html", request_obj=SearchRequest(q=request.args.get("q", "")[:1000]),
                               result=None, error=str(error)), 400
    engine = get_engine()
    result = engine.search(search_request)
    timeline = build_timeline({v.value: v.count for v in result.facets["year"]},
                              lambda year: year_url(search_request, year),
                              frozenset(search_request.selected("year")))
    blank = _is_blank(search_request)
    documents = actors = []
    if blank:
        documents = sorted(engine.documents(), key=lambda d: d.get("date") or "", reverse=True)
        actors = engine.actors()[:BLANK_ACTORS]
    return render_template(
        "search.html", request_obj=search_request, result=result, error=None, blank=blank,
        facets=facet_views(result, more, actor_q), actor_q=actor_q,
        actor_clear_url=_state_url(search_request, more, ""),
        actor_filter_fields=hidden_fields(search_request, page=None), more=sorted(more),
        search_keep_fields=hidden_fields(search_request, q=None, page=None, like=None),
        timeline=timeline, documents=documents[:BLANK_DOCUMENTS], document_count=len(documents),
        top_actors=actors, like=_like_target(engine, search_request),
        max_export=current_app.config["MAX_EXPORT_ROWS"])


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    """One article, a numbered element per paragraph; words of ``q`` highlighted if given."""
    q = request.args.get("q", "")[:1000]
    doc = get_engine().document(doc_id, q)
    if doc is None:
        abort(404, description=f"No document {doc_id!r}.")
    paragraphs = [{**p, "html": p.get("highlight") or escape(p["text"])} for p in doc["paragraphs"]]
    return render_template("document.html", doc=doc, paragraphs=paragraphs, q=q)


@bp.get("/actors/<path:name>")
def actor(name: str):
    """An actor: type, aliases, counts, years, co-occurring actors, and paragraphs naming it."""
    engine = get_engine()
    found = engine.actor(name)
    if found is None:
        abort(404, description=f"No actor {name!r}.")
    filter_key = _filter_key(found)
    try:
        page = parse_request({filter_key: [found["name"]], "page": request.args.getlist("page"),
                              "sort": ["newest"]})
    except BadParameter as error:
        abort(400, description=str(error))
    result = engine.search(page)
    co_actors = [{**other, "both_url": _both_url(found, other)} for other in found["co_actors"]]
    timeline = build_timeline({y["value"]: y["count"] for y in found["years"]},
                              lambda year: url_for("pages.search", year=year, **{filter_key: found["name"]}))
    return render_template("actor.html", actor=found, co_actors=co_actors, result=result,
                           filter_key=filter_key, timeline=timeline)


@bp.get("/help")
def help_page():
    """The query language, with examples."""
    return render_template("help.html")


def _filter_key(actor: dict) -> str:
    return "place" if actor["type"] == "place" else "actor"


def _both_url(first: dict, second: dict) -> str:
    """The search for paragraphs naming both actors."""
    params: dict[str, list[str]] = {}
    for one in (first, second):
        params.setdefault(_filter_key(one), []).append(one["name"])
    return url_for("pages.search", **params)
