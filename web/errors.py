"""Where exceptions become responses: JSON ``{"error": {"code", "message"}}`` under /api and for
/openapi.json, an HTML page elsewhere. The only place that maps errors to statuses."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, make_response, render_template, request
from werkzeug.exceptions import HTTPException, NotFound

from search.engine import EngineUnavailable
from search.request import BadParameter

from .responses import json_response


class ApiError(Exception):
    """An error with its API code and HTTP status."""

    def __init__(self, code: str, message: str, status: int):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


# The codes of CONTRACT.md's error shape (web/openapi.py lists them in its Error schema).
_CODES = {400: "bad_parameter", 404: "not_found", 405: "method_not_allowed", 503: "unavailable"}
# Werkzeug's 404 text speaks of URLs and the server; a reader is told what happened.
_NO_PAGE = "There is no page at this address."


def _wants_json() -> bool:
    # Downloads (/export.csv too) are fetched by scripts and browsers alike: a JSON error body
    # says what went wrong where an HTML page would be saved as the file.
    return request.path.startswith(("/api/", "/export.")) or request.path == "/openapi.json"


def _respond(code: str, message: str, status: int):
    if _wants_json():
        return json_response({"error": {"code": code, "message": message}}, status)
    return render_template("error.html", code=code, message=message, status=status,
                           back_url=_back_url(), guess=_guess()), status


def _back_url() -> str | None:
    """The page of this site the reader came from (Referrer-Policy: same-origin sends it)."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host or parts.scheme not in ("http", "https") or referrer == request.url:
        return None
    return referrer


def _guess() -> str:
    """What the missing page was about, to search for instead (an actor's name, an article id)."""
    values = request.view_args or {}
    return str(values.get("name") or values.get("doc_id") or "")[:200]


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        return _respond(error.code, error.message, error.status)

    @app.errorhandler(BadParameter)
    def handle_bad_parameter(error: BadParameter):
        return _respond("bad_parameter", str(error), 400)

    @app.errorhandler(EngineUnavailable)
    def handle_unavailable(error: EngineUnavailable):
        return _respond("unavailable", str(error), 503)

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        status = error.code or 500
        message = error.description or error.name
        if isinstance(error, NotFound) and message == NotFound.description and not _wants_json():
            message = _NO_PAGE
        response = make_response(_respond(
            _CODES.get(status, "bad_parameter" if status < 500 else "unavailable"), message, status))
        # keep what the error says besides its body: a 405's Allow header (RFC 9110)
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("unexpected error on %s", request.path)
        return _respond("internal", "Something went wrong on our side; the error was logged.", 500)
