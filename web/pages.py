"""Blueprint "pages": the search page, the document page and the actor page (HTML, no JS needed).

Every state is a URL: facet links, chips and pagination are links built from the request's
own parameters (``SearchRequest.to_params``), so a page can be bookmarked and shared.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from search.highlight import highlight, matched_terms
from search.query import BadParameter, SearchRequest, build_query, parse_request
from search.searcher import run_search

from .index_handle import get_generation

bp = Blueprint("pages", __name__)


def search_url(search_request: SearchRequest, **changes: object) -> str:
    """The search page URL for ``search_request`` with ``changes`` (page resets unless given)."""
    changes.setdefault("page", None)
    return url_for("pages.search", **search_request.to_params(**changes))


def toggle_url(search_request: SearchRequest, facet: str, value: object) -> str:
    """The URL that adds ``value`` to facet ``facet``, or removes it when already selected."""
    key = {"actor": "actors", "place": "places", "year": "years", "publication": "publications",
           "kind": "kinds"}[facet]
    current = list(getattr(search_request, key))
    values = [v for v in current if v != value] if value in current else current + [value]
    return search_url(search_request, **{facet: [str(v) for v in values]})


@bp.app_context_processor
def link_helpers() -> dict:
    return {"search_url": search_url, "toggle_url": toggle_url}


@bp.get("/")
def search():
    """The search page: query box, results with highlights, facets, pagination."""
    try:
        search_request = parse_request(request.args.to_dict(flat=False))
    except BadParameter as error:
        return render_template("search.html", request_obj=SearchRequest(q=request.args.get("q", "")[:1000]),
                               result=None, error=str(error)), 400
    result = run_search(get_generation(), search_request)
    return render_template("search.html", request_obj=search_request, result=result, error=None)


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    """One article, a numbered element per paragraph; words of ``q`` highlighted if given."""
    generation = get_generation()
    doc = generation.documents.get(doc_id)
    if doc is None:
        abort(404, description=f"No document {doc_id!r}.")
    q = request.args.get("q", "")[:1000]
    terms = {}
    if q.strip():
        with generation.index.searcher() as searcher:
            terms = matched_terms(build_query(q).query, searcher.reader())
    paragraphs = [{**p, "html": highlight(p["text"], terms)} for p in doc["paragraphs"]]
    return render_template("document.html", doc=doc, paragraphs=paragraphs, q=q)


@bp.get("/actors/<path:name>")
def actor(name: str):
    """An actor: type, aliases, counts, years, co-occurring actors, and paragraphs naming it."""
    generation = get_generation()
    found = generation.find_actor(name)
    if found is None:
        abort(404, description=f"No actor {name!r}.")
    filter_key = _filter_key(found)
    try:
        page = parse_request({filter_key: [found["name"]], "page": request.args.getlist("page"),
                              "sort": ["newest"]})
    except BadParameter as error:
        abort(400, description=str(error))
    result = run_search(generation, page)
    co_actors = [{**other, "both_url": _both_url(found, other)} for other in found["co_actors"]]
    return render_template("actor.html", actor=found, co_actors=co_actors, result=result,
                           filter_key=filter_key)


def _filter_key(actor: dict) -> str:
    return "place" if actor["type"] == "place" else "actor"


def _both_url(first: dict, second: dict) -> str:
    """The search for paragraphs naming both actors."""
    params: dict[str, list[str]] = {}
    for one in (first, second):
        params.setdefault(_filter_key(one), []).append(one["name"])
    return url_for("pages.search", **params)
