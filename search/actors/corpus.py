"""One name per actor across the corpus, and tidy mentions, after each article is resolved.

Parts: ``merge_adjacent`` (two mentions of one place written "Washington, DC" become one) and
``unify_corpus`` (one spelling per person across articles, a lone surname joined to the one full
name it fits, an acronym to the one expansion it abbreviates).
"""
from __future__ import annotations

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
    spelling: dict[tuple[str, ...], str] = {}  # loose key → best spelling seen
    for ms in mentions.values():
        for m in ms:
            key = loose_key(name_key(m.name))
            if m.type == "person" and (key not in spelling or accent_score(m.name) > accent_score(spelling[key])):
                spelling[key] = m.name
    by_surname: dict[tuple[str, ...], set[str]] = {}
    for key, name in spelling.items():
        if len(key) > 1:
            by_surname.setdefault(key[1:], set()).add(name)
    people: dict[tuple[str, ...], str] = {}
    for key, name in spelling.items():
        if len(key) == 1 and len(by_surname.get(key, ())) == 1:
            name = next(iter(by_surname[key]))  # "Zambrano" in one article, "Edgar Zambrano" in another
        people[key] = name
    orgs = {m.name for ms in mentions.values() for m in ms if m.type == "org"}
    expansions: dict[str, set[str]] = {}
    for name in orgs:
        if " " in name:
            expansions.setdefault(initials(name, CONNECTOR_WORDS), set()).add(name)
    acronyms = {name: next(iter(expansions[name])) for name in orgs  # "IMF" → its one expansion
                if " " not in name and name.isupper() and len(expansions.get(name, ())) == 1}

    def rename(m: ActorMention) -> ActorMention:
        if m.type == "person":
            return replace(m, name=people.get(loose_key(name_key(m.name)), m.name))
        if m.type == "org" and m.name in acronyms:
            return replace(m, name=acronyms[m.name])
        return m

    return {pid: tuple(rename(m) for m in ms) for pid, ms in mentions.items()}
