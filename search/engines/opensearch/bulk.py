"""Loading a ChangeSet into OpenSearch: bulk actions, versioned indexes, one atomic alias move.

Parts: the pure builders (``paragraph_source``, ``paragraph_actions``, ``directory_actions``,
``alias_actions``, ``index_names``), what a load needs of a cluster (``send``, ``load_full``,
``load_changes``, ``build_lock``, ``remove_old_indexes``) and ``LoadFailed``.

Layout on the cluster, for the alias ``hemeroteca``::

    hemeroteca-20261201t101500123456             paragraphs (one document each, _id = paragraph id)
    hemeroteca-20261201t101500123456-directory   documents, actors, and the build record
    hemeroteca            → the paragraph index   (aliases, moved together in one request)
    hemeroteca-directory  → the directory index
    hemeroteca-lock       held by the one load that may run at a time

A full load writes a new pair of indexes and then moves both aliases in one ``_aliases`` request
(atomic: a reader sees the old pair or the new one, never a half-built one). A load that fails or
is interrupted deletes what it wrote and leaves the aliases where they were, and says so. A
ChangeSet of added, changed and removed documents is applied in place: index actions (upserts
by stable paragraph id) for its documents, delete actions for the paragraphs that are gone.

Documentation: https://docs.opensearch.org/latest/api-reference/document-apis/bulk/ ,
https://docs.opensearch.org/latest/api-reference/alias/aliases-api/ .
"""
from __future__ import annotations

import os
import re
import socket
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from search.changes import ChangeSet
from search.directory import paragraph_names, paragraph_row
from search.engine import EngineUnavailable, IndexBusy
from search.engines.opensearch.mapping import (MAPPING_VERSION, REFRESH_INTERVAL, directory_index_body,
                                               paragraph_index_body)
from search.facets import FACETS

# Bulk requests of this many documents each, this many in flight at once: two threads keep a
# small cluster busy without queueing rejections (HTTP 429); docs/scale-out.md says how to load
# a big archive with more.
CHUNK_DOCUMENTS = 500
LOAD_THREADS = 2
BULK_TIMEOUT = 120  # seconds for one bulk request
# A lock older than this was left by a load that was killed: it is taken over.
LOCK_STALE_AFTER = timedelta(hours=6)

Progress = Callable[..., None]


class LoadFailed(EngineUnavailable):
    """A load stopped before it switched anything: the aliases still point where they did."""


# ---------------------------------------------------------------------------- names
def index_names(alias: str, stamp: str) -> tuple[str, str]:
    """The paragraph index and the directory index of one load (``stamp``: new_stamp())."""
    return f"{alias}-{stamp}", f"{alias}-{stamp}-directory"


def directory_alias(alias: str) -> str:
    return f"{alias}-directory"


def lock_index(alias: str) -> str:
    return f"{alias}-lock"


def new_stamp() -> str:
    """UTC time to the microsecond, lower case as index names must be: 20261201t101500123456."""
    return datetime.now(timezone.utc).strftime("%Y%m%dt%H%M%S%f")


def is_versioned(alias: str, index: str) -> bool:
    """Whether ``index`` is one of the versioned indexes a load of ``alias`` writes."""
    return re.fullmatch(rf"{re.escape(alias)}-\d{{8}}t\d{{12}}(-directory)?", index) is not None


# ---------------------------------------------------------------------------- documents
def date_span(date: str | None) -> tuple[int, int] | tuple[None, None]:
    """(first day, last day) of a YYYY, YYYY-MM or YYYY-MM-DD date as yyyymmdd integers, the
    same span the embedded engine filters on (a month ends on day 31, as there)."""
    if not date:
        return None, None
    parts = [int(part) for part in date.split("-")]
    if len(parts) == 1:
        return parts[0] * 10000 + 101, parts[0] * 10000 + 1231
    if len(parts) == 2:
        month = parts[0] * 10000 + parts[1] * 100
        return month + 1, month + 31
    day = parts[0] * 10000 + parts[1] * 100 + parts[2]
    return day, day


