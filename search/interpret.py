"""How a query's words name metadata: "Economist Maduro 2021" names a publication, an actor and
a year. Pure: no engine, no index; each engine hands over its facet values.

Parts: ``Names`` (every name the index can be asked about: publication names and their short
forms, years, actors' and places' canonical names and aliases, keyed by their words' stems),
``build_names`` (facet values → Names, once per index generation), ``interpret`` (query text +
Names → the readings, ``[{"words", "facet", "value"}]``), ``short_forms`` (the ways a
publication is named in a query).

Readings are ranking evidence, never filters (search/ranking.py: READING_BOOSTS), and the page
offers each as a one-click filter. What is read, by principle rather than by a list of our seeds:
- a reading is a whole name: a canonical name, an alias, a publication's short form or a year.
  A word that is only part of a name ("Guard" of National Guard, "Assembly", "National") names
  nothing on its own, whatever it means elsewhere;
- a publication's short forms drop its leading words that do not tell it apart: articles and
  other stop words, and words that other names share ("The Economist" → "Economist",
  "International Crisis Group" → "Crisis Group" where "International" also begins
  "International Monetary Fund");
- the longest run of words wins ("Padrino López" over "Padrino"); a run naming two values of one
  facet names neither (it cannot tell which);
- a run of stop words only ("who", "it") names nothing unless typed in capitals like the
  acronym it spells ("IT"), and a two-letter acronym (US, UN, EU) is read only in capitals
  ("sanctions against us" names no country); words the query excludes (``-Maduro``, ``NOT``) or puts in a field
  clause (``year:2016``) are not read.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from search.analysis import STOPWORDS, fold_word, stem

# A word of a query or a name (as search/analysis.py's TOKEN_PATTERN); in a query, a field clause
# ("year:2016", "actor:lopez") is one token so that it can be skipped whole.
_WORD = re.compile(r"\w+(?:\.?\w+)*")
_QUERY_TOKEN = re.compile(r'(?P<field>\w+:(?:"[^"]*"|\S+))|(?P<minus>(?<![\w-])-)?(?P<word>\w+(?:\.?\w+)*)')
_OPERATORS = {"AND", "OR", "NOT"}
_YEAR = re.compile(r"(?:1[89]|2\d)\d\d")
# Facets whose values a query may name, in the order readings of one run are preferred.
READ_FACETS = ("publication", "actor", "place", "year")

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Names:
    """Every name the index can be asked about: key (the stems of its words) → its readings,
    each ``(facet, value, exact)``; ``exact`` is False for a short form or an alias whose words are
    not all in the value's own name (the readings a field match on the value cannot see)."""

    by_key: Mapping[Key, tuple[tuple[str, object, bool], ...]] = field(default_factory=dict)
    longest: int = 0
    years: frozenset[int] = frozenset()
    capitals_only: frozenset[Key] = frozenset()  # acronyms that are also words: "US" / "us"


def _key(text: str) -> Key:
    return tuple(stem(fold_word(word)) for word in _WORD.findall(text))


def short_forms(name: str, shared: Iterable[str] = ()) -> list[str]:
    """The ways a query names publication ``name``: itself and, dropping its leading words one at
    a time while they are stop words or in ``shared`` (folded words other names also have), the
    rest. "The Economist" → ["The Economist", "Economist"]."""
    shared = set(shared)
    words = name.split()
    forms = [name]
    for start in range(1, len(words)):
        dropped = fold_word(words[start - 1])
        if dropped not in STOPWORDS and dropped not in shared:
            break
        forms.append(" ".join(words[start:]))
    return forms


