"""The directory of an index generation: documents and actors as the API lists them.

Parts: ``paragraph_names`` (a paragraph's distinct actors and places from its mentions),
``paragraph_row`` (what every engine indexes for a paragraph; ``mention_fields`` its
actors' part), ``document_entry`` (a
document's metadata and paragraph count, JSON-ready), ``paragraph_entry``
(a paragraph as the API shows it, from its stored fields), ``summarise_actors`` (each actor's
type, aliases, paragraph/document counts, years and co-occurring actors).

It is computed once at build time and saved beside the Whoosh index, so the API's lists cost a
dictionary lookup, not a scan of the index. Paragraph texts stay in the index's stored fields
(read for the one document a page shows): kept here they were most of a server's memory
(+290 MB at 100k paragraphs).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from search.records import ActorMention, Document, Paragraph
from search.titles import display_title
from search.tallies import ActorTallies, document_tally


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
    return {"id": paragraph.id, "doc_id": document.doc_id, "position": paragraph.position,
            "kind": paragraph.kind, "section": paragraph.section, "text": paragraph.text,
            "title": document.title or "", "publication": document.publication or "",
            "date": document.date or "", "year": document.year, **mention_fields(mentions)}


def mention_fields(mentions: Iterable[ActorMention]) -> dict:
    """The part of ``paragraph_row`` that comes from the paragraph's actors: ``actors``,
    ``places`` and ``mentions`` (an incremental build restates them alone)."""
    mentions = list(mentions)
    actors, places = paragraph_names(mentions)
    return {"actors": [[a["name"], a["type"]] for a in actors], "places": places,
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

    Pull-quotes are skipped, as in the facets, so a repeated sentence is not counted twice. The
    counts are sums over articles (search/tallies.py), so an incremental build that adds or
    removes an article reaches the same entries without recounting the corpus.
    """
    tallies = ActorTallies()
    for document in documents:
        tallies.add(document_tally(document.doc_id, document.year,
                                   ((p.kind, mentions.get(p.id, ())) for p in document.paragraphs)))
    return tallies.summaries()
