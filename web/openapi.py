"""The OpenAPI 3 description of the JSON API: written out from CONTRACT.md, with the facet
parameters derived from search/facets.py and the limits from search/request.py."""
from __future__ import annotations

import copy

from search.facets import FACETS, Facet
from search.records import ACTOR_TYPES, PARAGRAPH_KINDS
from search.request import (MAX_FILTER_VALUES, MAX_PER_PAGE, MAX_QUERY_LENGTH, MAX_RESULT_WINDOW,
                            MODES, SORTS)


def _repeatable(name: str, description: str, item: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "style": "form", "explode": True,
            "schema": {"type": "array", "items": item, "maxItems": MAX_FILTER_VALUES}}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(schema: dict) -> dict:
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}


_NULLABLE_STRING = {"type": "string", "nullable": True}
# ``title`` is the article's own (null when it has none); this is what a page shows instead.
_DISPLAY_TITLE = {"type": "string", "description": "the title, or for an untitled article its "
                  "publication, date and opening words"}
# A document's metadata, in the list (with its number of paragraphs) and alone (with them).
_DOCUMENT_METADATA = {"id": {"type": "string"}, "title": _NULLABLE_STRING, "display_title": _DISPLAY_TITLE,
                      "publication": _NULLABLE_STRING, "date": _NULLABLE_STRING,
                      "author": _NULLABLE_STRING, "source_url": _NULLABLE_STRING}
_DOCUMENT_REQUIRED = ["id", "title", "publication", "date", "author", "source_url", "paragraphs"]


def _facet_item(facet: Facet) -> dict:
    """One value of a facet's parameter: parse_request checks a closed set (kind) and years."""
    if facet.value_type is int:
        return {"type": "integer", "minimum": 1000, "maximum": 9999}
    if facet.values:
        return {"type": "string", "enum": list(facet.values)}
    return {"type": "string", "minLength": 1}


SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string",
                     "enum": ["bad_parameter", "bad_query", "not_found", "method_not_allowed",
                              "unavailable", "internal"]},
            "message": {"type": "string"}}}}},
    "ActorRef": {"type": "object", "required": ["name", "type"], "properties": {
        "name": {"type": "string"}, "type": {"type": "string", "enum": list(ACTOR_TYPES)}}},
    "Hit": {"type": "object", "required": ["id", "doc_id", "position", "kind", "title", "publication",
                                          "date", "year", "text", "highlight", "actors", "places",
                                          "score", "url"],
            "properties": {
                "id": {"type": "string"}, "doc_id": {"type": "string"},
                "position": {"type": "integer", "minimum": 1},
                "kind": {"type": "string", "enum": list(PARAGRAPH_KINDS)},
                "section": _NULLABLE_STRING, "title": _NULLABLE_STRING, "display_title": _DISPLAY_TITLE,
                "publication": _NULLABLE_STRING, "date": _NULLABLE_STRING,
                "year": {"type": "integer", "nullable": True},
                "text": {"type": "string"},
                "highlight": {"type": "string", "description": "HTML-escaped text, matches in <mark>"},
                "actors": {"type": "array", "items": {"$ref": "#/components/schemas/ActorRef"}},
                "places": {"type": "array", "items": {"type": "string"}},
                "score": {"type": "number", "nullable": True},
                "url": {"type": "string"},
                "matched_by": {"type": "array", "description": "hybrid mode: how the hit was found",
                               "items": {"type": "string", "enum": ["words", "meaning"]}}}},
    "FacetValue": {"type": "object", "required": ["value", "count", "selected"], "properties": {
        "value": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "type": {"type": "string"}, "count": {"type": "integer", "minimum": 0},
        "selected": {"type": "boolean"}}},
    "SearchResult": {"type": "object",
                     "required": ["query", "total", "page", "per_page", "took_ms", "hits", "facets",
                                  "suggestion"],
                     "properties": {
                         "query": {"type": "string"}, "total": {"type": "integer", "minimum": 0},
                         "page": {"type": "integer"}, "per_page": {"type": "integer"},
                         "took_ms": {"type": "number"},
                         "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                         "facets": {"type": "object", "additionalProperties": {
                             "type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}},
                         "suggestion": _NULLABLE_STRING, "notice": _NULLABLE_STRING,
                         "unmatched_words": {"type": "array", "items": {"type": "string"},
                                             "description": "words of q that no paragraph has, as typed"},
                         "interpretation": {"type": "array", "items": {
                             "type": "object", "required": ["words", "facet", "value"],
                             "properties": {"words": {"type": "string"}, "facet": {"type": "string"},
                                            "value": {"oneOf": [{"type": "string"},
                                                                {"type": "integer"}]}}}},
                         "parsed_query": {"type": "string"},
                         "mode": {"type": "string", "enum": list(MODES)}}},
    "DocumentSummary": {"type": "object", "required": _DOCUMENT_REQUIRED,
                        "properties": {**_DOCUMENT_METADATA, "paragraphs": {"type": "integer"}}},
    "Paragraph": {"type": "object", "required": ["id", "position", "kind", "section", "text", "actors",
                                                 "places"],
                  "properties": {"id": {"type": "string"}, "position": {"type": "integer"},
                                 "anchor": {"type": "string"},
                                 "kind": {"type": "string", "enum": list(PARAGRAPH_KINDS)},
                                 "section": _NULLABLE_STRING, "text": {"type": "string"},
                                 "actors": {"type": "array",
                                            "items": {"$ref": "#/components/schemas/ActorRef"}},
                                 "places": {"type": "array", "items": {"type": "string"}}}},
    "Document": {"type": "object", "required": _DOCUMENT_REQUIRED,
                 "properties": {**_DOCUMENT_METADATA,
                                "paragraphs": {"type": "array",
                                               "items": {"$ref": "#/components/schemas/Paragraph"}}}},
    "ActorSummary": {"type": "object", "required": ["name", "type", "aliases", "paragraphs", "documents"],
                     "properties": {"name": {"type": "string"},
                                    "type": {"type": "string", "enum": list(ACTOR_TYPES)},
                                    "aliases": {"type": "array", "items": {"type": "string"}},
                                    "paragraphs": {"type": "integer"}, "documents": {"type": "integer"}}},
    "Actor": {"allOf": [{"$ref": "#/components/schemas/ActorSummary"}, {
        "type": "object", "required": ["years", "co_actors"], "properties": {
            "years": {"type": "array", "items": {"type": "object", "properties": {
                "value": {"type": "integer"}, "count": {"type": "integer"}}}},
            "co_actors": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "type": {"type": "string"},
                "count": {"type": "integer"}}}}}}]},
}

