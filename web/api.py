"""Blueprint "api": /api/search, /api/documents, /api/actors and /openapi.json (CONTRACT.md)."""
from __future__ import annotations

from flask import Blueprint, request

from search.records import ACTOR_TYPES
from search.request import BadParameter, parse_request
from search.text import fold_accents

from .engine_handle import get_engine
from .errors import ApiError
from .openapi import openapi_document
from .responses import json_response

bp = Blueprint("api", __name__)

# display_title: the title pages show (an untitled article's publication, date and opening)
DOCUMENT_FIELDS = ("id", "title", "display_title", "publication", "date", "author", "source_url")
ACTOR_FIELDS = ("name", "type", "aliases", "paragraphs", "documents")


@bp.get("/api/search")
def search():
    """Ranked, highlighted, faceted paragraphs for the query and filters."""
    search_request = parse_request(request.args.to_dict(flat=False))
    return json_response(get_engine().search(search_request).to_json())


@bp.get("/api/documents")
def documents():
    """Every document with its metadata and number of paragraphs, in archive order."""
    return json_response([
        {**{key: doc.get(key) for key in DOCUMENT_FIELDS}, "paragraphs": doc["paragraph_count"]}
        for doc in get_engine().documents()])


@bp.get("/api/documents/<doc_id>")
def document(doc_id: str):
    """One document with all its paragraphs."""
    doc = get_engine().document(doc_id)
    if doc is None:
        raise ApiError("not_found", f"no document {doc_id!r}; /api/documents lists them", 404)
    return json_response({**{key: doc.get(key) for key in DOCUMENT_FIELDS},
                          "paragraphs": doc["paragraphs"]})


@bp.get("/api/actors")
def actors():
    """Actors, most often named first; ``q`` matches names and aliases, ``type`` narrows."""
    actor_type = request.args.get("type", "").strip()
    if actor_type and actor_type not in ACTOR_TYPES:
        raise BadParameter("type", f"unknown type {actor_type!r}; choose from {', '.join(ACTOR_TYPES)}")
    needle = fold_accents(request.args.get("q", "")).casefold().strip()
    found = []
    for actor in get_engine().actors():
        if actor_type and actor["type"] != actor_type:
            continue
        names = [actor["name"], *actor["aliases"]]
        if needle and not any(needle in fold_accents(name).casefold() for name in names):
            continue
        found.append({key: actor[key] for key in ACTOR_FIELDS})
    return json_response(found)


@bp.get("/api/actors/<path:name>")
def actor(name: str):
    """One actor with its years and co-occurring actors."""
    found = get_engine().actor(name)
    if found is None:
        raise ApiError("not_found", f"no actor {name!r}; /api/actors lists them", 404)
    return json_response(found)


@bp.get("/openapi.json")
def openapi():
    return json_response(openapi_document())