def build_names(publications: Iterable[str] = (), years: Iterable[int] = (),
                actors: Iterable[Mapping] = (), places: Iterable[str] = ()) -> Names:
    """The names of an index: ``publications``, ``years``, ``places`` are facet values;
    ``actors`` are actor entries (``name``, ``type``: person/org/place, ``aliases``)."""
    publications = [str(p) for p in publications if p]
    actors = list(actors)
    entries: list[tuple[str, str, object]] = []  # (text, facet, value)
    for actor in actors:
        facet = "place" if actor.get("type") == "place" else "actor"
        for text in (actor["name"], *(actor.get("aliases") or ())):
            entries.append((text, facet, actor["name"]))
    for place in places:
        entries.append((str(place), "place", str(place)))
    # Words of more than one name do not tell a publication apart (International, National…).
    word_names: dict[str, set[str]] = {}
    for text in [*publications, *(a["name"] for a in actors)]:
        for word in {fold_word(w) for w in _WORD.findall(text)}:
            word_names.setdefault(word, set()).add(text)
    shared = {word for word, names in word_names.items() if len(names) > 1}
    for publication in publications:
        for form in short_forms(publication, shared):
            entries.append((form, "publication", publication))
    by_key: dict[Key, dict[tuple[str, object], bool]] = {}
    capitals_only = set()
    for text, facet, value in entries:
        key = _key(text)
        if not key:
            continue
        if _is_short_acronym(text):
            capitals_only.add(key)
        exact = set(key) <= set(_key(str(value)))
        readings = by_key.setdefault(key, {})
        readings[(facet, value)] = readings.get((facet, value), False) or exact
    frozen = {key: tuple((facet, value, exact) for (facet, value), exact in readings.items())
              for key, readings in by_key.items()}
    return Names(frozen, max((len(k) for k in frozen), default=0),
                 frozenset(int(y) for y in years), frozenset(capitals_only))


def _is_short_acronym(text: str) -> bool:
    # "US", "UN", "EU": two capitals spell a word too ("us", "un"); longer acronyms (TSJ, PDVSA)
    # are read however they are typed.
    letters = text.replace(".", "")
    return letters.isupper() and (len(letters) <= 2 or fold_word(letters) in STOPWORDS)


@dataclass(frozen=True, slots=True)
class _Word:
    text: str      # as typed
    key: str       # its stem
    stop: bool     # a stop word
    capitals: bool  # typed in capitals (an acronym: "US")
    start: int
    end: int


def _query_words(text: str) -> list[list[_Word]]:
    """The query's words that may be read, in runs: a skipped token (a field clause, an excluded
    word, an operator) ends a run, so no name is read across it."""
    runs: list[list[_Word]] = [[]]
    excluding = False
    for match in _QUERY_TOKEN.finditer(text):
        word = match.group("word")
        if match.group("field") or match.group("minus") or word in _OPERATORS or excluding:
            excluding = word == "NOT"
            runs.append([])
            continue
        folded = fold_word(word)
        runs[-1].append(_Word(word, stem(folded), folded in STOPWORDS,
                              len(word) > 1 and word.isupper(), match.start(), match.end()))
    return [run for run in runs if run]


def interpret(text: str, names: Names) -> list[dict]:
    """The runs of ``text`` that name a facet value: ``[{"words", "facet", "value"}]`` in the
    query's order. See the module docstring for what is read and what is not."""
    readings: list[dict] = []
    for run in _query_words(text):
        position = 0
        while position < len(run):
            found = _longest_reading(text, run, position, names)
            if found is None:
                position += 1
                continue
            length, reading = found
            readings.append(reading)
            position += length
    return readings


def _longest_reading(text: str, run: list[_Word], position: int, names: Names):
    for length in range(min(names.longest, len(run) - position), 0, -1):
        words = run[position:position + length]
        if all(w.stop and not w.capitals for w in words):
            continue
        key = tuple(w.key for w in words)
        if key in names.capitals_only and not all(w.capitals for w in words):
            continue
        candidates = names.by_key.get(key, ())
        for facet in READ_FACETS:
            values = [(value, exact) for f, value, exact in candidates if f == facet]
            if len(values) == 1:
                typed = text[words[0].start:words[-1].end]
                return length, {"words": typed, "facet": facet, "value": values[0][0]}
    word = run[position]
    if _YEAR.fullmatch(word.text) and int(word.text) in names.years:
        return 1, {"words": word.text, "facet": "year", "value": int(word.text)}
    return None


def lexical_readings(readings: list[dict], names: Names) -> list[bool]:
    """For each reading, whether the index's own fields already see it (the words are all in the
    value's name: "Maduro" for Nicolás Maduro), as opposed to a short form or alias that only the
    reading connects ("TSJ" for the Supreme Tribunal of Justice)."""
    out = []
    for reading in readings:
        if reading["facet"] == "year":
            out.append(True)
            continue
        key = _key(reading["words"])
        out.append(any(exact for facet, value, exact in names.by_key.get(key, ())
                       if facet == reading["facet"] and value == reading["value"]))
    return out
