"""Typing the capitalised words of one paragraph: titles, cue words and context → candidates.

Parts: ``Candidate`` (a typed stretch of text before resolution), ``find_candidates`` (one
paragraph's tokens → candidates: gazetteer matches, then the rules below for the rest),
``classify_gap`` (what the gazetteer did not know: a title makes a person, an organisation head
or an acronym an org, a place head a place, two to four name words a person, one unknown word a
"maybe" that the resolver keeps only if it is the surname of a person of the article) and
``retype_by_context`` (a candidate typed by its neighbours: "province of Jujuy",
"Datanalisis, a polling firm", "Economic Freedom Fighters (EFF)").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from search.actors.gazetteer import Cues, Entry, Gazetteer
from search.actors.names import Token, capitalised_sequences, is_connector, segment, title_length, token_key


@dataclass(frozen=True, slots=True)
class Candidate:
    """A typed stretch of one paragraph that may name an actor, before resolution.

    ``kind`` is person, org, place or maybe (one unknown capitalised word). ``key`` is the
    folded name without any title; ``entry`` is set when the gazetteer knew the name;
    ``titled`` when a title stood before it (``surface_start`` is then where the title starts).
    """

    start: int
    end: int
    surface_start: int
    kind: str
    text: str
    key: tuple[str, ...]
    entry: Entry | None = None
    titled: bool = False


@dataclass(frozen=True, slots=True)
class GapContext:
    """What the gap rules need to know about the article: its cues and its lower-case words."""

    cues: Cues
    lower_words: frozenset[str]
    text: str


def _make(kind: str, tokens: list[Token], ctx: GapContext, surface_start: int | None = None,
          titled: bool = False) -> Candidate:
    start, end = tokens[0].start, tokens[-1].end
    return Candidate(start, end, start if surface_start is None else surface_start, kind,
                     ctx.text[start:end], token_key(tokens), None, titled)


def _is_junk(token: Token, ctx: GapContext) -> bool:
    """A capitalised word that starts no name: function words, dates, sentence-initial words."""
    cues = ctx.cues
    if token.folded in cues.common_words or token.folded in cues.dates:
        return True
    if token.all_caps and token.folded in ctx.lower_words:
        return True  # "THESE ARE times …": a shouted opening, not acronyms
    return token.initial and token.folded in ctx.lower_words


def _strip(tokens: list[Token], ctx: GapContext) -> list[Token]:
    cues = ctx.cues
    while tokens and (is_connector(tokens[0], cues) or
                      (_is_junk(tokens[0], ctx) and not title_length(tokens, 0, cues))):
        tokens = tokens[1:]
    while tokens and is_connector(tokens[-1], cues):
        tokens = tokens[:-1]
    return tokens


def _org_end(tokens: list[Token], cues: Cues, after_of: int = 1) -> int:
    """Return the index after the last organisation head and up to ``after_of`` words of an
    "of X" after it ("Tribunal of Justice", "Commission on Elections"), or 0."""
    for h in range(len(tokens) - 1, -1, -1):
        if tokens[h].folded in cues.org_heads and tokens[h].text[:1].isupper():
            if h + 2 < len(tokens) and tokens[h + 1].folded in ("of", "on", "for"):
                skip = h + 2 + (tokens[h + 2].folded == "the")
                return min(len(tokens), skip + after_of)
            return h + 1
    return 0


def _is_org(tokens: list[Token], cues: Cues) -> bool:
    """An organisation's name: ends in a head ("Lima Group"), or a head and "of X Y"."""
    return len(tokens) > 1 and _org_end(tokens, cues, after_of=3) == len(tokens)


def classify_gap(tokens: list[Token], ctx: GapContext) -> list[Candidate]:
    """Type the capitalised words the gazetteer did not know, by their cue words."""
    cues = ctx.cues
    tokens = _strip(tokens, ctx)
    if not tokens:
        return []
    for k, tok in enumerate(tokens[1:-1], start=1):
        if tok.folded in ("and", "&") and _is_org(tokens[:k], cues):
            # "Lima Group and the Washington Post": a finished name before the "and"
            return classify_gap(tokens[:k], ctx) + classify_gap(tokens[k + 1:], ctx)
    if _is_org(tokens, cues) and not _has_title(tokens, cues):
        split = _name_of_org(tokens, cues)
        if split:  # "Juan González of the National Security Council": a person, then an org
            return _classify_part(_strip(tokens[:split[0]], ctx), ctx) + [_make("org", tokens[split[1]:], ctx)]
        return [_make("org", tokens, ctx)]
    parts, current = [], []
    for tok in tokens:  # "Cuba and Venezuela": two names, unless an organisation head joined them
        if tok.folded in ("and", "&"):
            parts.append(current)
            current = []
        else:
            current.append(tok)
    parts.append(current)
    return [cand for part in parts for cand in _classify_part(_strip(part, ctx), ctx)]


