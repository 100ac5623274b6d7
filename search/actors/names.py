"""Words and runs of capitals in one paragraph, and the gazetteer names inside those runs.

Parts: ``Token`` and ``tokenize`` (word spans with offsets; possessives and "-based" suffixes
split off), ``sentence_starts`` (a Punkt model with hand-set abbreviations, no data
download), ``mask_credits`` (photo credits such as "REUTERS/Carlos Garcia Rawlins" blanked),
``capitalised_sequences`` (runs of capitalised words, with connectors: "Bank of England"),
``segment`` (the longest gazetteer matches inside a run, except a place that is part of a
person's or an organisation's name: "Vladimir Putin", "Lima Group") and ``title_length``.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from search.actors.gazetteer import Cues, Gazetteer, fold

# Words: "Mr." keeps its dot, "U.S." is one word, "Díaz-Canel" and "Maduro's" too (the
# possessive is split off later). A plain ``re`` pattern: NLTK's RegexpTokenizer now runs every
# match through a ReDoS timeout guard, which tripled the extraction time for a pattern of ours.
_WORD = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sen|Rep|St|Capt|Adm|Prof|Rev|Sgt|Jr|Sr|Gov)\.(?=\s)"
    r"|(?:[^\W\d_]\.){2,}"
    r"|\w+(?:[-'’](?:(?:[^\W\d_]\.){2,}|\w+))*"
)

_PUNKT_PARAMS = PunktParameters()
# Punkt learns abbreviations from text; ours are set by hand so that "Mr. López" or "U.S.
# officials" never end a sentence (a model trained on five articles also learns junk).
_PUNKT_PARAMS.abbrev_types = {
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sen", "rep", "st", "capt", "adm", "prof",
    "rev", "sgt", "jr", "sr", "gov", "u.s", "u.n", "d.c", "u.k", "e.g", "i.e", "inc", "ltd",
    "corp", "co", "vs", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec",
}
_SENTENCES = PunktSentenceTokenizer(_PUNKT_PARAMS)

# Opening quotes and brackets after which a capital letter says nothing about a name.
_OPENERS = set("“\"‘'(«[:—–")

# "REUTERS/Carlos Garcia Rawlins", "AFP/Getty Images", "Photo: Jane Doe", "(Photo by X/AP)".
# The agency must be in capitals: "and/or" is not a credit.
_CREDIT = re.compile(
    r"\b[A-Z]{2,}(?:\s[A-Z]{2,})*/[A-Z][^\n]*$"
    r"|(?i:\((?:photo|credit|image)[^)]*\))"
    r"|(?i:\b(?:photo|photograph|picture|image|credit)s?(?:\s+by)?\s*:\s*[^\n.]*)",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Token:
    """A word with its offsets; ``joined`` = only white space separates it from the previous."""

    start: int
    end: int
    text: str
    joined: bool
    initial: bool  # first word of a sentence, or right after an opening quote
    possessive: bool = False
    folded: str = ""  # accents and case folded, the dots of "U.S." dropped: the lookup form

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def all_caps(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)


def mask_credits(text: str) -> str:
    """Blank photo credits with spaces, keeping every other offset where it was."""
    return _CREDIT.sub(lambda m: " " * len(m.group()), text)


def sentence_starts(text: str) -> set[int]:
    return {start for start, _end in _SENTENCES.span_tokenize(text)}


def _split_word(start: int, word: str) -> list[tuple[int, str, bool]]:
    """Split "Caracas-based" → "Caracas" and "Venezuela-U.S." → both parts; keep "Díaz-Canel"."""
    parts = word.split("-")
    if len(parts) == 1:
        return [(start, word, False)]
    if all(p[:1].isupper() for p in parts):
        if not any(len(p.replace(".", "")) > 1 and p.replace(".", "").isupper() for p in parts):
            return [(start, word, False)]
        out, offset = [], start
        for p in parts:
            out.append((offset, p, False))
            offset += len(p) + 1
        return out
    if parts[0][:1].isupper():
        return [(start, parts[0], True)]  # a name with a lower-case suffix: stop after it
    return [(start, word, False)]


def tokenize(text: str) -> list[Token]:
    """Return the words of ``text`` with offsets, possessives stripped, sentence starts marked."""
    starts = sorted(sentence_starts(text))
    tokens: list[Token] = []
    previous_end, force_break = 0, True
    for found in _WORD.finditer(text):
        for start, word, cut in _split_word(found.start(), found.group()):
            possessive = word[-2:] in ("'s", "’s") and len(word) > 2
            if possessive:
                word = word[:-2]
            between = text[previous_end:start]
            joined = not force_break and (between.isspace() or between == "")
            before = between.strip()[-1:] if between.strip() else ""
            k = bisect_left(starts, previous_end)  # a sentence starts between the two words
            initial = not tokens or (k < len(starts) and starts[k] <= start) or before in _OPENERS
            folded = fold(word).replace(".", "") if "." in word[:-1] else fold(word)
            tokens.append(Token(start, start + len(word), word, joined, initial, possessive, folded))
            previous_end = start + len(word)
            force_break = possessive or cut
    return tokens


def is_connector(token: Token, cues: Cues) -> bool:
    """A lower-case word inside a name ("of", "de", "and"); "DA" and "Of" are not connectors."""
    return not token.text[:1].isupper() and token.folded in cues.connectors


def _is_name_word(token: Token, cues: Cues) -> bool:
    return token.capitalised and token.folded not in cues.dates and token.text[0].isalpha()


def _connects(tokens: list[Token], i: int, cues: Cues) -> bool:
    """True when tokens[i:] is a run of connectors ("of the") followed by a joined name word."""
    j = i
    while j < len(tokens) and tokens[j].joined and is_connector(tokens[j], cues) and j - i < 3:
        j += 1
    return j > i and j < len(tokens) and tokens[j].joined and _is_name_word(tokens[j], cues)


def capitalised_sequences(tokens: list[Token], cues: Cues) -> list[list[Token]]:
    """Group runs of capitalised words, allowing connectors inside ("Bank of England")."""
    sequences, current = [], []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if _is_name_word(tok, cues) and (current and tok.joined):
            current.append(tok)
        elif current and tok.joined and not current[-1].possessive and \
                _connects(tokens, i, cues):
            current.append(tok)
        else:
            if current:
                sequences.append(current)
            current = [tok] if _is_name_word(tok, cues) else []
        if current and current[-1].possessive:
            sequences.append(current)
            current = []
        i += 1
    if current:
        sequences.append(current)
    return sequences


def token_key(tokens: list[Token]) -> tuple[str, ...]:
    return tuple(t.folded for t in tokens)


def segment(seq: list[Token], gazetteer: Gazetteer, doc_text: str):
    """Yield ("known", tokens, entry) for the longest gazetteer matches, ("gap", tokens, None) else."""
    cues = gazetteer.cues
    i, gap_start = 0, 0
    while i < len(seq):
        match = None
        if not is_connector(seq[i], cues):
            for length in range(min(gazetteer.max_len, len(seq) - i), 0, -1):
                if is_connector(seq[i + length - 1], cues):
                    continue
                entry = gazetteer.lookup(token_key(seq[i:i + length]), doc_text)
                if entry is not None:
                    match = (length, entry)
                    break
        if match and (_is_first_name_before_place(seq, gap_start, i, match, cues)
                      or _is_place_in_name(seq, i, match, gazetteer, doc_text)
                      or _is_qualified_head(seq, i, match, cues)):
            match = None
        if match:
            if gap_start < i:
                yield "gap", seq[gap_start:i], None
            yield "known", seq[i:i + match[0]], match[1]
            i += match[0]
            gap_start = i
        else:
            i += 1
    if gap_start < len(seq):
        yield "gap", seq[gap_start:], None


# Particles inside a person's name ("Francisco de Miranda", "Ludwig van Beethoven").
NAME_PARTICLES = frozenset({"de", "del", "da", "do", "dos", "das", "van", "von", "der", "den",
                            "di", "du", "bin", "ibn", "al", "el", "la", "y"})


def _is_first_name_before_place(seq, gap_start, i, match, cues: Cues) -> bool:
    """True for "Carlos Lima" and "Francisco de Miranda": a place after a name word is a surname.

    Also true for the place in "Electoral Commission of South Africa": it ends an organisation.
    """
    length, entry = match
    if entry.type != "place" or i == 0:
        return False
    prev = seq[i - 1]
    if prev.folded in ("of", "the") and any(t.folded in cues.org_heads for t in seq[gap_start:i]):
        return True
    if length != 1 or i == gap_start:
        return False
    if prev.folded in NAME_PARTICLES and i - 2 >= gap_start:
        prev = seq[i - 2]
    elif is_connector(prev, cues):
        return False
    return (prev.folded not in cues.common_words and not is_connector(prev, cues)
            and prev.folded not in cues.demonyms and (prev.folded,) not in cues.titles
            and not prev.all_caps and not (prev.initial and i - 1 == 0))


def _is_qualified_head(seq, i, match, cues: Cues) -> bool:
    """True for "Gulf" in "U.S. Gulf Coast" and "Mexican Gulf": a bare place head as an alias.

    A one-word alias that is itself a common head of place names ("Gulf" for the Persian Gulf)
    names that place only when nothing qualifies it: after another name word ("U.S. Gulf",
    "Mexican Gulf") or before another place head ("Gulf Coast") it is part of a longer name.
    "the Gulf" and "Gulf Arab states" stay the Persian Gulf.
    """
    length, _entry = match
    if length != 1 or seq[i].folded not in cues.place_heads:
        return False
    before = seq[i - 1] if i > 0 else None
    after = seq[i + 1] if i + 1 < len(seq) else None
    qualified = (before is not None and not is_connector(before, cues)
                 and before.folded not in cues.common_words)
    return qualified or (after is not None and after.folded in cues.place_heads)


def _is_place_in_name(seq, i, match, gazetteer: Gazetteer, doc_text: str) -> bool:
    """True for "Lima Group", "Washington Post" and "Vladimir Putin": the place is part of a name.

    A place followed, in the same run of capitals, by words ending in an organisation head is
    part of the organisation; a city (not a country) followed by an unknown name word is a first
    name. A title or a known name after the place leaves it a place ("Caracas Mayor X").
    """
    length, entry = match
    if entry.type != "place":
        return False
    cues = gazetteer.cues
    rest = seq[i + length:]
    if rest and rest[-1].folded in cues.org_heads and rest[-1].text[:1].isupper():
        return True
    if not rest or entry.source != "gazetteer:local" or length != 1:
        return False
    nxt = rest[0]
    return (not is_connector(nxt, cues) and title_length(rest, 0, cues) == 0
            and nxt.folded not in cues.demonyms and not nxt.all_caps
            and gazetteer.lookup((nxt.folded,), doc_text) is None)


def title_length(tokens: list[Token], i: int, cues: Cues) -> int:
    """Return the length of the longest title starting at tokens[i], 0 if none."""
    for length in range(min(cues.max_title_len, len(tokens) - i), 0, -1):
        if tuple(t.folded.rstrip(".") for t in tokens[i:i + length]) in cues.titles:
            return length
    parts = tokens[i].folded.split("-")
    # "Lieutenant-Colonel", "Vice-Admiral", "Ex-President": a hyphenated title
    if len(parts) > 1 and all((p,) in cues.titles or p in ("vice", "ex", "deputy") for p in parts):
        return 1
    return 0
