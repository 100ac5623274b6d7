"""Run a SearchRequest against an open generation: total, ranked hits, facets, suggestion.

Parts: ``run_search`` (one page), ``export_hits`` (every match, streamed), ``matched_mask``
(which documents a query matches, as a boolean array). Did you mean is suggest.py; more like
this (``like``) is similar.py.

Filtering and facet counting are array operations over the generation's facet columns
(columns.py, one per facet of search/facets.py); scores are BM25F over the same postings
arrays (bm25f.py), and only the hits returned are read and highlighted.
"""
from __future__ import annotations

import time
import numpy as np
from markupsafe import escape
from whoosh import query as wq
from whoosh.query.qcore import QueryError as WhooshQueryError
from whoosh.searching import Searcher

from search.engine import Export
from search.engines.whoosh.bm25f import rank, score_query
from search.engines.whoosh.columns import count_values
from search.engines.whoosh.generation import Generation
from search.engines.whoosh.highlight import highlight, matched_terms
from search.engines.whoosh.hybrid import match_meaning
from search.engines.whoosh.matching import Postings
from search.engines.whoosh.query import ParsedQuery, build_query, plain_words_query
from search.engines.whoosh.similar import find_similar
from search.engines.whoosh.suggest import did_you_mean
from search.facets import FACETS
from search.interpret import Names, build_names, interpret, lexical_readings
from search.ranking import READING_BOOSTS
from search.records import FacetValue
from search.request import SearchRequest
from search.results import Hit, SearchResult
from search.semantic.meaning import Meaning

FACET_LIMIT = 100
# An export reads and highlights its hits this many at a time, with one searcher per batch.
EXPORT_BATCH = 500


def run_search(generation: Generation, request: SearchRequest,
               meaning: Meaning | None = None) -> SearchResult:
    """Search ``generation`` for ``request``: one page of hits, facets over every match.
    With ``meaning`` (mode=hybrid), the paragraphs nearest in meaning join the words' matches
    and one fused score orders them (hybrid.py)."""
    started = time.perf_counter()
    with generation.index.searcher() as searcher:
        parsed, postings, matched, filters, final = _match(generation, searcher, request)
        found = match_meaning(meaning, generation, request, filters, final) if meaning else None
        if found is not None:
            by_meaning = found.mask
            matched, final = matched | by_meaning, final | by_meaning
        facets = _facets(generation, request, matched, final, filters)
        total = int(final.sum())
        start = (request.page - 1) * request.per_page
        ordered = (_ordered(postings, parsed, request, final, generation, start + request.per_page)
                   if found is None else
                   found.ordered(postings, parsed, request, generation, start + request.per_page, _ordered,
                                 _reading_bonus(generation, request)))
        terms = matched_terms(parsed.query, searcher.reader()) if request.q or request.like else {}
        names = _filtered_names(generation, request)
        hits = [_hit(generation, searcher, docnum, score, terms, names)
                for docnum, score in ordered[start:]]
        if found is not None:
            hits = [found.label(hit, docnum) for hit, (docnum, _) in zip(hits, ordered[start:])]
        suggestion, unmatched = (did_you_mean(postings, parsed, total if found is None else found.lexical_total)
                                 if request.q and not request.like else (None, ()))
    return SearchResult(request=request, total=total, hits=hits, facets=facets,
                        interpretation=_readings(generation, request),
                        suggestion=suggestion, unmatched=unmatched, notice=parsed.notice,
                        took_ms=(time.perf_counter() - started) * 1000, parsed=str(parsed.query))


