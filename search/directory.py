"""The directory of an index generation: documents and actors as the API lists them.

Parts: ``paragraph_names`` (a paragraph's distinct actors and places from its mentions),
``document_entry`` (a document with its paragraphs, JSON-ready), ``summarise_actors`` (each
actor's type, aliases, paragraph/document counts, years and co-occurring actors).

It is computed once at build time and saved beside the Whoosh index, so the API's lists cost a
dictionary lookup, not a scan of the index.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from .facets import NAME_FACETS_SKIP_KINDS
from .records import ActorMention, Document, Paragraph
from .text import fold_accents

MAX_CO_ACTORS = 20


def paragraph_names(mentions: Iterable[ActorMention]) -> tuple[list[dict], list[str]]:
    """Distinct people/organisations (as ``{"name", "type"}``) and places, in text order."""
    actors: dict[str, dict] = {}
    places: dict[str, None] = {}
    for mention in mentions:
        if mention.type == "place":
            places.setdefault(mention.name, None)
        else:
            actors.setdefault(mention.name, {"name": mention.name, "type": mention.type})
    return list(actors.values()), list(places)


def paragraph_entry(paragraph: Paragraph, mentions: Iterable[ActorMention]) -> dict:
    """One paragraph as ``/api/documents/<id>`` shows it."""
    actors, places = paragraph_names(mentions)
    return {"id": paragraph.id, "position": paragraph.position, "anchor": paragraph.anchor,
            "kind": paragraph.kind, "section": paragraph.section, "text": paragraph.text,
            "actors": actors, "places": places}


def document_entry(document: Document, mentions: Mapping[str, tuple[ActorMention, ...]]) -> dict:
    """One document with its metadata and paragraphs, JSON-ready."""
    return {"id": document.doc_id, "title": document.title, "publication": document.publication,
            "date": document.date, "year": document.year, "author": document.author,
            "source_url": document.source_url, "file": document.file,
            "paragraphs": [paragraph_entry(p, mentions.get(p.id, ())) for p in document.paragraphs]}


def summarise_actors(documents: Iterable[Document],
                     mentions: Mapping[str, tuple[ActorMention, ...]]) -> list[dict]:
    """Every actor (people, organisations, places) with its counts, most named first.

    Pull-quotes are skipped, as in the facets, so a repeated sentence is not counted twice.
    """
    types: dict[str, str] = {}
    aliases: dict[str, Counter] = defaultdict(Counter)
    paragraphs: Counter = Counter()
    docs: dict[str, set[str]] = defaultdict(set)
    years: dict[str, Counter] = defaultdict(Counter)
    co_actors: dict[str, Counter] = defaultdict(Counter)
    for document in documents:
        for paragraph in document.paragraphs:
            if paragraph.kind in NAME_FACETS_SKIP_KINDS:
                continue
            found = mentions.get(paragraph.id, ())
            names = list(dict.fromkeys(m.name for m in found))
            for mention in found:
                types.setdefault(mention.name, mention.type)
                aliases[mention.name][mention.surface] += 1
            for name in names:
                paragraphs[name] += 1
                docs[name].add(document.doc_id)
                if document.year is not None:
                    years[name][document.year] += 1
                co_actors[name].update(other for other in names if other != name)
    summaries = []
    for name in sorted(paragraphs, key=lambda n: (-paragraphs[n], fold_accents(n).lower())):
        summaries.append({
            "name": name, "type": types[name],
            "aliases": [alias for alias, _ in aliases[name].most_common()],
            "paragraphs": paragraphs[name], "documents": len(docs[name]),
            "years": [{"value": year, "count": count} for year, count in sorted(years[name].items())],
            "co_actors": [{"name": other, "type": types[other], "count": count}
                          for other, count in sorted(co_actors[name].items(),
                                                     key=lambda item: (-item[1], item[0]))][:MAX_CO_ACTORS],
        })
    return summaries