def _name_of_org(tokens: list[Token], cues: Cues) -> tuple[int, int] | None:
    """Return (end of the name, start of the org) for "X of [the] Org"; None for "Bank of Y"."""
    for k, tok in enumerate(tokens):
        if tok.folded == "of" and k > 0:
            left = tokens[:k]
            if any(t.folded in cues.org_heads or t.folded in cues.org_starts for t in left):
                return None
            start = k + 1 + (k + 1 < len(tokens) and tokens[k + 1].folded == "the")
            return (k, start) if start < len(tokens) - 1 or tokens[-1].folded in cues.org_heads else None
    return None


def _has_title(tokens: list[Token], cues: Cues) -> bool:
    return any(title_length(tokens, i, cues) for i in range(len(tokens)))


def _classify_part(tokens: list[Token], ctx: GapContext) -> list[Candidate]:
    cues = ctx.cues
    if not tokens:
        return []
    best = None  # the title that ends last: "Defence Minister", "Deputy Prime Minister"
    for i in range(len(tokens)):
        length = title_length(tokens, i, cues)
        if length and (best is None or i + length > best[1]):
            best = (i, i + length)
    if best is not None:
        return _titled(tokens, best, ctx)
    return _untitled(tokens, ctx)


def _titled(tokens: list[Token], title: tuple[int, int], ctx: GapContext) -> list[Candidate]:
    """"Mr López", "President of the Supreme Tribunal of Justice Maikel Moreno"."""
    cues = ctx.cues
    start, end = title
    if tokens[-1].folded in cues.org_heads and end < len(tokens) and tokens[end].folded != "of":
        return [_make("org", tokens, ctx)]  # "General Assembly", "Presidential Guard"
    out = [c for c in _untitled(tokens[:start], ctx) if c.kind in ("org", "place")]
    rest = tokens[end:]
    surface = tokens[start].start
    if rest and rest[0].folded == "of":
        rest = rest[1:]
        if rest and rest[0].folded == "the":
            rest = rest[1:]
        org_end = _org_end(rest, cues)
        if org_end:
            out.append(_make("org", rest[:org_end], ctx))
        rest, surface = rest[org_end:], None
        if not org_end:
            return out  # "Head of State": no organisation and no name to separate
    rest = [t for t in rest if (t.folded,) not in cues.titles] if len(rest) > 1 else rest
    if rest and not any(t.folded in cues.demonyms or t.all_caps for t in rest) and len(rest) <= 4:
        out.append(_make("person", rest, ctx, surface, titled=True))
    return out


# Spanish, French and Italian articles open place names ("La Carlota", "Los Roques"), not
# people's; "El" and "Al" are left out ("Tareck El Aissami").
_ARTICLES = {"La", "Las", "Los", "Le", "Les", "Il", "Lo"}


def _untitled(tokens: list[Token], ctx: GapContext) -> list[Candidate]:
    cues = ctx.cues
    tokens = _strip(tokens, ctx)
    if not tokens:
        return []
    first, last = tokens[0].folded, tokens[-1].folded
    if first in cues.non_actor_heads or last in cues.non_actor_heads:
        return []
    if _is_org(tokens, cues) or (len(tokens) > 1 and first in cues.org_starts
                                 and tokens[1].folded == "of"):
        return [_make("org", tokens, ctx)]
    if len(tokens) > 1 and (last in cues.place_heads or first in cues.place_heads or (
            (first in cues.directions or last in cues.directions or tokens[0].text in _ARTICLES)
            and last not in cues.demonyms)):
        return [_make("place", tokens, ctx)]  # "Lake Victoria", "Western Cape", "La Carlota"
    out, run = [], []
    for tok in tokens + [None]:  # demonyms split: "Latin American" leaves no name
        if tok is None or tok.folded in cues.demonyms or tok.folded in cues.common_words:
            out += _name_run(run, ctx)
            run = []
        else:
            run.append(tok)
    return out


def _name_run(run: list[Token], ctx: GapContext) -> list[Candidate]:
    cues = ctx.cues
    run = _strip(run, ctx)
    if not run:
        return []
    if len(run) == 1:
        tok = run[0]
        if tok.all_caps and 2 <= len(tok.text.replace(".", "")) <= 6:
            return [_make("org", run, ctx)]
        return [_make("maybe", run, ctx)]
    if any(t.all_caps for t in run):
        return []
    names = [t for t in run if not is_connector(t, cues)]
    return [_make("person", run, ctx)] if 2 <= len(names) <= 4 else []


# Lower-case words around an unknown capitalised word that say what it names.
_PLACE_BEFORE = re.compile(
    r"\b(?:province|state|city|town|village|region|district|county|department|island|port|"
    r"municipality|capital) of (?:the )?$")
