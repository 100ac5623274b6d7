"""The OpenSearch engine behind the engine seam (search/engine.py): the same answers as the
embedded engine, from an OpenSearch 2.x cluster.

Parts: ``parse`` (query text → search/querylang's ParsedQuery), ``Directory`` (documents and
actors of the current load, read once per load), ``OpenSearchEngine``.

Every request runs inside ``connection.answering``: a cluster that is down, slow or missing the
index is EngineUnavailable (a 503 with a hint), never a 500. The directory is kept in memory as
the embedded engine keeps its generation's; whether a new load has replaced it is checked at
most once every DIRECTORY_CHECK_SECONDS (one small GET), so a running server picks up a rebuild
within that time.
"""
from __future__ import annotations

import dataclasses
import json
import re
import threading
import time
from dataclasses import dataclass

from typing import TYPE_CHECKING

from search.config import Settings
from search.engine import EngineUnavailable, Export, Progress
from search.engines.opensearch import bulk, dsl, responses, suggest
from search.engines.opensearch.connection import answering, connect, redact
from search.engines.opensearch.mapping import MAPPING_VERSION, facet_field
from search.facets import FACET_BY_NAME, FACETS
from search.querylang.nodes import MatchAll, Or, ParsedQuery, Term
from search.request import BadParameter, SearchRequest
from search.results import SearchResult
from search.seeds import SeedState
from search.text import fold_accents, iter_words

if TYPE_CHECKING:
    from search.changes import BuildReport, ChangeSet

DIRECTORY_CHECK_SECONDS = 1.0
DIRECTORY_PAGE = 5000          # directory records read per request
SUGGEST_AT_MOST = 2            # offer a corrected query when the query finds at most this many
FACET_VALUES_PAGE = 1000       # values per request when listing every value of a facet
# Hybrid search needs each paragraph's vector in the index and a k-NN query: the embedded engine
# stores them, this one does not yet (docs/scale-out.md). Installing the semantic extra would not
# change that, so the message does not suggest it.
NO_HYBRID = ("hybrid search (mode=hybrid) is answered by the embedded engine only; the OpenSearch "
             "engine searches words (mode=lexical)")
OTHER_VERSION = ("the index was built by another version of Hemeroteca; rebuild it with "
                 "`hemeroteca index --engine opensearch --full`")


def parse(text: str) -> ParsedQuery:
    """The query language's reading of ``text`` (search/querylang/parser.py)."""
    try:
        from search.querylang.parser import parse_query
    except ImportError:  # the parser is not there yet (issue 12): the words, OR-ed
        return _plain_words(text)
    return parse_query(text)


def _plain_words(text: str) -> ParsedQuery:
    text = text.strip()
    words = tuple(word for _, _, word in iter_words(text) if word not in ("AND", "OR", "NOT"))
    if not text:
        return ParsedQuery(MatchAll())
    if not words:
        return ParsedQuery(None, text, "The query has no words to search.")
    return ParsedQuery(Or(tuple(Term(word) for word in words)), text, None, words,
                       tuple(int(w) for w in words if re.fullmatch(r"(19|20)\d\d", w)),
                       words if 2 <= len(words) <= 6 else None)


@dataclass(slots=True)
class Directory:
    """The directory of the current load: its build record, documents and actors."""

    revision: str
    build: dict
    documents: dict[str, dict]
    actors: dict[str, dict]
    folded: dict[str, str]  # folded, case-folded name → name
    checked_at: float = 0.0
    names: object = None    # search/interpret.py's Names of this load, built on first use

    def find_actor(self, name: str) -> dict | None:
        """The actor called ``name``, matched exactly or ignoring accents and case."""
        if name in self.actors:
            return self.actors[name]
        found = self.folded.get(fold_accents(name).casefold())
        return self.actors.get(found) if found else None

    def types(self) -> dict[str, dict[str, str]]:
        """For each facet whose values have a type (the actor facet), value → type."""
        kinds = {name: actor["type"] for name, actor in self.actors.items()}
        return {facet: kinds for facet in self.build.get("typed_facets", ())}