SEARCH_PARAMETERS = [
    {"name": "q", "in": "query", "required": False, "description": "query text; empty = every paragraph",
     "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH}},
    *(_repeatable(facet.name, facet.description, _facet_item(facet)) for facet in FACETS),
    {"name": "date_from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
     "description": "ISO date, inclusive; empty = no bound"},
    {"name": "date_to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
     "description": "ISO date, inclusive; empty = no bound"},
    {"name": "sort", "in": "query", "required": False, "schema": {"type": "string", "enum": list(SORTS)}},
    {"name": "mode", "in": "query", "required": False, "schema": {"type": "string", "enum": list(MODES)},
     "description": "lexical (default) or hybrid: words and meaning; hybrid needs the `semantic` "
                    "extra, else a 400 that says how to install it"},
    {"name": "page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_RESULT_WINDOW}},
    {"name": "per_page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
    {"name": "like", "in": "query", "required": False,
     "description": "more like this: a paragraph id (a hit's `id`); returns paragraphs similar to "
                    "it, itself excluded, narrowed by `q` and the filters as usual; an unknown id "
                    "is a 400 bad_parameter",
     "schema": {"type": "string", "maxLength": 200}},
]


_EMPTY = {"type": "string", "maxLength": 0}


def _empty_allowed(schema: dict) -> dict:
    """``schema``, or an empty value: the API treats ``?page=`` as no ``page`` at all."""
    if schema.get("type") == "array":
        return {**schema, "items": _empty_allowed(schema["items"])}
    if schema.get("type") == "string" and not ({"minLength", "enum", "format", "pattern"} & set(schema)):
        return schema
    return {"anyOf": [schema, _EMPTY]}


def _allow_empty_query_values(document: dict) -> dict:
    for operation in (op for path in document["paths"].values() for op in path.values()):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                parameter["schema"] = _empty_allowed(parameter["schema"])
    return document


def openapi_document() -> dict:
    """The whole OpenAPI 3 document; in every query parameter an empty value means "absent"."""
    return _allow_empty_query_values(copy.deepcopy(_document()))


def _document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hemeroteca", "version": "1",
                 "description": "Paragraph-level search over a news archive, with facets by actor, "
                                "place, year and publication."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Search paragraphs", "parameters": SEARCH_PARAMETERS,
                "responses": {"200": _ok({"$ref": "#/components/schemas/SearchResult"}),
                              "400": _error("bad parameter or query"),
                              "503": _error("no index")}}},
            "/api/documents": {"get": {
                "summary": "List documents",
                "responses": {"200": _ok({"type": "array",
                                          "items": {"$ref": "#/components/schemas/DocumentSummary"}}),
                              "503": _error("no index")}}},
            "/api/documents/{doc_id}": {"get": {
                "summary": "One document with its paragraphs",
                "parameters": [{"name": "doc_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": _ok({"$ref": "#/components/schemas/Document"}),
                              "404": _error("no such document"), "503": _error("no index")}}},
            "/api/actors": {"get": {
                "summary": "List actors",
                "parameters": [
                    {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}},
                    {"name": "type", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": list(ACTOR_TYPES)}}],
                "responses": {"200": _ok({"type": "array",
                                          "items": {"$ref": "#/components/schemas/ActorSummary"}}),
                              "400": _error("bad parameter"), "503": _error("no index")}}},
            "/api/actors/{name}": {"get": {
                "summary": "One actor with years and co-occurring actors",
                "parameters": [{"name": "name", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": _ok({"$ref": "#/components/schemas/Actor"}),
                              "404": _error("no such actor"), "503": _error("no index")}}},
        },
        "components": {"schemas": SCHEMAS},
    }
