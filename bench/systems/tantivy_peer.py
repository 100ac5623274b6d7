"""tantivy-py (Rust): a text field folded and stemmed, actor/place/publication/year as fast
fields, ``Searcher.aggregate`` terms counts for the facets, ``SnippetGenerator`` highlights.
Optional: ``pip install -e '.[bench]'``; the benchmark skips it when the import fails."""
from __future__ import annotations

from pathlib import Path

import tantivy

from .paragraphs import NAMES_FILE, iter_paragraphs

TOKENIZER = "folded_en"


def _analyzer():
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.stemmer("english")).build())


def _schema():
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name=TOKENIZER)
    builder.add_text_field("text", stored=True, tokenizer_name=TOKENIZER)
    for name in ("actor", "place", "publication"):
        builder.add_text_field(name, fast=True, tokenizer_name="raw")
    builder.add_integer_field("year", indexed=True, fast=True)
    return builder.build()


def _open(folder: Path, create: bool) -> tantivy.Index:
    index = tantivy.Index(_schema(), path=str(folder)) if create else tantivy.Index.open(str(folder))
    index.register_tokenizer(TOKENIZER, _analyzer())
    return index


def build(corpus: Path, work: Path) -> dict:
    folder = work / "tantivy"
    folder.mkdir(parents=True, exist_ok=True)
    index = _open(folder, create=True)
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for p in iter_paragraphs(corpus, work.parent / NAMES_FILE):
        doc = tantivy.Document(id=p["id"], title=p["title"], text=p["text"],
                               publication=p["publication"], year=p["year"])
        for name in p["actors"]:
            doc.add_text("actor", name)
        for name in p["places"]:
            doc.add_text("place", name)
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    return {}


def index_path(work: Path) -> Path:
    return work / "tantivy"


class Engine:
    def __init__(self, work: Path):
        self.index = _open(work / "tantivy", create=False)
        self.index.reload()
        self.searcher = self.index.searcher()
        self.schema = self.index.schema
        self.aggs = {name: {"terms": {"field": name, "size": 100}}
                     for name in ("actor", "place", "year", "publication")}

    def search(self, query: dict):
        q = self.index.parse_query(query["q"], ["text"])
        musts = [(tantivy.Occur.Must, q)]
        for name in query.get("actor", []):
            musts.append((tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "actor", name)))
        if query.get("year"):
            years = [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "year", y))
                     for y in query["year"]]
            musts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(years)))
        if len(musts) > 1:
            q = tantivy.Query.boolean_query(musts)
        result = self.searcher.search(q, limit=10, count=True)
        aggregated = self.searcher.aggregate(q, self.aggs)
        facets = {name: [(b["key"], b["doc_count"]) for b in aggregated[name]["buckets"]]
                  for name in self.aggs}
        snippets = tantivy.SnippetGenerator.create(self.searcher, q, self.schema, "text")
        hits = [snippets.snippet_from_doc(self.searcher.doc(address)).to_html()
                for _, address in result.hits]
        return result.count, facets, hits


def open_engine(work: Path) -> Engine:
    return Engine(work)