_PLACE_AFTER = re.compile(
    r"^ (?:stadium|airport|square|street|avenue|road|district|province|county|region|valley|"
    r"river|lake|island|islands|park|palace|prison|bridge|neighbourhood|neighborhood|suburb|"
    r"slum|township|municipality|air base|airbase|naval base)\b")
_APPOSITIVE = re.compile(
    # The words between the article and the noun are its modifiers: a preposition ends them
    # ("Amina Wario, a herder near Marsabit town" is not a town).
    r"^,? (?:a|an|the|[A-Z][\w.-]*['’]s) "
    r"(?:(?!(?:of|near|in|at|from|on|for|with|by|outside|inside|to)\b)[\w-]+ ){0,3}?(?P<noun>firm|company|bank|think-tank|"
    r"think tank|agency|pollster|party|newspaper|broadcaster|charity|organisation|organization|"
    r"institute|consultancy|lender|carrier|airline|insurer|producer|conglomerate|militia|"
    r"network|parliament|legislature|assembly|court|council|ministry|union|movement|coalition|"
    r"alliance|regulator|watchdog|"
    r"city|town|village|province|state|region|district|port|island|suburb|neighbourhood|"
    r"archipelago|country|territory|enclave|republic)"
    # the noun must end the appositive: not "a former party official", not "the party's leader"
    r"(?=[,.;:)]| (?:in|of|on|that|which|whose|based|founded|run|owned|headed|led|with|for)\b)")
# "Economic Freedom Fighters (EFF)": a name that is given an acronym is an organisation's.
_ACRONYM_AFTER = re.compile(r"^ \((?P<acronym>[A-Z][A-Z&.-]{1,7})\)")
_ORG_NOUNS = {"firm", "company", "bank", "think-tank", "think tank", "agency", "pollster",
              "party", "newspaper", "broadcaster", "charity", "organisation", "organization",
              "institute", "consultancy", "lender", "carrier", "airline", "insurer", "producer",
              "conglomerate", "militia", "network", "parliament", "legislature", "assembly",
              "court", "council", "ministry", "union", "movement", "coalition", "alliance",
              "regulator", "watchdog"}
_PLACE_NOUNS = {"city", "town", "village", "province", "state", "region", "district", "port",
                "island", "suburb", "neighbourhood", "archipelago", "country", "territory",
                "enclave", "republic"}


def retype_by_context(cand: Candidate, text: str) -> Candidate:
    """Type a candidate by its neighbours: "province of Jujuy", "Datanalisis, a polling firm",
    "Verkhovna Rada, Ukraine's parliament", "Economic Freedom Fighters (EFF)"."""
    after = text[cand.end:]
    if cand.kind == "person" and not cand.titled:
        match = _APPOSITIVE.match(after)
        if match:
            return replace(cand, kind="place" if match.group("noun") in _PLACE_NOUNS else "org")
        return replace(cand, kind="org") if _ACRONYM_AFTER.match(after) else cand
    if cand.kind != "maybe":
        return cand
    if _PLACE_BEFORE.search(text[:cand.start]) or _PLACE_AFTER.match(after):
        return replace(cand, kind="place")
    match = _APPOSITIVE.match(after)
    if match:
        return replace(cand, kind="place" if match.group("noun") in _PLACE_NOUNS else "org")
    return cand


def find_candidates(tokens: list[Token], text: str, gazetteer: Gazetteer, doc_text: str,
                    lower_words: frozenset[str]) -> list[Candidate]:
    """Return the typed candidates of one paragraph, in text order."""
    cues = gazetteer.cues
    ctx = GapContext(cues, lower_words, text)
    out: list[Candidate] = []
    for seq in capitalised_sequences(tokens, cues):
        previous_gap: list[Token] = []
        for kind, toks, entry in segment(seq, gazetteer, doc_text):
            if kind == "gap":
                out += [retype_by_context(c, text) for c in classify_gap(toks, ctx)]
                previous_gap = toks
                continue
            honorific = bool(previous_gap) and previous_gap[-1].folded.rstrip(".") in cues.honorifics
            if _is_sentence_word(toks, entry, lower_words):
                continue
            key = tuple(t.folded for t in toks)
            start, end = toks[0].start, toks[-1].end
            surface = previous_gap[-1].start if honorific else start
            if honorific and entry.type != "person":
                # "Mr Washington" is a man, whatever the gazetteer says.
                out.append(Candidate(start, end, surface, "person", text[start:end], key, None, True))
            else:
                out.append(Candidate(start, end, surface, entry.type, text[start:end], key, entry,
                                     honorific))
            previous_gap = []
    return out


def _is_sentence_word(toks: list[Token], entry: Entry, lower_words: frozenset[str]) -> bool:
    """A one-word place that opens a sentence and is written in lower case elsewhere is a word."""
    return (len(toks) == 1 and toks[0].initial and entry.source.startswith("gazetteer")
            and toks[0].folded in lower_words)