def date_sort_key(date: str | None) -> int | None:
    """yyyymmdd with unknown parts as 00, so dates sort as their ISO strings (2019-05 before
    2019-05-01); None when undated (sorted last in both orders)."""
    if not date:
        return None
    parts = [int(part) for part in date.split("-")] + [0, 0]
    return parts[0] * 10000 + parts[1] * 100 + parts[2]


def paragraph_source(row: dict) -> dict:
    """The indexed document of one paragraph: search/directory.py's ``paragraph_row`` as it is
    (unknown metadata as null, not ""), plus the fields searches need: the names as text
    (``actor``, ``place``), the date span and sort key, and each facet's values as its
    ``source`` reads them (so pull-quotes carry no names there, as in the embedded engine)."""
    start, end = date_span(row.get("date"))
    return {
        **row,
        "title": row.get("title") or None,
        "publication": row.get("publication") or None,
        "date": row.get("date") or None,
        "actor": [name for name, _type in row.get("actors") or []],
        "place": list(row.get("places") or []),
        "date_start": start, "date_end": end, "date_sort": date_sort_key(row.get("date")),
        "facets": {facet.name: [value for value, _type in facet.source(row)] for facet in FACETS},
    }


ROW_KEYS = ("id", "doc_id", "position", "kind", "section", "text", "title", "publication",
            "date", "year")


def restated_row(stored: dict, mentions: tuple) -> dict:
    """A paragraph's row rebuilt from its indexed document with new actors (a restated
    paragraph of an incremental ChangeSet: same text and metadata, names moved)."""
    actors, places = paragraph_names(mentions)
    row = {key: stored.get(key) for key in ROW_KEYS}
    row.update(title=row["title"] or "", publication=row["publication"] or "", date=row["date"] or "",
               actors=[[a["name"], a["type"]] for a in actors], places=places,
               mentions=[[m.start, m.end, m.name, m.type] for m in mentions])
    return row


def paragraph_actions(changes: ChangeSet, index: str, previous_counts: dict[str, int] | None = None,
                      restated: Iterable[dict] = ()) -> Iterator[dict]:
    """The bulk body's lines for ``changes``: an action line and a source line per paragraph of
    its documents and per ``restated`` paragraph (their indexed documents: the ChangeSet gives
    only their new actors), then a delete line per paragraph that is gone.

    Gone: the ChangeSet's ``obsolete`` paragraph ids when it names them, else the paragraphs of
    removed documents and those past the new end of a changed one (``previous_counts``: each
    document's paragraph count in the index being changed). A paragraph indexed again is never
    deleted: bulk requests run in parallel, so a delete could land after its new version.
    """
    written = set()
    for document in changes.documents:
        for paragraph in document.paragraphs:
            row = paragraph_row(document, paragraph, changes.mentions.get(paragraph.id, ()))
            written.add(paragraph.id)
            yield {"index": {"_index": index, "_id": paragraph.id}}
            yield paragraph_source(row)
    new_names = getattr(changes, "restated", None) or {}
    for stored in restated:
        written.add(stored["id"])
        yield {"index": {"_index": index, "_id": stored["id"]}}
        yield paragraph_source(restated_row(stored, new_names.get(stored["id"], ())))
    obsolete = getattr(changes, "obsolete", None)
    if not obsolete:
        now = {document.doc_id: len(document.paragraphs) for document in changes.documents}
        obsolete = [f"{doc_id}-p{position}" for doc_id in [*changes.changed, *changes.removed]
                    for position in range(now.get(doc_id, 0) + 1, (previous_counts or {}).get(doc_id, 0) + 1)]
    for paragraph_id in obsolete:
        if paragraph_id not in written:
            yield {"delete": {"_index": index, "_id": paragraph_id}}


