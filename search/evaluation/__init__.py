"""Measuring Hemeroteca against hand-made judgments (``../shared/eval`` format).

Parts: ``actors`` (precision/recall/F1 of actor extraction per type), ``queries`` (nDCG@10,
recall@20, MRR of the ranking and of a plain-BM25 baseline), ``metrics`` (the formulas).
Judgment files key paragraphs by an anchor: the first characters of the paragraph's text.
"""
from __future__ import annotations

from collections.abc import Iterable

from search.records import Paragraph


def paragraph_for_anchor(paragraphs: Iterable[Paragraph], anchor: str) -> Paragraph | None:
    """Return the paragraph whose text starts with ``anchor`` (the judgment files' key), if any."""
    for paragraph in paragraphs:
        if paragraph.text.startswith(anchor):
            return paragraph
    return None
