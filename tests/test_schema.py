"""schema.FoldedWords gives exactly the tokens of the Whoosh filter chain it replaces."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st
from whoosh.analysis import (CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter,
                             SubstitutionFilter)
from whoosh.support.charset import accent_map

from conftest import REAL_SEEDS
from search.analysis import stem
from search.engines.whoosh.schema import STOPWORDS, exact_analyzer, name_analyzer, text_analyzer

TOKEN_PATTERN = r"\w+(\.?\w+)*"


def reference(minsize: int, stemmed: bool):
    chain = (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | SubstitutionFilter(r"\.", "")
             | CharsetFilter(accent_map) | StopFilter(STOPWORDS, minsize=minsize))
    return chain | StemFilter(stemfn=stem) if stemmed else chain


ANALYZERS = [(text_analyzer, reference(2, True)), (exact_analyzer, reference(2, False)),
             (name_analyzer, reference(1, False))]
OPTIONS = [dict(positions=True, chars=True), dict(positions=True, chars=True, removestops=False),
           dict(positions=True, start_pos=5, start_char=7, mode="query"),
           dict(tokenize=False, positions=True, chars=True), dict(keeporiginal=True)]


def tokens(analyzer, text: str, options: dict) -> list[tuple]:
    return [(t.text, getattr(t, "pos", None), getattr(t, "startchar", None),
             getattr(t, "endchar", None), t.stopped, getattr(t, "original", None))
            for t in analyzer(text, **options)]


def assert_same(text: str) -> None:
    for ours, theirs in ANALYZERS:
        for options in OPTIONS:
            # twice: the second call reuses the first one's words
            assert tokens(ours(), text, options) == tokens(theirs, text, options), (text, options)
            assert tokens(ours(), text, options) == tokens(theirs, text, options), (text, options)


def test_same_tokens_on_the_seed_articles():
    for path in sorted(REAL_SEEDS.glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            assert_same(paragraph)


@pytest.mark.parametrize("text", ["", "The U.S. and the E.U.", "Guaidó’s  Padrino-López a I of",
                                  "ŒUVRE straße ﬁnance 1.5 3.000 x_y _", "the the the army"])
def test_same_tokens_on_edge_cases(text):
    assert_same(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAéÉíñöß. '’-_1 \nthe of ofUS.ﬁ")), max_size=40))
def test_same_tokens_on_any_text(text):
    assert_same(text)
