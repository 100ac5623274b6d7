"""Compressed responses, with flask-compress: pages, JSON, CSV and the static files go out
compressed to a client that accepts it (zstd, Brotli, gzip or deflate: its first choice).

A streamed export stays streamed: since flask-compress 1.21 a streamed response is compressed
chunk by chunk as the engine yields hits (``COMPRESS_STREAMS``), never gathered whole first.
Streams use zstd, Brotli or deflate (the library leaves gzip out of streaming), which every
browser and ``curl --compressed`` accept; a client that takes only gzip gets the stream as is.
"""
from __future__ import annotations

from flask import Flask
from flask_compress import Compress

MIMETYPES = ["text/html", "application/json", "text/csv", "text/css", "text/javascript",
             "image/svg+xml"]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_STREAMS", True)
    Compress(app)