class OpenSearchEngine:
    """The cluster at ``settings.opensearch_url``, alias ``settings.opensearch_index``."""

    name = "opensearch"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = settings.opensearch_url
        self.alias = settings.opensearch_index or "hemeroteca"
        self.directory_alias = bulk.directory_alias(self.alias)
        self._client = None
        self._lock = threading.Lock()
        self._directory: Directory | None = None

    def _answering(self, searching: bool = True):
        return answering(self.url, self.alias, searching)

    def client(self):
        """The cluster's client, made on first use (raises EngineUnavailable without a URL)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = connect(self.url)
        return self._client

    # ------------------------------------------------------------------ the directory
    def _build_record(self) -> dict | None:
        """The current load's build record, or None when nothing is loaded under the alias."""
        from opensearchpy.exceptions import NotFoundError
        try:
            return self.client().get(index=self.directory_alias, id="build")["_source"]
        except NotFoundError:
            return None

    def directory(self) -> Directory:
        """The current load's directory, reread when a load has replaced or changed it."""
        cached = self._directory
        now = time.monotonic()
        if cached is not None and now - cached.checked_at < DIRECTORY_CHECK_SECONDS:
            return cached
        record = self._build_record()
        if record is None:
            raise EngineUnavailable(
                f"no index {self.alias!r} in OpenSearch at {redact(self.url)}: load it with "
                f"`hemeroteca index --engine opensearch --opensearch-url {redact(self.url)}`")
        if record["body"].get("mapping_version") != MAPPING_VERSION:
            raise EngineUnavailable(OTHER_VERSION)
        if cached is not None and cached.revision == record["revision"]:
            cached.checked_at = now
            return cached
        documents = {entry["id"]: entry for entry in self._records("document")}
        actors = {entry["name"]: entry for entry in self._records("actor")}
        folded: dict[str, str] = {}
        for name in actors:
            folded.setdefault(fold_accents(name).casefold(), name)
        self._directory = Directory(record["revision"], record["body"], documents, actors, folded, now)
        return self._directory

    def _records(self, record: str) -> list[dict]:
        """Every directory record of one kind, in order, a page at a time (search_after)."""
        entries: list[dict] = []
        after = None
        while True:
            body = {"query": {"term": {"record": record}}, "sort": [{"order": {"order": "asc"}}],
                    "size": DIRECTORY_PAGE, "_source": ["body"]}
            if after is not None:
                body["search_after"] = after
            hits = self.client().search(index=self.directory_alias, body=body)["hits"]["hits"]
            entries += [hit["_source"]["body"] for hit in hits]
            if len(hits) < DIRECTORY_PAGE:
                return entries
            after = hits[-1]["sort"]

    def _reading_of(self, request: SearchRequest, directory: Directory):
        """What a search and an export both need of a request: the filters' canonical values,
        the more-like-this clause (or None), the query's readings and their ranking clauses."""
        similar = self._similar(request.like, directory) if request.like else None
        readings, bonus = self._readings(request, directory)
        return self._selections(request, directory), similar, readings, bonus

    def _selections(self, request: SearchRequest, directory: Directory) -> dict[str, tuple]:
        selections = {}
        for facet in FACETS:
            values = request.selected(facet.name)
            if facet.names:  # "Nicolas Maduro" selects Nicolás Maduro: URLs typed by hand
                values = tuple(dict.fromkeys((directory.find_actor(v) or {"name": v})["name"]
                                             for v in values))
            if values:
                selections[facet.name] = values
        return selections

    def _readings(self, request: SearchRequest, directory: Directory) -> tuple[list[dict], list[dict]]:
        """(the query's readings for SearchResult.interpretation, their ranking clauses)."""
        if not request.q.strip() or request.like:
            return [], []
        try:
            from search.interpret import build_names, interpret, lexical_readings
        except ImportError:  # pragma: no cover - the readings arrived with issue 13
            return [], []
        if directory.names is None:  # once per load, as the embedded engine does per generation
            directory.names = build_names(self.facet_values("publication"), self.facet_values("year"),
                                          directory.actors.values(), self.facet_values("place"))
        readings = interpret(request.q, directory.names)
        return readings, dsl.reading_clauses(readings, lexical_readings(readings, directory.names))

    @staticmethod
    def _names(selections: dict[str, tuple]) -> frozenset[str]:
        # the actors and places the search is filtered by: their mentions are marked
        return frozenset(v for name, values in selections.items() if FACET_BY_NAME[name].names
                         for v in values)

    def _similar(self, paragraph_id: str, directory: Directory) -> dict:
        from opensearchpy.exceptions import NotFoundError
        try:
            self.client().get(index=self.alias, id=paragraph_id, _source=False)
        except NotFoundError as error:
            if isinstance(error.info, dict) and error.info.get("found") is False:
                raise BadParameter("like", f"no paragraph {paragraph_id!r}; use the `id` of a "
                                           "search hit") from None
            raise
        return dsl.similar_clause(paragraph_id, int(directory.build.get("paragraphs") or 0))

    # ------------------------------------------------------------------ searching
    def hybrid_unavailable(self) -> str | None:
        return NO_HYBRID

    def search(self, request: SearchRequest) -> SearchResult:
        _refuse_hybrid(request)
        started = time.perf_counter()
        parsed = parse(request.q)
        with self._answering():
            directory = self.directory()
            selections, similar, readings, bonus = self._reading_of(request, directory)
            body = dsl.search_body(request, parsed, selections, similar, bonus)
            response = self.client().search(index=self.alias, body=body)
            ranked = bool(similar) or dsl.has_words(parsed)
            result = responses.search_result(
                request, response, parsed, ranked, selections, directory.types(),
                self._names(selections), shown_query=_shown(body["query"]),
                documents=directory.documents)
            suggestion = None
            if request.q.strip() and similar is None:
                # every word when the query finds little, else only the words that match nothing
                words = parsed.words if result.total <= SUGGEST_AT_MOST else result.unmatched
                if words:
                    suggestion = self._suggestion(parsed, response, words)
        return dataclasses.replace(result, suggestion=suggestion, interpretation=readings,
                                   took_ms=(time.perf_counter() - started) * 1000)

    def _suggestion(self, parsed: ParsedQuery, response: dict, words: tuple[str, ...]) -> str | None:
        """The query with its misspelt ``words`` corrected, when that finds more paragraphs."""
        options = responses.suggestion_options(response)
        corrections: dict[str, str] = {}
        for word in dict.fromkeys(words):
            key = suggest.key_of(word)
            if key is None or key not in options:
                continue
            best = suggest.best_candidate(key, options[key])
            frequency = self._paragraphs_with(key) if best and suggest.needs_frequency(best) else 1
            better = suggest.correction(best, frequency)
            if better is not None:
                corrections[word] = suggest.written_form(better, self._texts_with(better))
        if not corrections:
            return None
        text = parsed.text or " ".join(parsed.words)
        corrected = suggest.corrected_text(text, corrections)
        if corrected == text:
            return None
        counts = self.client().msearch(index=self.alias, body=[
            {}, dsl.count_body(parse(corrected)), {}, dsl.count_body(parsed)])["responses"]
        found, before = (r.get("hits", {}).get("total", {}).get("value", 0) for r in counts)
        return corrected if found > before else None

    def _paragraphs_with(self, word: str) -> int:
        return self.client().count(index=self.alias, body={
            "query": {"term": {dsl.SUGGEST_FIELD: word}}})["count"]

    def _texts_with(self, word: str) -> list[str]:
        hits = self.client().search(index=self.alias, body={
            "query": {"term": {dsl.SUGGEST_FIELD: word}}, "size": suggest.WRITTEN_FORM_SAMPLE,
            "sort": [{"doc_id": {"order": "asc"}}, {"position": {"order": "asc"}}],
            "_source": ["text"]})["hits"]["hits"]
        return [hit["_source"]["text"] for hit in hits]

    def export(self, request: SearchRequest, limit: int | None = None) -> Export:
        """Every match through a point in time and search_after: no 10,000-hit window. The
        first page is read here, so an unreachable cluster is a 503 before any byte is sent."""
        _refuse_hybrid(request)
        parsed = parse(request.q)
        with self._answering():
            directory = self.directory()
            selections, similar, _, bonus = self._reading_of(request, directory)
            client = self.client()
            pit = client.create_pit(index=self.alias, keep_alive=dsl.PIT_KEEP_ALIVE)["pit_id"]
            try:
                first = client.search(body=dsl.export_body(request, parsed, selections, pit,
                                                           similar=similar, readings=bonus))
            except BaseException:
                _close_pit(client, pit)
                raise
        total = int(first["hits"]["total"]["value"])
        end = total if limit is None else min(total, limit)
        ranked = bool(similar) or dsl.has_words(parsed)
        matches = responses.NameMatches.of(parsed)
        names = self._names(selections)
        documents = directory.documents

        def stream():
            nonlocal pit
            page, sent = first, 0
            try:
                while True:
                    hits = page["hits"]["hits"]
                    for raw in hits:
                        if sent >= end:
                            return
                        yield responses.hit_from(raw, ranked, matches, names, documents)
                        sent += 1
                    if sent >= end or len(hits) < dsl.EXPORT_BATCH:
                        return
                    pit = page.get("pit_id", pit)
                    with self._answering():
                        page = client.search(body=dsl.export_body(
                            request, parsed, selections, pit, hits[-1]["sort"], similar,
                            readings=bonus))
            finally:
                _close_pit(client, pit)
        return Export(total=total, hits=stream(), limit=limit)

    # ------------------------------------------------------------------ documents and actors
    def documents(self) -> list[dict]:
        with self._answering():
            return list(self.directory().documents.values())

    def document(self, doc_id: str, q: str = "") -> dict | None:
        with self._answering():
            entry = self.directory().documents.get(doc_id)
            if entry is None:
                return None
            parsed = parse(q) if q.strip() else None
            response = self.client().search(
                index=self.alias, body=dsl.document_body(doc_id, entry["paragraph_count"], parsed))
        return {**entry, "paragraphs": responses.paragraphs_from(response, parsed)}

    def actors(self) -> list[dict]:
        with self._answering():
            return list(self.directory().actors.values())

    def actor(self, name: str) -> dict | None:
        with self._answering():
            return self.directory().find_actor(name)

    def facet_values(self, facet: str) -> list[object]:
        """Every value of ``facet`` in the index, in value order (a composite aggregation read a
        page at a time: no bucket limit)."""
        values: list[object] = []
        after = None
        with self._answering():
            while True:
                composite: dict = {"size": FACET_VALUES_PAGE,
                                   "sources": [{"value": {"terms": {"field": facet_field(facet)}}}]}
                if after is not None:
                    composite["after"] = after
                result = self.client().search(index=self.alias, body={
                    "size": 0, "aggs": {"values": {"composite": composite}}})["aggregations"]["values"]
                values += [bucket["key"]["value"] for bucket in result["buckets"]]
                after = result.get("after_key")
                if after is None or len(result["buckets"]) < FACET_VALUES_PAGE:
                    return values

    # ------------------------------------------------------------------ loading
    def seed_state(self) -> SeedState | None:
        with self._answering(searching=False):
            record = self._build_record()
        if record is None or record["body"].get("mapping_version") != MAPPING_VERSION:
            return None
        return SeedState.from_json(record["body"].get("seeds") or {})

    def stale_reason(self, seeds: SeedState) -> str | None:
        with self._answering(searching=False):
            record = self._build_record()
        if record is None:
            return f"no index {self.alias!r} yet in OpenSearch at {redact(self.url)}"
        if record["body"].get("mapping_version") != MAPPING_VERSION:
            return OTHER_VERSION
        if SeedState.from_json(record["body"].get("seeds") or {}) != seeds:
            return "the seeds changed since the index was loaded"
        return None

    def apply(self, changes: ChangeSet, progress: Progress | None = None) -> BuildReport:
        """A full ChangeSet goes into a new pair of indexes and then the aliases move (the old
        pair serves until then); added, changed and removed documents are applied in place."""
        from search.changes import BuildReport
        started = time.perf_counter()
        with self._answering(searching=False):
            client = self.client()
            with bulk.build_lock(client, self.alias):
                record = self._build_record()
                current = record is not None and record["body"].get("mapping_version") == MAPPING_VERSION
                base = getattr(changes, "base", None)
                if not changes.full and current and base is not None and \
                        SeedState.from_json(record["body"].get("seeds") or {}) != base:
                    raise bulk.LoadFailed(
                        f"the index {self.alias!r} holds other seeds than this change was planned "
                        "against (another load ran meanwhile); nothing was applied: run "
                        "`hemeroteca index --engine opensearch` again")
                if changes.full or not current:
                    loaded = bulk.load_full(client, self.alias, changes, progress)
                else:
                    previous = {"documents": {e["id"]: e for e in self._records("document")},
                                "actors": {e["name"]: e for e in self._records("actor")},
                                "typed_facets": record["body"].get("typed_facets", [])}
                    loaded = bulk.load_changes(client, self.alias, changes, previous, progress)
        self._directory = None  # read the new load's directory on the next request
        documents = changes.directory["documents"]
        return BuildReport(documents=len(documents),
                           paragraphs=sum(d["paragraph_count"] for d in documents),
                           actors=len(changes.directory["actors"]),
                           seconds=changes.seconds + time.perf_counter() - started,
                           added=len(changes.added), changed=len(changes.changed),
                           removed=len(changes.removed),
                           unchanged=len(documents) - len(changes.added) - len(changes.changed),
                           skipped=list(changes.skipped), notes=list(changes.notes),
                           location=f"{redact(self.url)}/{loaded.index} (alias {self.alias})")

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                try:
                    self._client.close()
                except Exception:  # noqa: BLE001 - closing a pool that never connected
                    pass
                self._client = None
            self._directory = None


def _shown(query: dict) -> str:
    """The compiled query, for ``parsed_query`` (debugging): compact JSON."""
    return json.dumps(query, ensure_ascii=False, separators=(",", ":"))


def _close_pit(client, pit: str) -> None:
    try:
        client.delete_pit(body={"pit_id": [pit]})
    except Exception:  # noqa: BLE001 - it expires after PIT_KEEP_ALIVE anyway
        pass


def _refuse_hybrid(request: SearchRequest) -> None:
    if request.mode == "hybrid":
        raise BadParameter("mode", NO_HYBRID)
