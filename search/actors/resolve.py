"""Resolving candidates to canonical actors, article by article, then across the corpus.

Parts: ``Person`` (one person of an article, with the surname keys it answers to),
``PersonResolver`` (full names first; then surnames, "Mr X" and surname pairs against the people
the article names, then against the curated dictionary; the sex a title tells keeps "Ms Milei"
apart from "Mr Milei"), ``resolve_orgs`` (acronym ↔ expansion, short ↔ long forms) and
``resolve_article`` (every candidate of one article → canonical name and type).

Why per article: "Mr López" is Leopoldo López in one article while "General Padrino López" is
the defence minister; "Capriles" is Colette in one article and Henrique in another. A surname
only ever resolves to a person the same article names in full, or, failing that, to the one
dictionary person with that surname; two people who share a surname are never merged.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from search.actors.candidates import Candidate
from search.actors.gazetteer import Entry, fold, name_key


def accent_score(name: str) -> tuple[int, int]:
    """Prefer the fullest, accented spelling: more words, then more non-ASCII letters."""
    return len(name.split()), sum(1 for c in name if ord(c) > 127)


# Titles that tell a person's sex: "Ms Milei" is not "Mr Milei" when both are in the article.
_GENDER = {"mr": "m", "sir": "m", "lord": "m", "king": "m", "prince": "m", "father": "m",
           "ms": "f", "mrs": "f", "miss": "f", "dame": "f", "lady": "f", "queen": "f",
           "princess": "f", "sister": "f", "baroness": "f"}


def title_gender(title: str) -> str | None:
    return _GENDER.get(fold(title).strip().rstrip("."))


def guess_gender(first_name: str) -> str | None:
    """A weak guess used only to break ties: Cristina, Karina → f; Alberto, Javier → unknown/m."""
    return {"a": "f", "o": "m"}.get(first_name[-1:]) if len(first_name) > 2 else None


@dataclass(slots=True)
class Person:
    """One person of one article: canonical name, folded key, where the full name appears."""

    name: str
    key: tuple[str, ...]
    positions: list[int] = field(default_factory=list)
    from_dictionary: bool = False
    gender: str | None = None

    strong: frozenset[tuple[str, ...]] = frozenset()
    weak: frozenset[tuple[str, ...]] = frozenset()

    def __post_init__(self) -> None:
        # computed once: a surname is looked up against every person of the article
        self.key = loose_key(self.key)
        self.strong = frozenset(self.strong_keys())
        self.weak = frozenset(self.weak_keys())

    @property
    def base(self) -> tuple[str, ...]:
        """The key without a generational suffix: "Ferdinand Marcos Jr" answers to "Marcos"."""
        return self.key[:-1] if len(self.key) > 2 and self.key[-1] in _SUFFIXES else self.key

    def strong_keys(self) -> set[tuple[str, ...]]:
        """The surname part: all after the first name ("Padrino López"), or up to a "de"."""
        base = self.base
        keys = {base[1:]} if len(base) > 1 else {base}
        keys.add(self.key)
        for k in range(2, len(base) - 1):  # "Cristina Fernández de Kirchner" → "Fernández"
            if base[k] in _NAME_PARTICLES:
                keys.add(base[1:k])
                break
        return keys

    def weak_keys(self) -> set[tuple[str, ...]]:
        """Any later word alone, or the last two ("Padrino", "Figuera", "Hernández Dala")."""
        base = self.base
        rest = [w for w in base[1:] if len(w) > 2]
        return {(w,) for w in rest} | ({base[-2:]} if len(base) > 2 else set())


_NAME_PARTICLES = {"de", "del", "da", "do", "dos", "van", "von", "der", "bin", "ibn", "y"}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def loose_key(key: tuple[str, ...]) -> tuple[str, ...]:
    """Compare names as a reader does: "Soeder" is "Söder" (German writes ö as oe)."""
    return tuple(w.replace("ae", "a").replace("oe", "o").replace("ue", "u") for w in key)


class PersonResolver:
    """Resolve the people of one article (see the module docstring for the rules)."""

    def __init__(self, dictionary_people: list[Entry]):
        self.dictionary = [Person(e.name, name_key(e.name), from_dictionary=True)
                           for e in dictionary_people]
        self.people: list[Person] = []
        self.surnames: dict[tuple[str, ...], Person] = {}  # "Mr Zambrano" with no full name
        self.said: dict[tuple[str | None, tuple[str, ...]], Person] = {}  # "Mr Milei" → Javier

    def add_full(self, cand: Candidate, position: int) -> None:
        """Register a full name (two or more words, or a dictionary person)."""
        name = cand.entry.name if cand.entry else cand.text
        key = loose_key(name_key(name))
        person = self._same_person(key)
        if person is None:
            person = Person(name, key, from_dictionary=cand.entry is not None)
            self.people.append(person)
        elif not person.from_dictionary and cand.entry is None and \
                len(key) == len(person.key) and accent_score(name) > accent_score(person.name):
            person.name = name
        person.positions.append(position)

    def full_name(self, cand: Candidate) -> str:
        """The canonical name of a full-name candidate registered with ``add_full``."""
        person = self._same_person(loose_key(name_key(cand.entry.name if cand.entry else cand.text)))
        return person.name if person is not None else cand.text

    def _same_person(self, key: tuple[str, ...]) -> Person | None:
        for person in self.people:
            if person.key == key:
                return person
        for person in self.people:  # "Juan Gerardo Guaidó" and "Juan Guaidó"
            if len(key) > 1 and person.key[0] == key[0] and person.key[-1] == key[-1]:
                return person
        return None

    def article_person(self, cand: Candidate) -> str | None:
        """The person this article names in full whose surname is ``cand``, if exactly one."""
        key = loose_key(cand.key)
        matches = [p for p in self.people if p.positions and key in p.strong]
        return matches[0].name if len(matches) == 1 else None

    def is_suffix_of_known(self, key: tuple[str, ...]) -> bool:
        """True for "Padrino López" when "Vladimir Padrino López" is known (a surname pair)."""
        key = loose_key(key)
        return any(len(p.key) > len(key) and p.key[-len(key):] == key
                   for p in self.people + self.dictionary)

    def resolve_short(self, cand: Candidate, position: int, gender: str | None = None) -> str | None:
        """Return the canonical name for a surname, "Mr X" or surname pair; None if unknown."""
        key = loose_key(cand.key)
        if (gender, key) in self.said:  # an article keeps calling one person "Mr X"
            return self.said[(gender, key)].name
        chosen = self._match(key, gender)
        if chosen is None:
            if key in self.surnames:
                return self.surnames[key].name
            if not cand.titled:
                return None
            chosen = self.surnames[key] = Person(cand.text, key)
        if chosen is not self.surnames.get(key) and chosen not in self.people:
            chosen.positions.append(position)
            self.people.append(chosen)
        if gender:
            chosen.gender = chosen.gender or gender
            self.said[(gender, key)] = chosen
        return chosen.name

    def _match(self, key: tuple[str, ...], gender: str | None) -> Person | None:
        for pool in (self.people, self.dictionary):
            for strength in ("strong", "weak"):
                matches = [p for p in pool if key in getattr(p, strength)
                           and not (gender and p.gender and p.gender != gender)]
                if len(matches) > 1 and gender:
                    matches = _fit_gender(matches, gender)
                if matches:
                    return _first_named(matches)
        return None


def _fit_gender(matches: list[Person], gender: str) -> list[Person]:
    """Drop people who look like the other sex; prefer those known (or, for "-a", likely) to fit.

    A first name in "-a" is a much surer sign (Karina, Cristina) than one in "-o" (Jomo), so
    only the former is trusted to prefer someone; either may rule someone out.
    """
    kept = [p for p in matches if (p.gender or guess_gender(p.key[0])) in (None, gender)] or matches
    fitting = [p for p in kept if p.gender == gender or
               (p.gender is None and gender == "f" and guess_gender(p.key[0]) == "f")]
    return fitting or kept


def _first_named(matches: list[Person]) -> Person:
    """Among people sharing a surname, the one the article named first (its main subject)."""
    return min(matches, key=lambda p: min(p.positions) if p.positions else float("inf"))


def initials(name: str, connectors: frozenset[str]) -> str:
    return "".join(w[0] for w in name.split() if fold(w) not in connectors and w[:1].isupper())


def _parenthetical_aliases(cands: list[Candidate], texts: list[str]) -> dict[str, str]:
    """Map the acronym of "Democratic Unity Roundtable (MUD)" (or the reverse) to its expansion."""
    aliases: dict[str, str] = {}
    for (pa, a), (pb, b) in zip(cands, cands[1:]):
        text = texts[pa]
        if pa != pb or text[a.end:b.start] != " (" or text[b.end:b.end + 1] != ")":
            continue
        short, long = (b, a) if " " not in b.text else (a, b)
        if " " in short.text or " " not in long.text:
            continue
        # The article's own expansion beats the dictionary's reading of the acronym:
        # "African National Congress (ANC)" is not Venezuela's Constituent Assembly.
        aliases[short.text] = aliases[long.text] = long.entry.name if long.entry else long.text
    return aliases


def resolve_orgs(cands: list[tuple[int, Candidate]], texts: list[str],
                 connectors: frozenset[str]) -> list[str]:
    """Give each org candidate a canonical name: acronyms and short forms joined to long ones."""
    aliases = _parenthetical_aliases(cands, texts)
    names = [aliases.get(c.text) or (c.entry.name if c.entry else c.text) for _p, c in cands]
    full = {name for name in names if " " in name}
    by_initials: dict[str, set[str]] = {}
    for name in full:
        by_initials.setdefault(initials(name, connectors), set()).add(name)
    out = []
    for name, (_p, cand) in zip(names, cands):
        if cand.entry is None and " " not in name and len(by_initials.get(name.replace(".", ""), ())) == 1:
            name = next(iter(by_initials[name.replace(".", "")]))  # "WFP" after "World Food Programme"
        elif cand.entry is None and " " in name:
            key = name_key(name)
            longer = [f for f in full if _is_part(key, name_key(f))]
            if len(longer) == 1:
                name = longer[0]  # "Constituent Assembly" after "National Constituent Assembly"
        out.append(name)
    return out


def _is_part(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    return len(short) < len(long) and (long[:len(short)] == short or long[-len(short):] == short)


def resolve_article(flat: list[tuple[int, Candidate]], texts: list[str],
                    people: list[Entry], connectors: frozenset[str]) -> dict[int, tuple[str, str]]:
    """Give each candidate of one article (by index in ``flat``) its (canonical name, type).

    ``flat`` holds (paragraph index, candidate) in text order; candidates left out of the
    result are not actors (an unknown word that is nobody's surname).
    """
    resolver = PersonResolver(people)
    resolved: dict[int, tuple[str, str]] = {}
    short: list[int] = []
    for n, (_pi, cand) in enumerate(flat):  # full names first, so that surnames see them all
        if cand.kind == "person" and (cand.entry is not None or (
                len(cand.key) > 1 and not resolver.is_suffix_of_known(cand.key))):
            resolver.add_full(cand, n)
        elif cand.kind in ("person", "maybe"):
            short.append(n)
    for n, (_pi, cand) in enumerate(flat):
        if cand.kind == "person" and n not in short:
            resolved[n] = (resolver.full_name(cand), "person")
    # Titled surnames first, so that a bare "Zambrano" can follow an earlier or later "Mr Zambrano".
    for n in sorted(short, key=lambda n: not flat[n][1].titled):
        pi, cand = flat[n]
        title = texts[pi][cand.surface_start:cand.start]
        name = resolver.resolve_short(cand, n, title_gender(title) if title else None)
        if name is not None:
            resolved[n] = (name, "person")
    orgs = [n for n, (_pi, cand) in enumerate(flat) if cand.kind == "org"]
    for n, name in zip(orgs, resolve_orgs([flat[n] for n in orgs], texts, connectors)):
        resolved[n] = (name, "org")
    for n, (_pi, cand) in enumerate(flat):
        if cand.kind != "place":
            continue
        person = resolver.article_person(cand) if _may_be_surname(cand) else None
        # "Falcón" after "Henri Falcón" is the man, not the Venezuelan state
        resolved[n] = (person, "person") if person else \
            (cand.entry.name if cand.entry else cand.text, "place")
    return resolved


def _may_be_surname(cand: Candidate) -> bool:
    """A one-word city or province from the gazetteer may also be a surname."""
    return cand.entry is not None and cand.entry.source == "gazetteer:local" and len(cand.key) == 1


# Small words left out of an acronym ("Organization of American States" → OAS).
CONNECTOR_WORDS = frozenset({"of", "the", "and", "for", "on", "de", "del", "la", "&"})
