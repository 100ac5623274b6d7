"""The title a reader sees: the article's own, or one made from what is known about it.

Parts: ``display_title`` (a Document → its title, or publication, date and opening words),
``readable_date`` (``2019-05`` → ``May 2019``), ``opening_words``.

An article without a title used to be headed by its file name ("001_fbff234d49921df8") in the
hits, on its page and in the browser tab. The API's ``title`` stays the real title or null
(CONTRACT.md); ``display_title`` is computed here once, in the pipeline's document entry, so
every engine and page shows the same words.
"""
from __future__ import annotations

import re

from search.records import Document

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
# Enough words to recognise an article by its start, short enough for a heading and a tab.
OPENING_WORDS = 8
OPENING_CHARS = 60


def display_title(document: Document) -> str:
    """The article's title; untitled, "Publication, Month Year: “Opening words…”"."""
    if document.title and document.title.strip():
        return document.title.strip()
    source = ", ".join(part for part in (document.publication, readable_date(document.date)) if part)
    body = next((p for p in document.paragraphs if p.kind == "body"), None) or \
        next(iter(document.paragraphs), None)
    opening = opening_words(body.text) if body is not None else ""
    if source and opening:
        return f"{source}: “{opening}”"
    return source or (f"“{opening}”" if opening else document.doc_id)


def readable_date(date: str | None) -> str:
    """``2019-05-09`` → ``9 May 2019``, ``2019-05`` → ``May 2019``, ``2019`` → ``2019``."""
    if not date:
        return ""
    parts = date.split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return date
    return date


def opening_words(text: str, words: int = OPENING_WORDS, chars: int = OPENING_CHARS) -> str:
    """The first words of ``text`` (at most ``words``, cut before ``chars``), "…" if cut."""
    found = text.split()
    opening: list[str] = []
    for word in found[:words]:
        if opening and len(" ".join(opening + [word])) > chars:
            break
        opening.append(word)
    joined = " ".join(opening)
    if len(opening) < len(found):
        return re.sub(r"[\s,;:.—–-]+$", "", joined) + "…"
    return joined