def typed_facets(changes: ChangeSet) -> list[str]:
    """The facets whose values carry a type (the actor facet: person or org), read from the rows
    the facet sources see; their values' types come from the directory's actors."""
    typed: list[str] = []
    for document in changes.documents:
        for paragraph in document.paragraphs:
            row = paragraph_row(document, paragraph, changes.mentions.get(paragraph.id, ()))
            for facet in FACETS:
                if facet.name not in typed and any(t for _, t in facet.source(row)):
                    typed.append(facet.name)
    return [facet.name for facet in FACETS if facet.name in typed]


def build_record(changes: ChangeSet, revision: str, paragraph_index: str,
                 facets_with_types: list[str]) -> dict:
    """What the directory's ``build`` record holds: what the index was built from and by which
    mapping (stale_reason and seed_state read it), and when."""
    return {"record": "build", "revision": revision, "body": {
        "mapping_version": MAPPING_VERSION,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seeds": changes.seeds.to_json(),
        "skipped": [[s.file, s.reason] for s in changes.skipped],
        "paragraphs": sum(d["paragraph_count"] for d in changes.directory["documents"]),
        "index": paragraph_index,
        "typed_facets": facets_with_types,
    }}


def directory_actions(changes: ChangeSet, index: str, revision: str, build: dict,
                      previous: dict | None = None) -> Iterator[dict]:
    """The bulk body's lines for the directory: every document's and actor's entry (in archive
    order, actors most named first), the build record last, and deletes for the documents and
    actors of ``previous`` (``{"documents": {id: …}, "actors": {name: …}}``) that are gone."""
    for kind, key, entries in (("document", "id", changes.directory["documents"]),
                               ("actor", "name", changes.directory["actors"])):
        for order, entry in enumerate(entries):
            yield {"index": {"_index": index, "_id": f"{kind}:{entry[key]}"}}
            yield {"record": kind, "order": order, "revision": revision, "body": entry}
    if previous:
        documents = {entry["id"] for entry in changes.directory["documents"]}
        actors = {entry["name"] for entry in changes.directory["actors"]}
        for doc_id in previous.get("documents", {}):
            if doc_id not in documents:
                yield {"delete": {"_index": index, "_id": f"document:{doc_id}"}}
        for name in previous.get("actors", {}):
            if name not in actors:
                yield {"delete": {"_index": index, "_id": f"actor:{name}"}}
    yield {"index": {"_index": index, "_id": "build"}}
    yield build


def alias_actions(alias: str, paragraph_index: str, directory_index: str,
                  previous: Iterable[str] = (), previous_directory: Iterable[str] = ()) -> dict:
    """The ``_aliases`` request that moves both aliases to the new pair of indexes at once."""
    target = directory_alias(alias)
    return {"actions": [
        *({"remove": {"index": index, "alias": alias}} for index in sorted(previous)),
        {"add": {"index": paragraph_index, "alias": alias}},
        *({"remove": {"index": index, "alias": target}} for index in sorted(previous_directory)),
        {"add": {"index": directory_index, "alias": target}},
    ]}


# ---------------------------------------------------------------------------- talking to a cluster
def chunks(lines: Iterable[dict], documents: int = CHUNK_DOCUMENTS) -> Iterator[list[dict]]:
    """Bulk bodies of at most ``documents`` actions each (an action and its source together)."""
    chunk: list[dict] = []
    actions = 0
    for line in lines:
        is_action = len(line) == 1 and next(iter(line)) in ("index", "delete", "create", "update")
        if is_action and actions >= documents:
            yield chunk
            chunk, actions = [], 0
        chunk.append(line)
        actions += is_action
    if chunk:
        yield chunk


