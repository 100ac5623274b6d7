"""Highlights as every engine writes them: a text, HTML-escaped, with character spans in <mark>.

Parts: ``Span`` (start, end character offsets), ``mark_spans``. Each engine finds the spans its
own way (engines/whoosh/highlight.py from the index's analyzer, engines/opensearch/responses.py
from the cluster's highlighter); the escaping and marking is this one function, so a hit's
``highlight`` is byte for byte the same whichever engine answered.
"""
from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

Span = tuple[int, int]


def mark_spans(text: str, spans: Iterable[Span]) -> Markup:
    """Escape ``text`` with the given character spans (merged where they overlap) in ``<mark>``."""
    pieces = []
    cursor = 0
    for start, end in _merge(spans):
        pieces.append(escape(text[cursor:start]))
        pieces.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        cursor = end
    pieces.append(escape(text[cursor:]))
    return Markup("").join(pieces)


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
