"""Blueprint "export": the current result set as a CSV or JSON download.

``/export.csv`` and ``/export.json`` take the search page's parameters (``page``/``per_page``
are ignored: an export is every page) and return at most ``MAX_EXPORT_ROWS`` hits, from one
``run_search``. A cut-short export says so: the ``X-Hemeroteca-Truncated: true``
header, ``X-Hemeroteca-Total``, and in JSON ``"truncated": true`` with a ``note``.

CSV cells that a spreadsheet would read as a formula (starting with = + - @ or a tab/CR) get a
leading apostrophe (OWASP's advice on CSV injection); JSON keeps every text as it is.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from search.engines.whoosh.query import SearchRequest, parse_request
from search.engines.whoosh.searcher import Hit, run_search
from search.text import fold_accents

from .index_handle import get_generation
from .responses import json_response

bp = Blueprint("export", __name__)

CSV_COLUMNS = ("id", "doc_id", "position", "kind", "title", "publication", "date", "actors",
               "places", "text")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_export() -> Response:
    """The result set as UTF-8 CSV with a header row."""
    return _export("csv")


def json_export() -> Response:
    """The result set as JSON: the query, the totals and the hits in the API's shape."""
    return _export("json")


# url_for("export.csv") / url_for("export.json") read better than the function names.
bp.add_url_rule("/export.csv", endpoint="csv", view_func=csv_export)
bp.add_url_rule("/export.json", endpoint="json", view_func=json_export)


def _export(fmt: str) -> Response:
    # BadParameter and IndexMissing become JSON errors in web/errors.py.
    search_request = parse_request(_search_params())
    total, hits = collect_hits(search_request, current_app.config["MAX_EXPORT_ROWS"])
    truncated = total > len(hits)
    if fmt == "csv":
        response = Response(hits_to_csv(hits), content_type="text/csv; charset=utf-8")
    else:
        body = {"query": search_request.q, "params": search_request.to_params(), "total": total,
                "exported": len(hits), "truncated": truncated, "hits": [hit.to_json() for hit in hits]}
        if truncated:
            body["note"] = (f"Only the first {len(hits)} of {total} paragraphs were exported "
                            "(MAX_EXPORT_ROWS); narrow the search to export the rest.")
        response = json_response(body)
    response.headers["Content-Disposition"] = _disposition(search_request, fmt)
    response.headers["X-Hemeroteca-Total"] = str(total)
    response.headers["X-Hemeroteca-Truncated"] = "true" if truncated else "false"
    return response


def _search_params() -> dict[str, list[str]]:
    params = request.args.to_dict(flat=False)
    params.pop("page", None)
    params.pop("per_page", None)
    return params


def collect_hits(search_request: SearchRequest, limit: int) -> tuple[int, list[Hit]]:
    """The total and at most ``limit`` hits of ``search_request``, in its order.

    One search with a page of ``limit`` hits: replace() skips parse_request's per_page bound,
    since the export's own bound is ``limit`` (MAX_EXPORT_ROWS).
    """
    result = run_search(get_generation(), replace(search_request, page=1, per_page=max(1, limit)))
    return result.total, result.hits


def hits_to_csv(hits: list[Hit]) -> str:
    """The CSV text: a header row, then one row per hit (actors and places joined by "; ")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for hit in hits:
        row = (hit.id, hit.doc_id, hit.position, hit.kind, hit.title or "", hit.publication or "",
               hit.date or "", "; ".join(a["name"] for a in hit.actors), "; ".join(hit.places), hit.text)
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _disposition(search_request: SearchRequest, fmt: str) -> str:
    """``attachment`` with an ASCII filename and the UTF-8 one (RFC 6266 / RFC 5987)."""
    like = search_request.like
    words = (search_request.q or " ".join(search_request.actors + search_request.places)
             or (f"like {like}" if like else "all"))
    slug = re.sub(r"[^a-z0-9]+", "-", fold_accents(words).lower()).strip("-")[:60] or "search"
    name = f"hemeroteca-{slug}.{fmt}"
    return f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
