"""Where exceptions become responses: JSON ``{"error": {"code", "message"}}`` under /api and for
/openapi.json, an HTML page elsewhere. The only place that maps errors to statuses."""
from __future__ import annotations

from flask import Flask, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from search.engine import EngineUnavailable
from search.request import BadParameter

from .responses import json_response


class ApiError(Exception):
    """An error with its API code and HTTP status."""

    def __init__(self, code: str, message: str, status: int):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


_CODES = {400: "bad_parameter", 404: "not_found", 405: "bad_parameter", 503: "unavailable"}


def _wants_json() -> bool:
    # Downloads (/export.csv too) are fetched by scripts and browsers alike: a JSON error body
    # says what went wrong where an HTML page would be saved as the file.
    return request.path.startswith(("/api/", "/export.")) or request.path == "/openapi.json"


def _respond(code: str, message: str, status: int):
    if _wants_json():
        return json_response({"error": {"code": code, "message": message}}, status)
    return render_template("error.html", code=code, message=message, status=status), status


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
        response = make_response(_respond(
            _CODES.get(status, "bad_parameter" if status < 500 else "unavailable"),
            error.description or error.name, status))
        # keep what the error says besides its body: a 405's Allow header (RFC 9110)
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("unexpected error on %s", request.path)
        return _respond("internal", "Something went wrong on our side; the error was logged.", 500)