def export_hits(generation: Generation, request: SearchRequest, limit: int | None = None,
                meaning: Meaning | None = None) -> Export:
    """Every match of ``request`` in its order (at most ``limit``), hits read as they stream."""
    with generation.index.searcher() as searcher:
        parsed, postings, _, filters, final = _match(generation, searcher, request)
        found = match_meaning(meaning, generation, request, filters, final) if meaning else None
        if found is not None:
            final = final | found.mask
        total = int(final.sum())
        end = total if limit is None else min(total, limit)
        ordered = (_ordered(postings, parsed, request, final, generation, end) if found is None
                   else found.ordered(postings, parsed, request, generation, end, _ordered,
                                      _reading_bonus(generation, request)))
        terms = matched_terms(parsed.query, searcher.reader()) if request.q or request.like else {}
        names = _filtered_names(generation, request)

    def stream():
        for first in range(0, len(ordered), EXPORT_BATCH):
            with generation.index.searcher() as batch_searcher:
                batch = [_hit(generation, batch_searcher, docnum, score, terms, names)
                         for docnum, score in ordered[first:first + EXPORT_BATCH]]
            if found is not None:
                batch = [found.label(hit, docnum)
                         for hit, (docnum, _) in zip(batch, ordered[first:first + EXPORT_BATCH])]
            yield from batch
    return Export(total=total, hits=stream(), limit=limit)


def _match(generation: Generation, searcher, request: SearchRequest):
    """The parsed query, the postings, and the masks: matched, per filter, and final."""
    # each term's postings read once for matching and ranking; archive order for did-you-mean
    postings = Postings(searcher, order=generation.columns.archive_rank)
    # more like this: the paragraph's key terms (and q, if any) as the query
    similar = find_similar(postings, request.like, request.q) if request.like else None
    parsed = similar.parsed if similar is not None else build_query(request.q)
    try:
        matched = matched_mask(postings, parsed.query)
    except WhooshQueryError as error:
        # Whoosh refuses some parsed queries only when it runs them (a phrase on a field
        # without positions, for one): search the words instead of failing.
        parsed = plain_words_query(request.q, f"it could not be run ({error})")
        matched = matched_mask(postings, parsed.query)
    if similar is not None:  # only the paragraphs that share enough of its key terms
        matched &= similar.mask
    filters = _filter_masks(generation, request)
    final = matched.copy()
    for mask in filters.values():
        final &= mask
    return parsed, postings, matched, filters, final


def matched_mask(postings: Postings, query: wq.Query) -> np.ndarray:
    """Boolean array over document numbers: True where ``query`` matches (a copy to change)."""
    return postings.mask(query).copy()  # postings block by block (matching.py)


def _filter_masks(generation: Generation, request: SearchRequest) -> dict[str, np.ndarray]:
    columns = generation.columns
    masks: dict[str, np.ndarray] = {}
    for facet in FACETS:
        selected = _selected(generation, request, facet)
        if selected:
            combine = columns.mask_any if facet.any_of else columns.mask_all
            masks[facet.name] = combine(facet.name, selected)
    if request.date_from or request.date_to:
        date_from = int(request.date_from.strftime("%Y%m%d")) if request.date_from else None
        date_to = int(request.date_to.strftime("%Y%m%d")) if request.date_to else None
        masks["date"] = columns.mask_dates(date_from, date_to)
    return masks


def _selected(generation: Generation, request: SearchRequest, facet) -> tuple:
    selected = request.selected(facet.name)
    if facet.names:
        return tuple(_canonical_actor(generation, value) for value in selected)
    return selected


def _filtered_names(generation: Generation, request: SearchRequest) -> frozenset[str]:
    """The canonical names the request filters by (actors, places): their mentions are marked."""
    return frozenset(name for facet in FACETS if facet.names
                     for name in _selected(generation, request, facet))


def _canonical_actor(generation: Generation, name: str) -> str:
    # Accept "Nicolas Maduro" for "Nicolás Maduro": URLs typed by hand drop accents.
    actor = generation.find_actor(name)
    return actor["name"] if actor else name


def _facets(generation: Generation, request: SearchRequest, matched: np.ndarray, final: np.ndarray,
            filters: dict[str, np.ndarray]) -> dict[str, list[FacetValue]]:
    facets = {}
    for facet in FACETS:
        mask = final
        # An any-of facet's counts ignore its own selection (CONTRACT.md), so the other values
        # stay reachable; all-of facets count over the result.
        if facet.any_of and facet.name in filters:
            mask = matched.copy()
            for other, other_mask in filters.items():
                if other != facet.name:
                    mask &= other_mask
        facets[facet.name] = count_values(generation.columns.columns[facet.name], mask,
                                          _selected(generation, request, facet), FACET_LIMIT)
    return facets