def send(client, lines: Iterable[dict], total: int = 0, progress: Progress | None = None,
         threads: int = LOAD_THREADS) -> int:
    """Send ``lines`` as bulk requests, ``threads`` at a time; the number of actions applied.

    :raises LoadFailed: an item the cluster refused (the first one's reason is in the message).
    """
    done = 0
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: deque[Future] = deque()

        def collect(future: Future) -> None:
            nonlocal done
            response = future.result()
            if response.get("errors"):
                raise LoadFailed(f"the cluster refused a document: {_first_error(response)}")
            done += len(response.get("items", ()))
            if progress is not None and total:
                progress(min(done, total), total, stage="loading")

        for body in chunks(lines):
            pending.append(pool.submit(client.bulk, body=body, request_timeout=BULK_TIMEOUT))
            if len(pending) >= threads * 2:
                collect(pending.popleft())
        while pending:
            collect(pending.popleft())
    return done


def _first_error(response: dict) -> str:
    for item in response.get("items", ()):
        for op, result in item.items():
            error = result.get("error")
            if error:
                reason = error.get("reason") if isinstance(error, dict) else error
                return f"{op} {result.get('_id')}: {reason}"
    return "unknown error"


def aliased(client, alias: str) -> list[str]:
    """The indexes ``alias`` points at ([] when it does not exist)."""
    from opensearchpy.exceptions import NotFoundError
    try:
        return sorted(client.indices.get_alias(name=alias))
    except NotFoundError:
        return []


@dataclass(slots=True)
class Loaded:
    """Where a load wrote: the paragraph index and what it replaced."""

    index: str
    directory: str
    previous: list[str]


def load_full(client, alias: str, changes: ChangeSet, progress: Progress | None = None) -> Loaded:
    """Write ``changes`` (the whole corpus) into a new pair of indexes, then move the aliases.

    :raises LoadFailed: anything went wrong, or the load was interrupted (Ctrl+C); what was
        written is deleted and the aliases still point at the indexes they pointed at.
    """
    stamp = new_stamp()
    index, directory = index_names(alias, stamp)
    previous = aliased(client, alias)
    previous_directory = aliased(client, directory_alias(alias))
    total = sum(len(d.paragraphs) for d in changes.documents)
    try:
        client.indices.create(index=index, body=paragraph_index_body(total))
        client.indices.create(index=directory, body=directory_index_body())
        send(client, paragraph_actions(changes, index), total, progress)
        build = build_record(changes, stamp, index, typed_facets(changes))
        send(client, directory_actions(changes, directory, stamp, build))
        client.indices.put_settings(index=index, body={"index": {"refresh_interval": REFRESH_INTERVAL}})
        client.indices.refresh(index=f"{index},{directory}")
        counted = client.count(index=index)["count"]
        if counted != total:
            raise LoadFailed(f"{counted} of {total} paragraphs arrived")
        client.indices.update_aliases(body=alias_actions(alias, index, directory, previous,
                                                         previous_directory))
    except BaseException as error:  # noqa: BLE001 - Ctrl+C too: never leave a half-built index
        _drop(client, [index, directory])
        why = "it was interrupted" if isinstance(error, KeyboardInterrupt) else _reason(error)
        where = ", ".join(previous) if previous else "no index (there was none before)"
        raise LoadFailed(f"loading {index} failed: {why}. Nothing was switched: the alias "
                         f"{alias!r} still points at {where}.") from error
    remove_old_indexes(client, alias, keep={index, directory, *previous, *previous_directory})
    return Loaded(index, directory, previous)


