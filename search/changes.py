"""The pipeline's output for an engine: what changed in the seeds, ingested and with its actors.

Parts: ``ChangeSet`` (what an engine applies), ``BuildReport`` (what applying it did),
``plan_changes`` (seeds + what the index holds → ChangeSet: a full rebuild, or only what
changed), ``extract_corpus`` (actor extraction, on two processes for a large corpus).

Engine-independent: the embedded and the OpenSearch engine apply the same ChangeSet, so ids,
actors and facets are identical whichever engine holds them.

How an incremental plan stays equal to a full one: the seeds are compared file by file with the
corpus state of the index's build (search/corpus_state.py: digest and catalog entries per file;
a fingerprint per article), and only changed files are read again. Actor extraction is per
article and cached by the article's text, so unchanged articles need none. What crosses
articles is recomputed from small per-article summaries: the corpus-wide names
(search/actors/corpus.py ``canonical_names``, from each article's distinct names) and the
actors' counts (search/tallies.py, sums that an article's contribution is added to or taken
from). An unchanged paragraph whose actors' corpus-wide names moved is ``restated``.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from sys import intern
from dataclasses import dataclass, field
from pathlib import Path

from search.actors import ActorExtractor
from search.actors.corpus import canonical_names, rename
from search.corpus_state import (CorpusState, DocState, FileState, entry_of, entry_values, mentions_key,
                                 pipeline_digest, state_key)
from search.directory import document_entry
from search.ingest.articles import catalog_orphans, ingest_file, list_seed_files
from search.ingest.catalog import read_catalog
from search.ingest import CATALOG_NAME
from search.pipeline_cache import PipelineCache
from search.records import ActorMention, Document, SkippedFile
from search.seeds import ACTORS_FILE, SeedState, read_seeds
from search.tallies import ActorTallies, document_tally, order

PARALLEL_FROM = 5000  # paragraphs: actor extraction runs on two processes from this size

Mentions = dict[str, tuple[ActorMention, ...]]  # paragraph id → its actors, in text order


@dataclass(slots=True)
class ChangeSet:
    """What an engine applies to reach ``seeds``.

    ``full``: rebuild from scratch; ``documents`` is then the whole corpus in archive order and
    ``mentions`` holds every paragraph's actors. Otherwise (an incremental change, applied to an
    index that holds ``base``) the engine:

    1. deletes the paragraphs ``obsolete`` names (every paragraph of a changed or removed
       document, by paragraph id);
    2. indexes the paragraphs of ``documents`` (the added and changed documents, in archive
       order) with their actors from ``mentions``, as a full build would;
    3. gives each paragraph of ``restated`` (paragraph id → its actors) those actors: unchanged
       paragraphs whose actors' corpus-wide names moved because an article arrived or left
       (a surname now joined to a full name seen in the new article, or no longer). Their
       text and metadata are unchanged; an engine reads them from what it holds.

    ``directory`` is the documents' and actors' entries of the whole corpus after the change
    (search/directory.py), for the API's lists. ``added``/``changed``/``removed`` are doc ids,
    for the report; ``base`` is the SeedState the change was planned against (None when full):
    an engine refuses an incremental change when its index holds anything else.
    """

    seeds: SeedState
    full: bool
    documents: list[Document]
    mentions: Mentions
    directory: dict
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restated: Mentions = field(default_factory=dict)
    obsolete: list[str] = field(default_factory=list)
    base: SeedState | None = None
    skipped: list[SkippedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # spent reading and extracting

    @property
    def unchanged(self) -> int:
        """Documents the change leaves as they were (their actors may be restated)."""
        return len(self.directory["documents"]) - len(self.added) - len(self.changed)


@dataclass(slots=True)
class BuildReport:
    """What applying a ChangeSet did: counts, time, and the files skipped (with reasons)."""

    documents: int
    paragraphs: int
    actors: int
    seconds: float
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    location: str = ""  # where the index is (a folder, a cluster's index)

    def summary(self) -> str:
        return (f"{self.added} added, {self.changed} changed, {self.removed} removed, "
                f"{self.unchanged} unchanged documents; {self.paragraphs} paragraphs, "
                f"{self.actors} actors in {self.seconds:.2f} s")


def plan_changes(seeds_dir: Path, previous: SeedState | None = None, full: bool = False,
                 progress: Callable[..., None] | None = None,
                 cache_dir: Path | None = None) -> ChangeSet:
    """Read the seeds and extract their actors into the ChangeSet that brings an index built
    from ``previous`` up to date.

    Incremental when the cache in ``cache_dir`` holds the corpus state of ``previous`` (an index
    folder's ``cache/``, search/pipeline_cache.py): only changed files are read, only changed articles run
    through actor extraction. A full rebuild when ``full`` (which also re-extracts every
    article instead of trusting the cache), when there is no index, no cache or no state for
    it, when ``actors.toml`` or the pipeline's code changed (every article's actors may change).

    :raises CatalogError: a malformed catalog (before anything is written anywhere).
    """
    started = time.perf_counter()
    seeds_dir = Path(seeds_dir)
    seeds = read_seeds(seeds_dir, known=None if full else previous)
    cache = PipelineCache(cache_dir) if cache_dir is not None else None
    pipeline = pipeline_digest()
    state = None
    if not full and previous is not None and cache is not None and \
            previous.files.get(ACTORS_FILE, "") == seeds.files.get(ACTORS_FILE, ""):
        state = cache.load_state(state_key(previous, pipeline))
    if state is not None and previous.files.get(CATALOG_NAME) == seeds.files.get(CATALOG_NAME):
        # the catalog the index was built from, as parsed then (parsing 5,000 entries takes
        # most of a second): it cannot be malformed now
        catalog = {name: [entry_of(values) for values in entries] for name, entries in state.catalog.items()}
    else:
        catalog = read_catalog(seeds_dir / CATALOG_NAME)
    planner = _Planner(seeds_dir, seeds, catalog, cache, pipeline, progress)
    changes = planner.incremental(state, previous) if state is not None else None
    if changes is None:
        changes = planner.full(trust_cache=not full)
    changes.seconds = time.perf_counter() - started
    return changes


class _Planner:
    """One plan: the seeds as they are now, and the cache of what earlier builds computed."""

    def __init__(self, seeds_dir: Path, seeds: SeedState, catalog: dict, cache: PipelineCache | None,
                 pipeline: str, progress: Callable[..., None] | None):
        self.seeds_dir = seeds_dir
        self.seeds = seeds
        self.catalog = catalog
        self.cache = cache
        self.progress = progress
        self.pipeline = pipeline
        self.gazetteer = seeds.files.get(ACTORS_FILE, "")
        self._extractor: ActorExtractor | None = None

    # ------------------------------------------------------------------ a full plan
    def full(self, trust_cache: bool) -> ChangeSet:
        files: dict[str, FileState] = {}
        documents: list[Document] = []
        for path in list_seed_files(self.seeds_dir):
            read = self._read_file(path)
            files[path.name] = read[0]
            documents += read[1]
        raw, docs = self._extract(documents, trust_cache)
        names = canonical_names(dict.fromkeys(pair for d in documents for pair in docs[d.doc_id].names))
        mentions: Mentions = {}
        finals = {}
        for document in documents:
            finals[document.doc_id] = final = _resolve(raw[document.doc_id], names)
            mentions.update(zip((p.id for p in document.paragraphs), final))
        tallies = ActorTallies.of_documents((d.doc_id, d.year, zip(d.kinds, finals[d.doc_id]))
                                            for d in (docs[document.doc_id] for document in documents))
        actors = {summary["name"]: summary for summary in tallies.summaries()}
        state = CorpusState(files=files, documents=docs, order=[d.doc_id for d in documents],
                            catalog=self._catalog_values(), names=names, tallies=tallies.tallies,
                            actors=actors)
        self._save(state, previous=None)
        return ChangeSet(seeds=self.seeds, full=True, documents=documents, mentions=mentions,
                         directory=_directory(state), added=[d.doc_id for d in documents],
                         skipped=self._skipped(files), notes=_notes(files))

    # ------------------------------------------------------------------ an incremental plan
    def incremental(self, state: CorpusState, previous: SeedState) -> ChangeSet | None:
        """The change from ``state`` (what the index holds) to the seeds, or None when the
        cache misses something it needs (then a full plan is made)."""
        files: dict[str, FileState] = {}
        fresh: dict[str, Document] = {}  # the articles of files read again
        order_now: list[str] = []
        for path in list_seed_files(self.seeds_dir):
            old = state.files.get(path.name)
            sha = self.seeds.files.get(path.name)
            if old is not None and sha is not None and old.sha == sha and \
                    old.entries == self._entries(path.name):
                files[path.name] = old  # not read again
                order_now += old.doc_ids
                continue
            files[path.name], documents = self._read_file(path)
            for document in documents:
                fresh[document.doc_id] = document
                order_now.append(document.doc_id)
        kept = set(order_now)
        removed = [doc_id for doc_id in state.order if doc_id not in kept]
        added, changed, rewritten = [], [], []
        for doc_id, document in fresh.items():
            old = state.documents.get(doc_id)
            if old is None:
                added.append(doc_id)
            elif old.fingerprint != _fingerprint(document):
                changed.append(doc_id)
            else:
                continue
            rewritten.append(document)
        raw_new, new_docs = self._extract(rewritten, trust_cache=True)
        docs = {doc_id: new_docs.get(doc_id) or state.documents[doc_id] for doc_id in order_now}
        names = canonical_names(dict.fromkeys(pair for doc_id in order_now for pair in docs[doc_id].names))
        moved = {pair for pair, name in names.items() if pair in state.names and state.names[pair] != name}
        unchanged = [doc_id for doc_id in order_now if doc_id not in new_docs]
        restating = [doc_id for doc_id in unchanged if moved and not moved.isdisjoint(docs[doc_id].names)]
        # Everything the cache must give back, before anything is changed: a miss means a full plan.
        raw_old = {}
        for doc_id in [*removed, *changed, *restating]:
            stored = self.cache.load_mentions(state.documents[doc_id].key)
            if stored is None or len(stored) != len(state.documents[doc_id].kinds):
                return None
            raw_old[doc_id] = _mentions_of(stored)
        tallies = ActorTallies(state.tallies)
        touched: set[str] = set()
        for doc_id in [*removed, *changed, *restating]:
            contribution = _contribution(state.documents[doc_id], _resolve(raw_old[doc_id], state.names))
            tallies.subtract(contribution)
            touched.update(contribution)
        mentions: Mentions = {}
        for doc_id in [*added, *changed]:
            final = _resolve(raw_new[doc_id], names)
            mentions.update(zip(docs[doc_id].paragraph_ids(), final))
            contribution = _contribution(docs[doc_id], final)
            tallies.add(contribution)
            touched.update(contribution)
        restated: Mentions = {}
        for doc_id in restating:
            before = _resolve(raw_old[doc_id], state.names)
            after = _resolve(raw_old[doc_id], names)
            restated.update((pid, now) for pid, was, now in zip(docs[doc_id].paragraph_ids(), before, after)
                            if was != now)
            contribution = _contribution(docs[doc_id], after)
            tallies.add(contribution)
            touched.update(contribution)
        actors = _update_actors(state.actors, tallies, touched)
        new_state = CorpusState(files=files, documents=docs, order=order_now,
                                catalog=self._catalog_values(), names=names, tallies=tallies.tallies,
                                actors=actors)
        if self.seeds != previous:  # the same seeds: the same state, already kept
            self._save(new_state, previous=(previous, state) if removed or changed else None)
        position = {doc_id: n for n, doc_id in enumerate(order_now)}
        return ChangeSet(
            seeds=self.seeds, full=False,
            documents=sorted((fresh[doc_id] for doc_id in [*added, *changed]),
                             key=lambda d: position[d.doc_id]),
            mentions=mentions, directory=_directory(new_state),
            added=sorted(added, key=position.get), changed=sorted(changed, key=position.get),
            removed=removed, restated=restated,
            obsolete=[pid for doc_id in [*removed, *changed] for pid in state.documents[doc_id].paragraph_ids()],
            base=previous, skipped=self._skipped(files), notes=_notes(files))

    # ------------------------------------------------------------------ the parts
    def _entries(self, name: str) -> list[tuple]:
        return [entry_values(entry) for entry in self.catalog.get(name, [])]

    def _catalog_values(self) -> dict[str, list[tuple]]:
        return {name: [entry_values(entry) for entry in entries] for name, entries in self.catalog.items()}

    def _read_file(self, path: Path) -> tuple[FileState, list[Document]]:
        result = ingest_file(path, self.catalog.get(path.name, []))
        state = FileState(sha=self.seeds.files.get(path.name), entries=self._entries(path.name),
                          doc_ids=[d.doc_id for d in result.documents],
                          skipped=[(s.file, s.reason) for s in result.skipped],
                          notes=list(result.notes))
        return state, result.documents

    def _extract(self, documents: list[Document], trust_cache: bool
                 ) -> tuple[dict[str, list[tuple[ActorMention, ...]]], dict[str, DocState]]:
        """Each document's mentions per paragraph (before corpus-wide names), from the cache
        or extracted (and cached), and its DocState."""
        keys = {d.doc_id: mentions_key(self.pipeline, self.gazetteer, [p.text for p in d.paragraphs])
                for d in documents}
        raw: dict[str, list[tuple[ActorMention, ...]]] = {}
        missing = []
        for document in documents:
            stored = (self.cache.load_mentions(keys[document.doc_id])
                      if trust_cache and self.cache is not None else None)
            if stored is not None and len(stored) == len(document.paragraphs):
                raw[document.doc_id] = _mentions_of(stored)
            else:
                missing.append(document)
        if missing:
            if self._extractor is None:
                self._extractor = ActorExtractor.from_seeds(self.seeds_dir)
            extracted = _extract_raw(self._extractor, missing, self.progress)
            for document in missing:
                found = [extracted[p.id] for p in document.paragraphs]
                raw[document.doc_id] = found
                if self.cache is not None:
                    self.cache.save_mentions(keys[document.doc_id],
                                             [[_as_tuple(m) for m in ms] for ms in found])
        docs = {}
        for document in documents:
            found = raw[document.doc_id]
            docs[document.doc_id] = DocState(
                doc_id=document.doc_id, file=document.file, year=document.year,
                kinds=tuple(p.kind for p in document.paragraphs), key=keys[document.doc_id],
                names=tuple(dict.fromkeys((intern(m.name), intern(m.type)) for ms in found for m in ms)),
                fingerprint=_fingerprint(document), entry=document_entry(document))
        return raw, docs

    def _skipped(self, files: dict[str, FileState]) -> list[SkippedFile]:
        skipped = catalog_orphans(self.catalog, files, self.seeds_dir)
        return skipped + [SkippedFile(*pair) for name in sorted(files) for pair in files[name].skipped]

    def _save(self, state: CorpusState, previous: tuple[SeedState, CorpusState] | None) -> None:
        """Keep ``state`` for the next build; after a change that dropped articles, also remove
        the cached mentions neither it nor the previous state needs."""
        if self.cache is None:
            return
        key = state_key(self.seeds, self.pipeline)
        self.cache.save_state(key, state)
        if previous is not None:
            old_seeds, old_state = previous
            referenced = {d.key for d in state.documents.values()} | {d.key for d in old_state.documents.values()}
            self.cache.collect(keep={key, state_key(old_seeds, self.pipeline)}, referenced=referenced)


def _notes(files: dict[str, FileState]) -> list[str]:
    return [note for name in sorted(files) for note in files[name].notes]


def _fingerprint(document: Document) -> str:
    """A digest of everything indexed of ``document`` except its actors."""
    content = [document_entry(document),
               [(p.id, p.position, p.kind, p.section, p.text) for p in document.paragraphs]]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


def _as_tuple(mention: ActorMention) -> tuple[str, str, str, int, int]:
    return (mention.name, mention.type, mention.surface, mention.start, mention.end)


def _mentions_of(stored: list) -> list[tuple[ActorMention, ...]]:
    return [tuple(ActorMention(*m) for m in paragraph) for paragraph in stored]


def _resolve(raw: list[tuple[ActorMention, ...]], names: dict) -> list[tuple[ActorMention, ...]]:
    """Per paragraph, the mentions under their corpus-wide names."""
    return [tuple(rename(m, names) for m in paragraph) for paragraph in raw]


def _contribution(doc: DocState, final: list[tuple[ActorMention, ...]]) -> dict:
    return document_tally(doc.doc_id, doc.year, zip(doc.kinds, final))


def _update_actors(before: dict[str, dict], tallies: ActorTallies, touched: Iterable[str]) -> dict[str, dict]:
    """The actors' entries after a change: those the change touched are summed again; so are
    those that list a touched actor whose type changed among their co-named actors."""
    actors = dict(before)
    retyped = set()
    for name in touched:
        if name in tallies.tallies:
            actors[name] = tallies.summary(name)
            if name in before and before[name]["type"] != actors[name]["type"]:
                retyped.add(name)
        else:
            actors.pop(name, None)
    for name in retyped:
        for other in tallies.co_named(name):
            actors[other] = tallies.summary(other)
    return actors


def _directory(state: CorpusState) -> dict:
    return {"documents": [state.documents[doc_id].entry for doc_id in state.order],
            "actors": order(state.actors.values())}


def extract_corpus(extractor: ActorExtractor, documents: list[Document],
                   progress: Callable[..., None] | None = None) -> Mentions:
    """``extractor.extract_corpus(documents)``, with the per-document part on two processes
    for a large corpus (documents are extracted independently; only the final unification
    looks across them). It is half of a build's time at 100k paragraphs (bench/NOTES.md)."""
    return extractor.unify(_extract_raw(extractor, documents, progress))


def _extract_raw(extractor: ActorExtractor, documents: list[Document],
                 progress: Callable[..., None] | None = None) -> Mentions:
    """Each paragraph's mentions, resolved within its article only."""
    total = sum(len(d.paragraphs) for d in documents)
    if total < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        mentions: Mentions = {}
        for document in documents:
            mentions.update(extractor.extract_document(document))
        return mentions
    global _POOL_JOB
    _POOL_JOB = (extractor, documents)  # inherited by the forked workers, not pickled
    mentions = {}
    done = 0
    try:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            for result in pool.imap(_extract_one, range(len(documents)), chunksize=16):
                mentions.update(result)
                done += len(result)
                if progress is not None:
                    progress(done, total, stage="actors")
    finally:
        _POOL_JOB = None
    return mentions


_POOL_JOB: tuple[ActorExtractor, list[Document]] | None = None


def _extract_one(n: int) -> Mentions:
    extractor, documents = _POOL_JOB
    return extractor.extract_document(documents[n])