def _ordered(postings: Postings, parsed: ParsedQuery, request: SearchRequest, final: np.ndarray,
             generation: Generation, end: int) -> list[tuple[int, float | None]]:
    """The (docnum, score) pairs of the first ``end`` matches, in the request's order."""
    has_words = not isinstance(parsed.query, wq.Every) and parsed.query is not wq.NullQuery
    docnums = np.flatnonzero(final)
    if not len(docnums) or end <= 0:
        return []
    bonus = _reading_bonus(generation, request)
    if request.sort == "relevance" and has_words:
        # Only matching paragraphs are candidates: the scoring query also reaches paragraphs
        # through the article's title alone, and those must not rank.
        # equal scores: newest first, then archive order (search/ranking.py TIE_BREAK)
        ranked, scores = rank(parsed.ranking_query, generation.stats, postings, docnums, end,
                              parsed.proximity, bonus, tie=generation.columns.newest_rank)
        return [(int(n), round(float(s), 4)) for n, s in zip(ranked[:end], scores[:end])]
    columns = generation.columns
    if request.sort == "oldest":
        # Undated paragraphs last in both orders.
        dates = np.where(columns.date_sort[docnums] > 0, columns.date_sort[docnums], 99999999)
        order = np.lexsort((columns.archive_rank[docnums], dates))
    else:
        order = np.argsort(columns.newest_rank[docnums], kind="stable")
    page_docnums = docnums[order][:end]
    if not has_words:
        return [(int(n), None) for n in page_docnums]
    scores = score_query(parsed.ranking_query, generation.stats, postings,
                         exact_in=np.sort(page_docnums))[page_docnums]
    if bonus is not None:
        scores = scores + bonus[page_docnums]
    return [(int(n), round(float(s), 4)) for n, s in zip(page_docnums, scores)]


# The names of the open generation, for reading queries (built once per generation).
_NAMES: dict[object, Names] = {}


def _names(generation: Generation) -> Names:
    names = _NAMES.get(generation.path)
    if names is None:
        columns = generation.columns.columns
        names = build_names(columns["publication"].values, columns["year"].values,
                            generation.actors.values(), columns["place"].values)
        _NAMES.clear()  # one generation is served at a time
        _NAMES[generation.path] = names
    return names


def _readings(generation: Generation, request: SearchRequest) -> list[dict]:
    """The query's words that name a facet value (search/interpret.py)."""
    if not request.q or request.like:
        return []
    return interpret(request.q, _names(generation))


def _reading_bonus(generation: Generation, request: SearchRequest) -> np.ndarray | None:
    """Each document's READING_BOOSTS for the readings it carries (None: no reading adds any).

    A publication always adds (no field scores its name); an actor or place only when read
    through an alias its name's words do not contain ("TSJ"), since the actor and place fields
    already score "Maduro"; a year never (the query's bare year carries YEAR_BOOST).
    """
    readings = _readings(generation, request)
    if not readings:
        return None
    columns = generation.columns
    bonus = np.zeros(columns.doc_count)
    for reading, lexical in zip(readings, lexical_readings(readings, _names(generation))):
        boost = READING_BOOSTS.get(reading["facet"], 0.0)
        if boost and (reading["facet"] == "publication" or not lexical):
            bonus += boost * columns.mask_any(reading["facet"], [reading["value"]])
    if not bonus.any():
        return None
    return bonus * generation.stats.kind_factor  # like every score, times the kind factor


def _hit(generation: Generation, searcher: Searcher, docnum: int, score: float | None,
         terms: dict[str, set[str]], names: frozenset[str] = frozenset()) -> Hit:
    stored = searcher.stored_fields(docnum)
    document = generation.documents.get(stored["doc_id"], {})
    text = stored["text"]
    return Hit(id=stored["id"], doc_id=stored["doc_id"], position=stored["position"],
               kind=stored["kind"], section=stored.get("section"), title=document.get("title"),
               publication=document.get("publication"), date=document.get("date"),
               year=document.get("year"), text=text,
               highlight=(highlight(text, terms, stored.get("mentions") or (), names)
                          if terms or names else escape(text)),
               actors=[{"name": n, "type": t} for n, t in stored.get("actors") or []],
               places=list(stored.get("places") or []), score=score,
               display_title=document.get("display_title"))
