"""The benchmark's query set: what users type into a news archive, with and without filters.

Each query is a dict: ``q`` (query text; bare words are OR-ed, "quoted" words a phrase) and
optional ``actor`` / ``year`` filters (canonical actor names, years), as /api/search takes them.
Words come from the seed articles, so the generated corpora contain them with Zipf-like
frequencies: "common" words match a large share of the paragraphs, "rare" ones a handful.
"""
from __future__ import annotations

QUERIES: list[dict] = [
    # common single words
    {"q": "Venezuela"}, {"q": "government"}, {"q": "opposition"}, {"q": "military"},
    {"q": "Maduro"}, {"q": "president"},
    # rare single words
    {"q": "caddie"}, {"q": "stucco"}, {"q": "mercenaries"}, {"q": "golf"}, {"q": "Essequibo"},
    # two and three words
    {"q": "oil sanctions"}, {"q": "military intelligence"}, {"q": "humanitarian crisis"},
    {"q": "opposition talks elections"}, {"q": "armed forces loyal"}, {"q": "border dispute Guyana"},
    # phrases
    {"q": '"national assembly"'}, {"q": '"armed forces"'}, {"q": '"supreme court"'},
    {"q": '"United States"'},
    # names, accented and not
    {"q": "Guaidó"}, {"q": "Guaido"}, {"q": "López"}, {"q": "Lopez"}, {"q": "Nicolás Maduro"},
    {"q": "Padrino"},
    # with filters
    {"q": "sanctions", "actor": ["Nicolás Maduro"]},
    {"q": "opposition", "year": [2019]},
    {"q": "elections", "actor": ["Juan Guaidó"], "year": [2019, 2020]},
    {"q": "Venezuela", "year": [2016]},
    {"q": "government", "actor": ["Nicolás Maduro"], "year": [2021]},
]


def label(query: dict) -> str:
    """A short printable form of a query: its text and filters."""
    parts = [query["q"]]
    parts += [f"actor={a}" for a in query.get("actor", [])]
    parts += [f"year={y}" for y in query.get("year", [])]
    return " ".join(parts)
