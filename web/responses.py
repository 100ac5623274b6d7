"""JSON responses with the content type CONTRACT.md fixes (``application/json; charset=utf-8``)."""
from __future__ import annotations

import json

from flask import Response


def json_response(data: object, status: int = 200) -> Response:
    """Serialise ``data`` as UTF-8 JSON (accents kept readable, not \\u-escaped)."""
    body = json.dumps(data, ensure_ascii=False)
    return Response(body, status=status, content_type="application/json; charset=utf-8")
