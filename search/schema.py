"""THE Whoosh schema of a paragraph index, and its analyzers. No field is defined anywhere else.

Parts: ``SCHEMA_VERSION`` (bump when a field or analyzer changes, so old indexes are rebuilt),
the analyzers (``text_analyzer`` folds accents then stems; ``exact_analyzer`` folds without
stemming; ``name_analyzer`` for actor/place/publication words), ``build_schema``, and
``QUERY_FIELDS``: which fields bare query words search, with their BM25F boosts.
"""
from __future__ import annotations

from importlib import resources

from whoosh import fields
from whoosh.analysis import (Analyzer, CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter,
                             StopFilter, SubstitutionFilter)
from whoosh.support.charset import accent_map

SCHEMA_VERSION = 3

def _read_stopwords() -> frozenset[str]:
    lines = resources.files("search").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in lines.splitlines()
                     if line.strip() and not line.startswith("#"))


STOPWORDS = _read_stopwords()

# Words split at apostrophes and hyphens ("Venezuela’s" indexes "venezuela"); inner dots are
# kept and then dropped by _fold, so "U.S." and "US" index the same word.
_TOKEN_PATTERN = r"\w+(\.?\w+)*"


def _fold() -> Analyzer:
    return LowercaseFilter() | SubstitutionFilter(r"\.", "") | CharsetFilter(accent_map)


def text_analyzer() -> Analyzer:
    """Fold accents, then stem: Guaidó → guaido, sanctions → sanction.

    Folding comes before stemming because the Porter stemmer does not know accented letters.
    """
    return (RegexTokenizer(_TOKEN_PATTERN) | _fold()
            | StopFilter(STOPWORDS) | StemFilter())


def exact_analyzer() -> Analyzer:
    """Fold accents but keep the word's form, so exact matches can outrank stemmed ones."""
    return (RegexTokenizer(_TOKEN_PATTERN) | _fold()
            | StopFilter(STOPWORDS))


def name_analyzer() -> Analyzer:
    """Words of a name, folded: ``actor:lopez`` finds López; no stemming."""
    return (RegexTokenizer(_TOKEN_PATTERN) | _fold()
            | StopFilter(STOPWORDS, minsize=1))


def build_schema() -> fields.Schema:
    """Return the schema: one Whoosh document per paragraph."""
    text = text_analyzer()
    names = name_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        doc_id=fields.ID(stored=True),
        position=fields.NUMERIC(stored=True),
        kind=fields.ID(stored=True),
        section=fields.STORED(),
        title=fields.TEXT(analyzer=text, stored=True),
        text=fields.TEXT(analyzer=text, stored=True, phrase=True),
        text_exact=fields.TEXT(analyzer=exact_analyzer(), phrase=True),
        publication=fields.TEXT(analyzer=names, stored=True, phrase=True),
        date=fields.ID(stored=True),
        year=fields.NUMERIC(stored=True),
        actor=fields.TEXT(analyzer=names, phrase=True),
        place=fields.TEXT(analyzer=names, phrase=True),
        # [[name, type], …] of people and organisations, and [name, …] of places, for display
        # and for the facet columns (facets count canonical names, not analysed words).
        actors=fields.STORED(),
        places=fields.STORED(),
        # [[start, end, name, type], …]: where each actor is named, so a match through the actor
        # fields ("drought" → "the NDMA") can be highlighted in the text.
        mentions=fields.STORED(),
    )


# Fields searched by bare words, with BM25F boosts. A word that names an actor the paragraph
# mentions (also by surname: "Lopez" for "Mr López") is worth more than the same word in
# passing; the exact (unstemmed) form adds to the stemmed match, so "sanctions" ranks
# paragraphs saying "sanctions" above those saying "sanction".
QUERY_FIELDS = {"text": 1.0, "text_exact": 0.5, "actor": 1.2, "place": 0.6}
# The article's title only adds to the score of a paragraph that matches by its own words: a
# paragraph is never returned for a word that appears nowhere in it (nothing to highlight).
TITLE_BOOST = 0.6

# Fields a user may name in a query (``field:value``), mapped to the index field.
USER_FIELDS = {"text": "text", "title": "title", "publication": "publication", "actor": "actor",
               "place": "place", "year": "year", "kind": "kind"}
