"""Hemeroteca itself: ``build_index`` on the corpus folder (ingest, actor extraction, Whoosh,
facet columns), then ``run_search`` on an open Generation, exactly as /api/search runs it."""
from __future__ import annotations

import json
from pathlib import Path

from search.config import Settings
from search.engines.whoosh.generation import Generation, open_current
from search.engines.whoosh.indexer import build_index
from search.request import parse_request
from search.engines.whoosh.searcher import run_search

from .paragraphs import NAMES_FILE


def build(corpus: Path, work: Path) -> dict:
    report = build_index(Settings(seeds_dir=corpus, index_dir=work / "index"))
    return {"paragraphs": report.paragraphs, "actors": report.actors}


def after_build(work: Path) -> None:
    """Export each paragraph's actors and places for the peers (not timed)."""
    generation = open_current(work / "index")
    with generation.index.reader() as reader, open(work.parent / NAMES_FILE, "w",
                                                   encoding="utf-8") as out:
        for _, stored in reader.iter_docs():
            out.write(json.dumps({"id": stored["id"],
                                  "actors": [name for name, _ in stored.get("actors") or []],
                                  "places": list(stored.get("places") or [])},
                                 ensure_ascii=False) + "\n")
    generation.close()


def export_names_only(corpus: Path, work: Path) -> None:
    """Ingest and extract actors without building an index, for the peers at a size where
    Hemeroteca's own build is skipped (not timed)."""
    from search.actors.extractor import ActorExtractor
    from search.directory import paragraph_names
    from search.changes import extract_corpus
    from search.ingest.articles import ingest_seeds
    documents = ingest_seeds(corpus).documents
    mentions = extract_corpus(ActorExtractor.from_seeds(corpus), documents)
    work.parent.mkdir(parents=True, exist_ok=True)
    with open(work.parent / NAMES_FILE, "w", encoding="utf-8") as out:
        for document in documents:
            for paragraph in document.paragraphs:
                actors, places = paragraph_names(mentions.get(paragraph.id, ()))
                out.write(json.dumps({"id": paragraph.id, "actors": [a["name"] for a in actors],
                                      "places": places}, ensure_ascii=False) + "\n")


def index_path(work: Path) -> Path:
    return work / "index"


class Engine:
    def __init__(self, work: Path):
        self.generation: Generation = open_current(work / "index")

    def search(self, query: dict):
        params = {"q": [query["q"]], "actor": query.get("actor", []),
                  "year": [str(y) for y in query.get("year", [])]}
        result = run_search(self.generation, parse_request(params))
        facets = {name: result.facets[name] for name in ("actor", "place", "year", "publication")}
        return result.total, facets, [str(hit.highlight) for hit in result.hits]


def open_engine(work: Path) -> Engine:
    return Engine(work)
