"""Each actor's counts as sums over articles, so that adding or removing an article adjusts them.

Parts: ``document_tally`` (one article's contribution to its actors' counts), ``ActorTallies``
(the corpus's sums: ``add``/``subtract`` an article's contribution, ``summary`` of one actor,
``summaries`` of all, ``order``).

An actor's entry in the API (``/api/actors``) is a function of these sums alone, never of the
order articles were read in: its type is the one most of its paragraphs give it, its aliases are
ordered by use, then the fullest first, co-named actors by count then name. So a corpus built article
by article (search/changes.py, incremental builds) has exactly the entries a full build has, and
a change costs the articles it touches, not the corpus.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from sys import intern

from search.facets import NAME_FACETS_SKIP_KINDS
from search.records import ACTOR_TYPES, ActorMention
from search.text import fold_accents

MAX_CO_ACTORS = 20
# When paragraphs disagree about what an actor is, the type most of them say wins; a tie goes to
# the first of ACTOR_TYPES (a person, then an organisation, then a place).
_TYPE_RANK = {kind: n for n, kind in enumerate(ACTOR_TYPES)}

# One actor's sums, in plain dicts (the build's state is kept with marshal: corpus_state.py):
# paragraphs naming it, per type the paragraphs giving it that type, per written form the
# mentions, per document and per year the paragraphs, per other actor the paragraphs shared.
# Names are interned: marshal then writes each once, however many sums name it (a state a
# third smaller, read more than twice as fast).
Tally = dict
_COUNTS = ("types", "aliases", "docs", "years", "co")


def _empty() -> Tally:
    return {"paragraphs": 0, "types": {}, "aliases": {}, "docs": {}, "years": {}, "co": {}}


def _bump(counts: dict, key: object, by: int = 1) -> None:
    counts[key] = counts.get(key, 0) + by


def document_tally(doc_id: str, year: int | None,
                   paragraphs: Iterable[tuple[str, tuple[ActorMention, ...]]]) -> dict[str, Tally]:
    """One article's contribution: actor name → its sums over the article's ``paragraphs``
    (each a (kind, mentions) pair). Pull-quotes are skipped, as in the facets, so a repeated
    sentence is not counted twice."""
    return _plain(_count({}, doc_id, year, paragraphs))


def _count(out: dict[str, dict], doc_id: str, year: int | None,
           paragraphs: Iterable[tuple[str, tuple[ActorMention, ...]]]) -> dict[str, dict]:
    # Counters while counting (their update is C code: co-named pairs are most of the work),
    # plain dicts once done (``_plain``)
    doc_id = intern(doc_id)
    for kind, mentions in paragraphs:
        if kind in NAME_FACETS_SKIP_KINDS or not mentions:
            continue
        names = list(dict.fromkeys(intern(m.name) for m in mentions))
        for name in names:
            if name not in out:
                out[name] = {"paragraphs": 0, **{key: Counter() for key in _COUNTS}}
        for mention in mentions:
            out[mention.name]["aliases"][intern(mention.surface)] += 1
        for name, kind_of_name in dict.fromkeys((m.name, intern(m.type)) for m in mentions):
            out[name]["types"][kind_of_name] += 1
        for name in names:
            tally = out[name]
            tally["paragraphs"] += 1
            tally["docs"][doc_id] += 1
            if year is not None:
                tally["years"][year] += 1
            if len(names) > 1:
                co = tally["co"]
                co.update(names)
                co[name] -= 1  # not co-named with itself
    return out


def _plain(counted: dict[str, dict]) -> dict[str, Tally]:
    return {name: {"paragraphs": tally["paragraphs"],
                   **{key: {value: n for value, n in tally[key].items() if n} for key in _COUNTS}}
            for name, tally in counted.items()}


class ActorTallies:
    """Every actor's sums over the corpus (``tallies``: name → Tally)."""

    def __init__(self, tallies: dict[str, Tally] | None = None):
        self.tallies: dict[str, Tally] = tallies if tallies is not None else {}

    @classmethod
    def of_documents(cls, documents: Iterable[tuple[str, int | None, Iterable[tuple[str, tuple[ActorMention, ...]]]]]
                     ) -> ActorTallies:
        """The sums of whole documents, each (doc_id, year, (kind, mentions) per paragraph):
        the same as adding each one's ``document_tally``, counted in one pass."""
        counted: dict[str, dict] = {}
        for doc_id, year, paragraphs in documents:
            _count(counted, doc_id, year, paragraphs)
        return cls(_plain(counted))

    def add(self, contribution: Mapping[str, Tally]) -> None:
        for name, part in contribution.items():
            tally = self.tallies.setdefault(name, _empty())
            tally["paragraphs"] += part["paragraphs"]
            for key in _COUNTS:
                counts = tally[key]
                for value, count in part[key].items():
                    _bump(counts, value, count)

    def subtract(self, contribution: Mapping[str, Tally]) -> None:
        """Take an article's contribution back out (it was added before); an actor no paragraph
        names any more is gone."""
        for name, part in contribution.items():
            tally = self.tallies[name]
            tally["paragraphs"] -= part["paragraphs"]
            if tally["paragraphs"] <= 0:
                del self.tallies[name]
                continue
            for key in _COUNTS:
                counter = tally[key]
                for value, count in part[key].items():
                    left = counter[value] - count
                    if left > 0:
                        counter[value] = left
                    else:
                        del counter[value]

    def type_of(self, name: str) -> str:
        types = self.tallies[name]["types"]
        return min(types, key=lambda kind: (-types[kind], _TYPE_RANK.get(kind, len(_TYPE_RANK)), kind))

    def summary(self, name: str) -> dict:
        """One actor's entry as the API lists it (search/engine.py: Engine.actors)."""
        tally = self.tallies[name]
        co = sorted(tally["co"].items(), key=lambda item: (-item[1], item[0]))[:MAX_CO_ACTORS]
        return {
            "name": name, "type": self.type_of(name),
            # most used first; among equally used forms the fullest ("Vladimir Putin", "Mr Putin")
            "aliases": [alias for alias, _ in sorted(tally["aliases"].items(),
                                                     key=lambda item: (-item[1], -len(item[0]), item[0]))],
            "paragraphs": tally["paragraphs"], "documents": len(tally["docs"]),
            "years": [{"value": year, "count": count} for year, count in sorted(tally["years"].items())],
            "co_actors": [{"name": other, "type": self.type_of(other), "count": count}
                          for other, count in co],
        }

    def summaries(self) -> list[dict]:
        """Every actor's entry, most named first (``order``)."""
        return order([self.summary(name) for name in self.tallies])

    def co_named(self, name: str) -> set[str]:
        """The actors sharing a paragraph with ``name`` (their entries show its type)."""
        tally = self.tallies.get(name)
        return set(tally["co"]) if tally else set()


def order(summaries: Iterable[dict]) -> list[dict]:
    """Actor entries most named first; ties alphabetically ignoring accents and case."""
    return sorted(summaries, key=lambda a: (-a["paragraphs"], fold_accents(a["name"]).lower(), a["name"]))
