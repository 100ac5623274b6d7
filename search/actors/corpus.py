"""One name per actor across the corpus, and tidy mentions, after each article is resolved.

Parts: ``merge_adjacent`` (two mentions of one place written "Washington, DC" become one) and
``unify_corpus`` (one spelling per person across articles, a lone surname joined to the one full
name it fits, an acronym to the one expansion it abbreviates), computed by ``canonical_names``
from the corpus's distinct names and applied by ``rename``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from search.actors.gazetteer import name_key
from search.records import ActorMention
from search.actors.resolve import CONNECTOR_WORDS, accent_score, initials, loose_key


def merge_adjacent(mentions: list[ActorMention], text: str) -> list[ActorMention]:
    """Join "Washington" + ", " + "DC" (two mentions of one place) into one mention."""
    mentions = sorted(mentions, key=lambda m: m.start)
    out: list[ActorMention] = []
    for m in mentions:
        if out and out[-1].name == m.name and text[out[-1].end:m.start] in (", ", " "):
            prev = out.pop()
            m = replace(m, surface=text[prev.start:m.end], start=prev.start)
        out.append(m)
    return out


def unify_corpus(mentions: dict[str, tuple[ActorMention, ...]]) -> dict[str, tuple[ActorMention, ...]]:
    """One name per actor across articles: one spelling per person, a lone surname joined to
    the one full name it fits, an acronym to the one expansion it abbreviates."""
    names = canonical_names(dict.fromkeys((m.name, m.type) for ms in mentions.values() for m in ms))
    return {pid: tuple(rename(m, names) for m in ms) for pid, ms in mentions.items()}


def canonical_names(names: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(name, type) → the corpus-wide name, for the distinct names of a corpus in the order they
    first occur (the order decides between equally accented spellings: the first one wins).

    A function of the distinct names alone, not of every mention: an incremental build
    (search/changes.py) recomputes it from each article's names without reading the articles.
    """
    names = list(names)
    spelling: dict[tuple[str, ...], str] = {}  # loose key → best spelling seen
    for name, kind in names:
        key = loose_key(name_key(name))
        if kind == "person" and (key not in spelling or accent_score(name) > accent_score(spelling[key])):
            spelling[key] = name
    by_surname: dict[tuple[str, ...], set[str]] = {}
    for key, name in spelling.items():
        if len(key) > 1:
            by_surname.setdefault(key[1:], set()).add(name)
    people: dict[tuple[str, ...], str] = {}
    for key, name in spelling.items():
        if len(key) == 1 and len(by_surname.get(key, ())) == 1:
            name = next(iter(by_surname[key]))  # "Zambrano" in one article, "Edgar Zambrano" in another
        people[key] = name
    orgs = {name for name, kind in names if kind == "org"}
    expansions: dict[str, set[str]] = {}
    for name in orgs:
        if " " in name:
            expansions.setdefault(initials(name, CONNECTOR_WORDS), set()).add(name)
    acronyms = {name: next(iter(expansions[name])) for name in orgs  # "IMF" → its one expansion
                if " " not in name and name.isupper() and len(expansions.get(name, ())) == 1}
    out = {}
    for name, kind in names:
        if kind == "person":
            out[(name, kind)] = people.get(loose_key(name_key(name)), name)
        elif kind == "org" and name in acronyms:
            out[(name, kind)] = acronyms[name]
        else:
            out[(name, kind)] = name
    return out


def rename(mention: ActorMention, names: dict[tuple[str, str], str]) -> ActorMention:
    """``mention`` under its corpus-wide name (``canonical_names``)."""
    name = names.get((mention.name, mention.type), mention.name)
    return mention if name == mention.name else replace(mention, name=name)
