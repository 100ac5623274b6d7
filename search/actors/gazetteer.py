"""The names the actor extractor knows before it reads a word: places, curated actors, cue words.

Parts: ``name_key`` (how a name is looked up: tokens folded and lower-cased), ``Entry`` (one
known actor), ``Cues`` (title, organisation, place and stop words from ``data/cues.toml``),
``Gazetteer`` (alias key → entries, plus the cues and demonyms), ``load_places`` (the generated
``data/places.tsv`` and the hand-kept ``data/regions.tsv``), ``load_actor_dictionary``
(``seeds/actors.toml``), ``make_demonyms`` and ``load_gazetteer``.
All files are read once, at start-up; nothing here touches the network.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from search.text import fold_accents

DATA_DIR = Path(__file__).resolve().parent / "data"


# The same word shapes the extractor tokenises with, so an alias and a text split alike.
_KEY_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[\w]+(?:[-'’.][\w]+)*", re.UNICODE)


def fold(word: str) -> str:
    """Fold accents and case: the form every comparison of names uses."""
    return fold_accents(word).lower()


def name_key(name: str) -> tuple[str, ...]:
    """Return the lookup key of a name: its words, folded, lower-cased, dots of U.S. dropped."""
    return tuple(fold(tok).replace(".", "") for tok in _KEY_TOKEN.findall(name))


@dataclass(frozen=True, slots=True)
class Entry:
    """One known actor: canonical name and type; ``context`` words the article must contain."""

    name: str
    type: str
    context: tuple[str, ...] = ()
    source: str = "dictionary"


@dataclass(frozen=True, slots=True)
class Cues:
    """Word lists that steer the capitalised-sequence rules (see data/cues.toml)."""

    titles: frozenset[tuple[str, ...]]
    honorifics: frozenset[str]
    org_heads: frozenset[str]
    org_starts: frozenset[str]
    place_heads: frozenset[str]
    non_actor_heads: frozenset[str]
    connectors: frozenset[str]
    common_words: frozenset[str]
    dates: frozenset[str]
    demonyms: frozenset[str]
    directions: frozenset[str]
    max_title_len: int = 3


@dataclass(slots=True)
class Gazetteer:
    """Alias keys → entries, with the person names listed for surname look-ups."""

    entries: dict[tuple[str, ...], list[Entry]]
    cues: Cues
    people: list[Entry] = field(default_factory=list)
    max_len: int = 1

    def lookup(self, key: tuple[str, ...], doc_text: str) -> Entry | None:
        """Return the entry for ``key`` whose context (if any) the folded article text names."""
        for entry in self.entries.get(key, ()):
            if not entry.context or any(fold(word) in doc_text for word in entry.context):
                return entry
        return None

    def add(self, alias: str, entry: Entry) -> None:
        key = name_key(alias)
        if not key:
            return
        bucket = self.entries.setdefault(key, [])
        # The curated dictionary is loaded after the places and must win over them.
        if all(existing.name != entry.name for existing in bucket):
            bucket.insert(0, entry) if entry.source == "dictionary" else bucket.append(entry)
        self.max_len = max(self.max_len, len(key))


def _read_tsv(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def load_places(data_dir: Path = DATA_DIR) -> list[tuple[str, str, str]]:
    """Return (alias, canonical, kind) for every shipped place name."""
    places = [(row[0], row[1], row[2]) for row in _read_tsv(data_dir / "places.tsv")]
    places += [(row[0], row[1], "region") for row in _read_tsv(data_dir / "regions.tsv")]
    return places


def load_actor_dictionary(path: Path) -> list[tuple[str, Entry]]:
    """Return (alias, entry) pairs from a curated actors.toml; a missing file gives none."""
    if not path.is_file():
        return []
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    pairs: list[tuple[str, Entry]] = []
    for actor in data.get("actor", []):
        name, kind = actor["name"], actor.get("type", "person")
        context = tuple(actor.get("context", ()))
        # An entry with context but no context_aliases is contextual as a whole.
        plain = Entry(name, kind, context if not actor.get("context_aliases") else ())
        pairs += [(alias, plain) for alias in [name, *actor.get("aliases", [])]]
        pairs += [(alias, Entry(name, kind, context)) for alias in actor.get("context_aliases", [])]
    return pairs


def make_demonyms(place_names: list[str], irregular: list[str]) -> frozenset[str]:
    """Guess demonyms from one-word place names (Cuba → Cuban(s), Brazil → Brazilian)."""
    out = {fold(word) for word in irregular}
    for name in place_names:
        base = fold(name.split()[-1]) if name else ""
        if len(base) < 4 or not base.isalpha():
            continue
        stems = {base, base[:-1]} if base[-1] in "aeiouy" else {base}
        endings = [(stem, ending) for stem in stems for ending in ("an", "ian", "n", "ese")]
        for stem, ending in endings + [(base, "i")]:  # Iraq → Iraqi, not Georgia → Georgi
            out.update({stem + ending, stem + ending + "s"})
    return frozenset(out - {fold(name) for name in place_names})


def load_cues(path: Path, demonyms: frozenset[str] = frozenset()) -> Cues:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    titles = frozenset(name_key(title) for title in raw["titles"])
    return Cues(
        titles=titles,
        honorifics=frozenset(fold(w).rstrip(".") for w in raw["honorifics"]),
        org_heads=frozenset(fold(w) for w in raw["org_heads"]),
        org_starts=frozenset(fold(w) for w in raw["org_starts"]),
        place_heads=frozenset(fold(w) for w in raw["place_heads"]),
        non_actor_heads=frozenset(fold(w) for w in raw["non_actor_heads"]),
        connectors=frozenset(fold(w) for w in raw["connectors"]),
        common_words=frozenset(fold(w) for w in raw["common_words"]),
        dates=frozenset(fold(w) for w in raw["months"] + raw["weekdays"]),
        demonyms=demonyms | frozenset(fold(w) for w in raw["demonyms"]),
        directions=frozenset(fold(w) for w in raw["directions"]),
        max_title_len=max(len(t) for t in titles),
    )


def load_gazetteer(dictionary_path: Path | None = None, data_dir: Path = DATA_DIR) -> Gazetteer:
    """Build the gazetteer: shipped places, then the curated dictionary (which wins)."""
    places = load_places(data_dir)
    # Cities are left out: "Rome" would make "Roman" a demonym, and Roman is also a first name.
    countryish = [alias for alias, _c, kind in places if kind in ("country", "continent", "region")]
    with (data_dir / "cues.toml").open("rb") as handle:
        irregular = tomllib.load(handle)["demonyms"]
    cues = load_cues(data_dir / "cues.toml", make_demonyms(countryish, irregular))
    gazetteer = Gazetteer(entries={}, cues=cues)
    for alias, canonical, kind in places:
        # Cities, states and provinces are told apart from countries: "Vladimir" (a Russian
        # city) and "Flores" (a province) are more often a person's name.
        source = "gazetteer:local" if kind in ("city", "capital", "subdivision") else "gazetteer"
        gazetteer.add(alias, Entry(canonical, "place", source=source))
    if dictionary_path is not None:
        for alias, entry in load_actor_dictionary(dictionary_path):
            gazetteer.add(alias, entry)
            if entry.type == "person" and alias == entry.name:
                gazetteer.people.append(entry)
    return gazetteer
