"""Static files under versioned URLs, cached for a year.

``url_for("static", filename=…)`` adds ``v=<digest of the file's bytes>``; a request that names
the current digest is answered with ``Cache-Control: public, max-age=31536000, immutable``: a
changed file gets a new URL, so a browser never shows a stale stylesheet and never asks twice
for a current one. Any other request for a static file (an old digest, none) must revalidate.

The files are small (a stylesheet, a script, an icon) and are sent as one body rather than a
file stream: web/compression.py then compresses them like a page (gzip too), and the file is
closed with the response (a compressed stream would leave it to the garbage collector).
Register after compression: Flask runs the later ``after_request`` first.
"""
from __future__ import annotations

import hashlib
import os

from flask import Flask, Response, request
from werkzeug.security import safe_join

ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    digests: dict[tuple[str, float], str] = {}

    def digest(filename: str) -> str | None:
        path = safe_join(app.static_folder or "", filename)
        try:
            mtime = os.stat(path).st_mtime if path else None
        except OSError:
            return None
        if mtime is None:
            return None
        key = (filename, mtime)  # a file edited while serving (debug) gets a new digest
        if key not in digests:
            with open(path, "rb") as file:
                digests[key] = hashlib.sha256(file.read()).hexdigest()[:12]
        return digests[key]

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = digest(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_static(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        if response.status_code == 200 and response.is_streamed:
            response.direct_passthrough = False
            response.get_data()  # read whole; the file is closed when the response is
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args.get("v") == digest(filename):
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        else:
            response.cache_control.max_age = None
            response.cache_control.no_cache = True
        return response