def load_changes(client, alias: str, changes: ChangeSet, previous_directory: dict,
                 progress: Progress | None = None) -> Loaded:
    """Apply added, changed and removed documents to the indexes the aliases point at, in place.

    ``previous_directory`` is the directory before the change (``{"documents": {id: entry},
    "actors": {name: entry}}``): it says how many paragraphs each changed document had.

    :raises LoadFailed: a request failed; the paragraphs sent before it stay applied, and the
        build record still names the old seeds, so the next ``hemeroteca index`` applies the
        change again.
    """
    revision = new_stamp()
    counts = {doc_id: entry["paragraph_count"]
              for doc_id, entry in previous_directory.get("documents", {}).items()}
    total = sum(len(d.paragraphs) for d in changes.documents)
    indexes = aliased(client, alias)
    try:
        restated = _stored(client, alias, list(getattr(changes, "restated", None) or {}))
        send(client, paragraph_actions(changes, alias, counts, restated), total, progress)
        build = build_record(changes, revision, ",".join(indexes), typed_facets(changes))
        if previous_directory.get("typed_facets"):  # the changed documents may name no actor
            build["body"]["typed_facets"] = sorted(set(build["body"]["typed_facets"])
                                                   | set(previous_directory["typed_facets"]))
        send(client, directory_actions(changes, directory_alias(alias), revision, build,
                                       previous_directory))
        client.indices.refresh(index=f"{alias},{directory_alias(alias)}")
    except BaseException as error:  # noqa: BLE001
        why = "it was interrupted" if isinstance(error, KeyboardInterrupt) else _reason(error)
        raise LoadFailed(f"applying the changes to {alias!r} failed: {why}. Run "
                         "`hemeroteca index --engine opensearch` again to finish them, or "
                         "`--full` to rebuild.") from error
    return Loaded(",".join(indexes), directory_alias(alias), indexes)


def _stored(client, index: str, paragraph_ids: list[str], batch: int = 1000) -> Iterator[dict]:
    """The indexed documents of ``paragraph_ids`` (multi-get, a batch at a time)."""
    for first in range(0, len(paragraph_ids), batch):
        response = client.mget(index=index, body={"ids": paragraph_ids[first:first + batch]})
        yield from (doc["_source"] for doc in response["docs"] if doc.get("found"))


def remove_old_indexes(client, alias: str, keep: set[str]) -> None:
    """Delete versioned indexes of ``alias`` other than ``keep`` (the new pair and the pair it
    replaced: a search that resolved the alias just before the move may still be reading it)."""
    from opensearchpy.exceptions import OpenSearchException
    try:
        names = client.indices.get(index=f"{alias}-*", expand_wildcards="open,closed")
    except OpenSearchException:
        return
    _drop(client, [name for name in names if is_versioned(alias, name) and name not in keep])


def _drop(client, indexes: list[str]) -> None:
    for index in indexes:
        try:
            client.indices.delete(index=index, ignore_unavailable=True)
        except Exception:  # noqa: BLE001 - best effort: the next load removes leftovers
            pass


def _reason(error: BaseException) -> str:
    from search.engines.opensearch.connection import describe
    return str(error) if isinstance(error, EngineUnavailable) else describe(error)


@contextmanager
def build_lock(client, alias: str) -> Iterator[None]:
    """Hold ``<alias>-lock`` for the duration of a load, or raise IndexBusy at once."""
    from opensearchpy.exceptions import ConflictError, RequestError
    index = lock_index(alias)
    try:
        client.indices.create(index=index, body={"settings": {"index": {"number_of_shards": 1,
                                                                        "auto_expand_replicas": "0-1"}}})
    except RequestError:
        pass  # it exists already (resource_already_exists_exception)
    holder = {"host": socket.gethostname(), "pid": os.getpid(),
              "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    try:
        client.create(index=index, id="build", body=holder, refresh=True)
    except ConflictError:
        current = client.get(index=index, id="build")["_source"]
        started = datetime.fromisoformat(current.get("started_at", "1970-01-01T00:00:00+00:00"))
        if datetime.now(timezone.utc) - started < LOCK_STALE_AFTER:
            raise IndexBusy(f"another `hemeroteca index` is loading {alias!r} (since "
                            f"{current.get('started_at')}, on {current.get('host')}); wait for it "
                            f"to finish and try again. If it was killed, delete the lock: "
                            f"DELETE /{index}/_doc/build") from None
        client.index(index=index, id="build", body=holder, refresh=True)  # a killed load's lock
    try:
        yield
    finally:
        try:
            client.delete(index=index, id="build", refresh=True)
        except Exception:  # noqa: BLE001 - a lock left behind goes stale after LOCK_STALE_AFTER
            pass
