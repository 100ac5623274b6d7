"""Run a SearchRequest against an open generation: total, ranked hits, facets, suggestion.

Parts: ``Hit`` and ``SearchResult`` (with their JSON shapes), ``run_search``, ``matched_mask``
(which documents a query matches, as a boolean array). Did you mean is suggest.py; more like
this (``like``) is similar.py.

Filtering and facet counting are array operations over the generation's facet columns
(facets.py); scores are BM25F over the same postings arrays (ranking.py), and only the page's
hits are highlighted.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup, escape
from whoosh import query as wq
from whoosh.query.qcore import QueryError as WhooshQueryError
from whoosh.searching import Searcher

from search.engines.whoosh.columns import FACET_NAMES, count_values
from search.engines.whoosh.generation import Generation
from search.engines.whoosh.highlight import highlight, matched_terms
from search.engines.whoosh.matching import Postings
from search.engines.whoosh.query import ParsedQuery, SearchRequest, build_query, plain_words_query
from search.engines.whoosh.bm25f import rank, score_query
from search.records import FacetValue
from search.engines.whoosh.similar import similar_query
from search.engines.whoosh.suggest import suggest_query

# Facets whose filter is any-of: their counts ignore their own selection (CONTRACT.md), so the
# other values stay reachable. Actor and place filters are all-of and count over the result.
DISJUNCTIVE_FACETS = ("year", "publication", "kind")
FACET_LIMIT = 100
# Offer a corrected query when the query finds at most this many paragraphs.
SUGGEST_AT_MOST = 2


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching paragraph, with its document's metadata and its highlighted text."""

    id: str
    doc_id: str
    position: int
    kind: str
    section: str | None
    title: str | None
    publication: str | None
    date: str | None
    year: int | None
    text: str
    highlight: Markup
    actors: list[dict]
    places: list[str]
    score: float | None

    @property
    def anchor(self) -> str:
        return f"p{self.position}"

    @property
    def url(self) -> str:
        return f"/documents/{self.doc_id}#{self.anchor}"

    def to_json(self) -> dict:
        return {"id": self.id, "doc_id": self.doc_id, "position": self.position, "kind": self.kind,
                "section": self.section, "title": self.title, "publication": self.publication,
                "date": self.date, "year": self.year, "text": self.text,
                "highlight": str(self.highlight), "actors": self.actors, "places": self.places,
                "score": self.score, "url": self.url}


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search found: the page of hits, the total, facets over all matches."""

    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    notice: str | None = None
    took_ms: float = 0.0
    parsed: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    def to_json(self) -> dict:
        return {"query": self.request.q, "total": self.total, "page": self.request.page,
                "per_page": self.request.per_page, "took_ms": round(self.took_ms, 2),
                "hits": [hit.to_json() for hit in self.hits],
                "facets": {name: [v.to_json() for v in values] for name, values in self.facets.items()},
                "suggestion": self.suggestion, "notice": self.notice, "parsed_query": self.parsed}


def run_search(generation: Generation, request: SearchRequest) -> SearchResult:
    """Search ``generation`` for ``request``."""
    started = time.perf_counter()
    parsed = build_query(request.q)
    with generation.index.searcher() as searcher:
        if request.like:  # more like this: the paragraph's key terms (and q, if any) as the query
            parsed = similar_query(searcher, request.like, request.q)
        postings = Postings(searcher)  # each term's postings read once for matching and ranking
        try:
            matched = matched_mask(postings, parsed.query)
        except WhooshQueryError as error:
            # Whoosh refuses some parsed queries only when it runs them (a phrase on a field
            # without positions, for one): search the words instead of failing.
            parsed = plain_words_query(request.q, f"it could not be run ({error})")
            matched = matched_mask(postings, parsed.query)
        filters = _filter_masks(generation, request)
        final = matched.copy()
        for mask in filters.values():
            final &= mask
        facets = _facets(generation, request, matched, final, filters)
        total = int(final.sum())
        page = _page(postings, parsed, request, final, generation)
        terms = matched_terms(parsed.query, searcher.reader()) if request.q or request.like else {}
        hits = [_hit(generation, searcher, docnum, score, terms) for docnum, score in page]
        suggestion = (suggest_query(postings, parsed)
                      if request.q and not request.like and total <= SUGGEST_AT_MOST else None)
    return SearchResult(request=request, total=total, hits=hits, facets=facets,
                        suggestion=suggestion, notice=parsed.notice,
                        took_ms=(time.perf_counter() - started) * 1000, parsed=str(parsed.query))


def matched_mask(postings: Postings, query: wq.Query) -> np.ndarray:
    """Boolean array over document numbers: True where ``query`` matches (a copy to change)."""
    return postings.mask(query).copy()  # postings block by block (matching.py)


def _filter_masks(generation: Generation, request: SearchRequest) -> dict[str, np.ndarray]:
    columns = generation.columns
    masks: dict[str, np.ndarray] = {}
    if request.actors:
        masks["actor"] = columns.mask_all("actor", [_canonical_actor(generation, a) for a in request.actors])
    if request.places:
        masks["place"] = columns.mask_all("place", [_canonical_actor(generation, p) for p in request.places])
    if request.years:
        masks["year"] = columns.mask_any("year", request.years)
    if request.publications:
        masks["publication"] = columns.mask_any("publication", request.publications)
    if request.kinds:
        masks["kind"] = columns.mask_any("kind", request.kinds)
    if request.date_from or request.date_to:
        date_from = int(request.date_from.strftime("%Y%m%d")) if request.date_from else None
        date_to = int(request.date_to.strftime("%Y%m%d")) if request.date_to else None
        masks["date"] = columns.mask_dates(date_from, date_to)
    return masks


def _canonical_actor(generation: Generation, name: str) -> str:
    # Accept "Nicolas Maduro" for "Nicolás Maduro": URLs typed by hand drop accents.
    actor = generation.find_actor(name)
    return actor["name"] if actor else name


def _facets(generation: Generation, request: SearchRequest, matched: np.ndarray, final: np.ndarray,
            filters: dict[str, np.ndarray]) -> dict[str, list[FacetValue]]:
    selections = request.selections()
    facets = {}
    for name in FACET_NAMES:
        mask = final
        if name in DISJUNCTIVE_FACETS and name in filters:
            mask = matched.copy()
            for other, other_mask in filters.items():
                if other != name:
                    mask &= other_mask
        selected = selections[name]
        if name in ("actor", "place"):
            selected = tuple(_canonical_actor(generation, value) for value in selected)
        facets[name] = count_values(generation.columns.columns[name], mask, selected, FACET_LIMIT)
    return facets


def _page(postings: Postings, parsed: ParsedQuery, request: SearchRequest, final: np.ndarray,
          generation: Generation) -> list[tuple[int, float | None]]:
    """The (docnum, score) pairs of the requested page, in order."""
    start = (request.page - 1) * request.per_page
    end = start + request.per_page
    has_words = not isinstance(parsed.query, wq.Every) and parsed.query is not wq.NullQuery
    docnums = np.flatnonzero(final)
    if not len(docnums) or start >= len(docnums):
        return []
    if request.sort == "relevance" and has_words:
        # Only matching paragraphs are candidates: the scoring query also reaches paragraphs
        # through the article's title alone, and those must not rank.
        ranked, scores = rank(parsed.ranking_query, generation.stats, postings, docnums, end,
                              parsed.proximity)
        return [(int(n), round(float(s), 4)) for n, s in zip(ranked[start:end], scores[start:end])]
    columns = generation.columns
    if request.sort == "oldest":
        # Undated paragraphs last in both orders.
        dates = np.where(columns.date_sort[docnums] > 0, columns.date_sort[docnums], 99999999)
        order = np.lexsort((columns.archive_rank[docnums], dates))
    else:
        order = np.argsort(columns.newest_rank[docnums], kind="stable")
    page_docnums = docnums[order][start:end]
    if not has_words:
        return [(int(n), None) for n in page_docnums]
    scores = score_query(parsed.ranking_query, generation.stats, postings,
                         exact_in=np.sort(page_docnums))[page_docnums]
    return [(int(n), round(float(s), 4)) for n, s in zip(page_docnums, scores)]


def _hit(generation: Generation, searcher: Searcher, docnum: int, score: float | None,
         terms: dict[str, set[str]]) -> Hit:
    stored = searcher.stored_fields(docnum)
    document = generation.documents.get(stored["doc_id"], {})
    text = stored["text"]
    return Hit(id=stored["id"], doc_id=stored["doc_id"], position=stored["position"],
               kind=stored["kind"], section=stored.get("section"), title=document.get("title"),
               publication=document.get("publication"), date=document.get("date"),
               year=document.get("year"), text=text,
               highlight=highlight(text, terms, stored.get("mentions") or ()) if terms else escape(text),
               actors=[{"name": n, "type": t} for n, t in stored.get("actors") or []],
               places=list(stored.get("places") or []), score=score)
