"""Words and runs of capitals in one paragraph, and the gazetteer names inside those runs.

Parts: ``Token`` and ``tokenize`` (NLTK's RegexpTokenizer spans; possessives and "-based"
suffixes split off), ``sentence_starts`` (a Punkt model with hand-set abbreviations, no data
download), ``mask_credits`` (photo credits such as "REUTERS/Carlos Garcia Rawlins" blanked),
``capitalised_sequences`` (runs of capitalised words, with connectors: "Bank of England"),
``segment`` (the longest gazetteer matches inside a run, except a place that is part of a
person's or an organisation's name: "Vladimir Putin", "Lima Group") and ``title_length``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nltk.tokenize import RegexpTokenizer
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from .gazetteer import Cues, Gazetteer, fold

_TOKENIZER = RegexpTokenizer(
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
_CREDIT = re.compile(
    r"\b[A-Z]{2,}(?:\s[A-Z]{2,})*/[^\n]*$"
    r"|\((?:photo|credit|image)[^)]*\)"
    r"|\b(?:Photo|Photograph|Picture|Image|Credit)s?(?:\s+by)?\s*:\s*[^\n.]*",
    re.IGNORECASE | re.MULTILINE,
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

    @property
    def folded(self) -> str:
        return fold(self.text).replace(".", "") if "." in self.text[:-1] else fold(self.text)

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
    starts = sentence_starts(text)
    tokens: list[Token] = []
    previous_end, force_break = 0, True
    for span_start, span_end in _TOKENIZER.span_tokenize(text):
        for start, word, cut in _split_word(span_start, text[span_start:span_end]):
            possessive = word[-2:] in ("'s", "’s") and len(word) > 2
            if possessive:
                word = word[:-2]
            between = text[previous_end:start]
            joined = not force_break and (between.isspace() or between == "")
            before = between.strip()[-1:] if between.strip() else ""
            initial = not tokens or any(previous_end <= s <= start for s in starts) or before in _OPENERS
            tokens.append(Token(start, start + len(word), word, joined, initial, possessive))
            previous_end = start + len(word)
            force_break = possessive or cut
    return tokens


def _is_name_word(token: Token, cues: Cues) -> bool:
    return token.capitalised and token.folded not in cues.dates and token.text[0].isalpha()


def _connects(tokens: list[Token], i: int, cues: Cues) -> bool:
    """True when tokens[i:] is a run of connectors ("of the") followed by a joined name word."""
    j = i
    while j < len(tokens) and tokens[j].joined and tokens[j].folded in cues.connectors and j - i < 3:
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
        if seq[i].folded not in cues.connectors:
            for length in range(min(gazetteer.max_len, len(seq) - i), 0, -1):
                if seq[i + length - 1].folded in cues.connectors:
                    continue
                entry = gazetteer.lookup(token_key(seq[i:i + length]), doc_text)
                if entry is not None:
                    match = (length, entry)
                    break
        if match and (_is_first_name_before_place(seq, gap_start, i, match, cues)
                      or _is_place_in_name(seq, i, match, gazetteer, doc_text)):
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


def _is_first_name_before_place(seq, gap_start, i, match, cues: Cues) -> bool:
    """True for "Carlos Lima": a one-word place right after an unknown name word is a surname."""
    length, entry = match
    if entry.type != "place" or length != 1 or i == gap_start or i == 0:
        return False
    prev = seq[i - 1]
    return (prev.folded not in cues.connectors and prev.folded not in cues.common_words
            and prev.folded not in cues.demonyms and (prev.folded,) not in cues.titles
            and not prev.all_caps and not (prev.initial and i - 1 == 0))


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
    if not rest or entry.source != "gazetteer:city" or length != 1:
        return False
    nxt = rest[0]
    return (nxt.folded not in cues.connectors and title_length(rest, 0, cues) == 0
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
