"""Plain Whoosh 2.7.4 the obvious way: one writer, ``groupedby`` FieldFacet counts, and
``hit.highlights`` on ``results[:10]`` (DEPENDENCIES.md: iterating ``results`` with groupedby
walks every match)."""
from __future__ import annotations

from pathlib import Path

from whoosh import fields, index, sorting
from whoosh import query as wq
from whoosh.analysis import CharsetFilter, StemmingAnalyzer
from whoosh.qparser import OrGroup, QueryParser
from whoosh.support.charset import accent_map

from .paragraphs import NAMES_FILE, iter_paragraphs


def schema() -> fields.Schema:
    analyzer = StemmingAnalyzer() | CharsetFilter(accent_map)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True), title=fields.TEXT(analyzer=analyzer, stored=True),
        text=fields.TEXT(analyzer=analyzer, stored=True),
        publication=fields.ID(stored=True), year=fields.NUMERIC(stored=True),
        actor=fields.KEYWORD(stored=True, commas=True, lowercase=False),
        place=fields.KEYWORD(stored=True, commas=True, lowercase=False))


def _names(values: list[str]) -> str:
    return ",".join(v.replace(",", " ") for v in values)


def build(corpus: Path, work: Path) -> dict:
    folder = work / "whoosh"
    folder.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(folder), schema())
    with ix.writer(limitmb=256) as writer:
        for p in iter_paragraphs(corpus, work.parent / NAMES_FILE):
            writer.add_document(id=p["id"], title=p["title"], text=p["text"],
                                publication=p["publication"], year=p["year"],
                                actor=_names(p["actors"]), place=_names(p["places"]))
    return {}


def index_path(work: Path) -> Path:
    return work / "whoosh"


class Engine:
    def __init__(self, work: Path):
        self.ix = index.open_dir(str(work / "whoosh"))
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("text", self.ix.schema, group=OrGroup)
        self.groups = {"actor": sorting.FieldFacet("actor", allow_overlap=True),
                       "place": sorting.FieldFacet("place", allow_overlap=True),
                       "year": sorting.FieldFacet("year"),
                       "publication": sorting.FieldFacet("publication")}

    def search(self, query: dict):
        q = self.parser.parse(query["q"])
        filters = [wq.Term("actor", a.replace(",", " ")) for a in query.get("actor", [])]
        if query.get("year"):
            filters.append(wq.Or([wq.Term("year", y) for y in query["year"]]))
        results = self.searcher.search(q, filter=wq.And(filters) if filters else None, limit=10,
                                       groupedby=self.groups, maptype=sorting.Count)
        facets = {name: results.groups(name) for name in self.groups}
        hits = [hit.highlights("text", top=3) for hit in results[:10]]
        return len(results), facets, hits


def open_engine(work: Path) -> Engine:
    return Engine(work)
