"""The directory of an index generation: documents and actors as the API lists them.

Parts: ``paragraph_names`` (a paragraph's distinct actors and places from its mentions),
``paragraph_row`` (what every engine indexes for a paragraph), ``document_entry`` (a
document's metadata and paragraph count, JSON-ready), ``paragraph_entry``
(a paragraph as the API shows it, from its stored fields), ``summarise_actors`` (each actor's
type, aliases, paragraph/document counts, years and co-occurring actors).

It is computed once at build time and saved beside the Whoosh index, so the API's lists cost a
dictionary lookup, not a scan of the index. Paragraph texts stay in the index's stored fields
(read for the one document a page shows): kept here they were most of a server's memory
(+290 MB at 100k paragraphs).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from search.facets import NAME_FACETS_SKIP_KINDS
from search.records import ActorMention, Document, Paragraph
from search.titles import display_title
from search.text import fold_accents

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


def paragraph_row(document: Document, paragraph: Paragraph,
                  mentions: tuple[ActorMention, ...]) -> dict:
    """What every engine indexes for one paragraph: its text, its document's metadata, its
    actors and places, and where each is named (``mentions``: [start, end, name, type])."""
    actors, places = paragraph_names(mentions)
    return {"id": paragraph.id, "doc_id": document.doc_id, "position": paragraph.position,
            "kind": paragraph.kind, "section": paragraph.section, "text": paragraph.text,
            "title": document.title or "", "publication": document.publication or "",
            "date": document.date or "", "year": document.year,
            "actors": [[a["name"], a["type"]] for a in actors], "places": places,
            "mentions": [[m.start, m.end, m.name, m.type] for m in mentions]}


def paragraph_entry(stored: Mapping) -> dict:
    """One paragraph as ``/api/documents/<id>`` shows it, from its stored index fields."""
    return {"id": stored["id"], "position": stored["position"], "anchor": f"p{stored['position']}",
            "kind": stored["kind"], "section": stored.get("section"), "text": stored["text"],
            "actors": [{"name": name, "type": kind} for name, kind in stored.get("actors") or []],
            "places": list(stored.get("places") or [])}


def document_entry(document: Document) -> dict:
    """One document's metadata and its number of paragraphs (positions 1…n), JSON-ready.

    ``title`` is the article's own or None; ``display_title`` is what pages show (search/titles.py).
    """
    return {"id": document.doc_id, "title": document.title, "display_title": display_title(document),
            "publication": document.publication,
            "date": document.date, "year": document.year, "author": document.author,
            "source_url": document.source_url, "file": document.file,
            "paragraph_count": len(document.paragraphs)}


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
