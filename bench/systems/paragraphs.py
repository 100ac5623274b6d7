"""The paragraphs every peer indexes: the real ingest of the corpus, plus the actors and places
Hemeroteca's build found (exported to ``paragraph_names.jsonl``), so peers facet on the same
names without paying for actor extraction.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from search.ingest.articles import ingest_seeds

NAMES_FILE = "paragraph_names.jsonl"


def iter_paragraphs(corpus: Path, names_file: Path) -> Iterator[dict]:
    """One dict per paragraph: id, doc_id, title, text, publication, year, actors, places."""
    names = {}
    with open(names_file, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            names[row["id"]] = row
    for document in ingest_seeds(corpus).documents:
        for paragraph in document.paragraphs:
            found = names.get(paragraph.id, {})
            yield {"id": paragraph.id, "doc_id": document.doc_id, "title": document.title or "",
                   "text": paragraph.text, "publication": document.publication or "",
                   "year": document.year or 0, "actors": found.get("actors", []),
                   "places": found.get("places", [])}
