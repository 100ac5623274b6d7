"""Blueprint "export": the current result set as a CSV or JSON download, streamed.

``/export.csv`` and ``/export.json`` take the search page's parameters (``page``/``per_page``
are ignored: an export is every page) and stream every matching paragraph as the engine yields
it (``Engine.export``), so an export of a million paragraphs never sits in memory whole.
``MAX_EXPORT_ROWS``, when set, cuts it short and says so: the ``X-Hemeroteca-Truncated: true``
header, ``X-Hemeroteca-Total``, and in JSON ``"truncated": true`` with a ``note``.

CSV cells that a spreadsheet would read as a formula (starting with = + - @ or a tab/CR) get a
leading apostrophe (OWASP's advice on CSV injection); JSON keeps every text as it is.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from search.engine import Export
from search.request import SearchRequest, parse_request
from search.results import Hit
from search.text import fold_accents

from .engine_handle import get_engine

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
    # BadParameter and EngineUnavailable become JSON errors in web/errors.py; both are raised
    # here, before the first byte is sent.
    search_request = parse_request(_search_params())
    export = get_engine().export(search_request, current_app.config.get("MAX_EXPORT_ROWS"))
    # The streams need no request context: the engine's hits carry everything they print.
    if fmt == "csv":
        response = Response(csv_lines(export.hits),
                            content_type="text/csv; charset=utf-8")
    else:
        response = Response(json_chunks(search_request, export),
                            content_type="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = _disposition(search_request, fmt)
    response.headers["X-Hemeroteca-Total"] = str(export.total)
    response.headers["X-Hemeroteca-Truncated"] = "true" if export.truncated else "false"
    return response


def _search_params() -> dict[str, list[str]]:
    params = request.args.to_dict(flat=False)
    params.pop("page", None)
    params.pop("per_page", None)
    return params


def csv_lines(hits: Iterable[Hit]) -> Iterator[str]:
    """The CSV text, a line at a time: a header row, then one row per hit (actors and places
    joined by "; ")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for hit in hits:
        row = (hit.id, hit.doc_id, hit.position, hit.kind, hit.title or "", hit.publication or "",
               hit.date or "", "; ".join(a["name"] for a in hit.actors), "; ".join(hit.places), hit.text)
        writer.writerow([_cell(value) for value in row])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def hits_to_csv(hits: Iterable[Hit]) -> str:
    """The whole CSV text of ``hits``."""
    return "".join(csv_lines(hits))


def json_chunks(search_request: SearchRequest, export: Export) -> Iterator[str]:
    """One JSON document, streamed: the query and totals first, then the hits in the API's shape."""
    exported = export.total if export.limit is None else min(export.total, export.limit)
    head = {"query": search_request.q, "params": search_request.to_params(),
            "total": export.total, "exported": exported, "truncated": export.truncated}
    if export.truncated:
        head["note"] = (f"Only the first {exported} of {export.total} paragraphs were exported "
                        "(MAX_EXPORT_ROWS); narrow the search to export the rest.")
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "hits": ['
    for n, hit in enumerate(export.hits):
        yield ("," if n else "") + json.dumps(hit.to_json(), ensure_ascii=False)
    yield "]}"


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _disposition(search_request: SearchRequest, fmt: str) -> str:
    """``attachment`` with an ASCII filename and the UTF-8 one (RFC 6266 / RFC 5987)."""
    like = search_request.like
    names = search_request.selected("actor") + search_request.selected("place")
    words = (search_request.q or " ".join(names)
             or (f"like {like}" if like else "all"))
    slug = re.sub(r"[^a-z0-9]+", "-", fold_accents(words).lower()).strip("-")[:60] or "search"
    name = f"hemeroteca-{slug}.{fmt}"
    return f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
