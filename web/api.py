"""Blueprint "api": /api/search, /api/documents, /api/actors and /openapi.json (CONTRACT.md)."""
from __future__ import annotations

from flask import Blueprint, request

from search.engines.whoosh.query import BadParameter, parse_request
from search.records import ACTOR_TYPES
from search.engines.whoosh.searcher import run_search
from search.text import fold_accents

from .errors import ApiError
from .index_handle import get_generation
from .openapi import openapi_document
from .responses import json_response

bp = Blueprint("api", __name__)

DOCUMENT_FIELDS = ("id", "title", "publication", "date", "author", "source_url")
ACTOR_FIELDS = ("name", "type", "aliases", "paragraphs", "documents")


@bp.get("/api/search")
def search():
    """Ranked, highlighted, faceted paragraphs for the query and filters."""
    search_request = parse_request(request.args.to_dict(flat=False))
    return json_response(run_search(get_generation(), search_request).to_json())


@bp.get("/api/documents")
def documents():
    """Every document with its metadata and number of paragraphs, in archive order."""
    generation = get_generation()
    return json_response([
        {**{key: doc.get(key) for key in DOCUMENT_FIELDS}, "paragraphs": doc["paragraph_count"]}
        for doc in generation.documents.values()])


@bp.get("/api/documents/<doc_id>")
def document(doc_id: str):
    """One document with all its paragraphs."""
    generation = get_generation()
    doc = generation.documents.get(doc_id)
    if doc is None:
        raise ApiError("not_found", f"no document {doc_id!r}; /api/documents lists them", 404)
    return json_response({**{key: doc.get(key) for key in DOCUMENT_FIELDS},
                          "paragraphs": generation.paragraphs(doc_id)})


@bp.get("/api/actors")
def actors():
    """Actors, most often named first; ``q`` matches names and aliases, ``type`` narrows."""
    actor_type = request.args.get("type", "").strip()
    if actor_type and actor_type not in ACTOR_TYPES:
        raise BadParameter("type", f"unknown type {actor_type!r}; choose from {', '.join(ACTOR_TYPES)}")
    needle = fold_accents(request.args.get("q", "")).casefold().strip()
    found = []
    for actor in get_generation().actors.values():
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
    found = get_generation().find_actor(name)
    if found is None:
        raise ApiError("not_found", f"no actor {name!r}; /api/actors lists them", 404)
    return json_response(found)


@bp.get("/openapi.json")
def openapi():
    return json_response(openapi_document())
