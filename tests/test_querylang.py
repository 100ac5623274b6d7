"""The query language as people type it: each typed query and the tree it is read as.

The tree (search/querylang/nodes.py) belongs to no engine; tests/test_query.py checks what the
embedded engine compiles it to, and the end of this file what the API then finds on the seed
corpus. Words stay as typed in the tree (each engine analyses them), but stop words are gone.
"""
from __future__ import annotations

import pytest

from conftest import readme_query_rows, search
from search.querylang.nodes import (And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, Prefix, Term, Wildcard,
                                    YearRange)
from search.querylang.parser import MAX_DEPTH, parse_query


def T(text, field=None):
    return Term(text, field)


def P(*words, field=None, slop=0):
    return Phrase(tuple(words), field, slop)


def Any(*children):
    return Or(tuple(children))


def All(*children):
    return And(tuple(children))


def compound(*parts):
    """How a hyphenated word is read: its parts as words, and the compound itself (the parts in
    sequence, or joined) adding its score."""
    return (P(*parts), T("".join(parts)), *(T(part) for part in parts))


def tree(text):
    parsed = parse_query(text)
    assert parsed.notice is None, (text, parsed.notice)
    return parsed.tree


@pytest.mark.parametrize("text, expected", [
    # bare words: OR-ed (each adds to the score); stop words dropped as the analysis drops them
    ("sanctions oil", Any(T("sanctions"), T("oil"))),
    ("why did the uprising fail", Any(T("uprising"), T("fail"))),
    ("maduro and guaido", Any(T("maduro"), T("guaido"))),   # lower-case "and" is a stop word
    ("a b c", Any(T("b"), T("c"))),                          # one letter: names keep it
    # phrases; "~N": N positions apart at most (Whoosh's and Lucene's), so N-1 words between
    ('"National Assembly"', P("National", "Assembly")),
    ('"National Assembly"~2', P("National", "Assembly", slop=1)),
    ('"Maduro"', T("Maduro")),
    ('"Bank of England"', P("Bank", "of", "England")),       # kept: the engine counts its position
    ('"" drought', T("drought")),
    # boolean logic
    ("Maduro AND Guaidó", All(T("Maduro"), T("Guaidó"))),
    ("Maduro OR Chávez", Any(T("Maduro"), T("Chávez"))),
    ("Maduro NOT Guaidó", All(T("Maduro"), Not(T("Guaidó")))),   # binary NOT: but not
    ("Maduro AND NOT Guaidó", All(T("Maduro"), Not(T("Guaidó")))),
    ("Maduro -Guaidó", All(T("Maduro"), Not(T("Guaidó")))),
    ("Maduro oil -Guaidó", All(Any(T("Maduro"), T("oil")), Not(T("Guaidó")))),
    ("NOT Maduro Guaidó", All(T("Guaidó"), Not(T("Maduro")))),   # a NOT clause subtracts, as -
    ("Maduro OR Guaidó AND Chávez", Any(T("Maduro"), All(T("Guaidó"), T("Chávez")))),
    ("Maduro Guaidó AND Chávez", Any(T("Maduro"), All(T("Guaidó"), T("Chávez")))),
    ("(military OR army) AND NOT coup", All(Any(T("military"), T("army")), Not(T("coup")))),
    ("Maduro (oil OR gas)", Any(T("Maduro"), T("oil"), T("gas"))),
    ("Maduro OR NOT oil", Any(T("Maduro"), Not(T("oil")))),
    ("the AND Maduro", T("Maduro")),                          # a stop word operand vanishes
    ("+Guaidó Maduro", All(T("Guaidó"), T("Maduro"))),         # + requires; the rest narrows
    # only exclusions: every other paragraph
    ("-Maduro", Not(T("Maduro"))),
    ("-food -drought", Not(Any(T("food"), T("drought")))),
    ('-"National Assembly"', Not(P("National", "Assembly"))),
    ("NOT Maduro", Not(T("Maduro"))),
    ("--Maduro", Not(T("Maduro"))),                           # one NOT, not two
    # a dash standing alone is punctuation
    ("Maduro - Guaidó", Any(T("Maduro"), T("Guaidó"))),
    ("- Maduro", T("Maduro")),
    ("Maduro -", T("Maduro")),
    # fields; an unknown "name:" is a word; a field clause narrows the other words unless the
    # query spells out its own logic
    ("actor:lopez", T("lopez", "actor")),
    ("place:caracas", T("caracas", "place")),
    ("title:coup", T("coup", "title")),
    ("TITLE:coup", T("coup", "title")),
    ("publication:economist", T("economist", "publication")),
    ("kind:pullquote", T("pullquote", "kind")),
    ("text:oil", T("oil", "text")),
    ('actor:"Leopoldo López"', P("Leopoldo", "López", field="actor")),
    ("actor:(lopez OR maduro)", Any(T("lopez", "actor"), T("maduro", "actor"))),
    ("actor:Lop*", Prefix("Lop", "actor")),
    ("ratio:three", Any(T("ratio"), T("three"))),
    ("http://example.com", Any(T("http"), T("example.com"))),
    ("title:", T("title")),
    ("actor:lopez prison", All(T("lopez", "actor"), T("prison"))),
    ("publication:economist Maduro oil", All(T("economist", "publication"), Any(T("Maduro"), T("oil")))),
    ("actor:lopez OR prison", Any(T("lopez", "actor"), T("prison"))),
    ("(actor:lopez) prison", Any(T("lopez", "actor"), T("prison"))),
    ("actor:lopez place:caracas", All(T("lopez", "actor"), T("caracas", "place"))),
    ("-actor:lopez prison", All(T("prison"), Not(T("lopez", "actor")))),
    # years, and ranges open at either end
    ("year:2019", YearRange(2019, 2019)),
    ("year:2016..2019", YearRange(2016, 2019)),
    ("year:..2015", YearRange(None, 2015)),
    ("year:2020..", YearRange(2020, None)),
    ("year:2016-2019", YearRange(2016, 2019)),
    ("year:[2016 TO 2019]", YearRange(2016, 2019)),
    ("year:[* TO 2016]", YearRange(None, 2016)),
    ("year:[2017 TO *]", YearRange(2017, None)),
    ("year:[TO 2016]", YearRange(None, 2016)),
    ("year:{2016 TO 2019}", YearRange(2017, 2018)),           # braces leave the ends out
    ("[2016 TO 2019]", YearRange(2016, 2019)),                # a range of years is the year's
    ("year:\"2019\"", YearRange(2019, 2019)),
    ("year:2019.", YearRange(2019, 2019)),                    # a full stop ends the sentence
    ("year:2016..2019 Padrino", All(YearRange(2016, 2019), T("Padrino"))),
    ("Padrino year:2016..2019", All(YearRange(2016, 2019), T("Padrino"))),
    ("year:2019 year:2020", All(YearRange(2019, 2019), YearRange(2020, 2020))),
    ("year:2019 OR year:2020", Any(YearRange(2019, 2019), YearRange(2020, 2020))),
    ("[2016 TO 2019] Padrino", All(YearRange(2016, 2019), T("Padrino"))),
    ("year:2019 Maduro -oil", All(YearRange(2019, 2019), T("Maduro"), Not(T("oil")))),
    ("Maduro 2021", Any(T("Maduro"), T("2021"))),             # a bare year is a word (and a bonus)
    # prefixes, wildcards, fuzzy words
    ("sanc*", Prefix("sanc")),
    ("sanc**", Prefix("sanc")),
    ("s*tions", Wildcard("s*tions")),
    ("*tions", Wildcard("*tions")),
    ("sanctio?s", Wildcard("sanctio?s")),                     # ? inside a word: one letter
    ("Guiado~", Fuzzy("Guiado", distance=2)),
    ("Guiado~1", Fuzzy("Guiado", distance=1)),
    ("Guiado~3", Fuzzy("Guiado", distance=2)),                # more than two edits finds noise
    ("drought~~~", Fuzzy("drought", distance=2)),
    ("actor:Lopes~", Fuzzy("Lopes", "actor", 2)),
    ("*", MatchAll()),
    ("***", MatchAll()),
    ("actor:* Maduro", T("Maduro")),
    # boosts
    ("Maduro^2", Boost(T("Maduro"), 2.0)),
    ("Maduro^2 Guaidó", Any(Boost(T("Maduro"), 2.0), T("Guaidó"))),
    ('"National Assembly"^3', Boost(P("National", "Assembly"), 3.0)),
    ("(Maduro Guaidó)^2", Boost(Any(T("Maduro"), T("Guaidó")), 2.0)),
    ("year:[2016 TO 2019]^2", Boost(YearRange(2016, 2019), 2.0)),
    ("Maduro^", T("Maduro")),                                 # a caret with no number
    ("^^drought", T("drought")),
    # questions: a ?, !, ., ; or , ending a word is punctuation
    ("Guaidó?", T("Guaidó")),
    ("who is Guaidó?", T("Guaidó")),
    ("Guaidó ?", T("Guaidó")),
    ("(Guaidó?)", T("Guaidó")),
    ("Guaidó? Maduro?", Any(T("Guaidó"), T("Maduro"))),
    ("Maduro, Guaidó; oil!", Any(T("Maduro"), T("Guaidó"), T("oil"))),
    ("Maduro.", T("Maduro")),
    ("U.S.", T("U.S.")),
    ("sanc*?", Prefix("sanc")),
    ("¿Guaidó?", T("Guaidó")),
    # hyphens inside words join (issue 15): the parts as words, the compound ranking first
    ("Padrino-López", Any(*compound("Padrino", "López"))),
    ("pro-government", Any(*compound("pro", "government"))),
    ("anti-Maduro", Any(*compound("anti", "Maduro"))),
    ("ex-president", Any(*compound("ex", "president"))),
    ("U.S.-backed", Any(P("U.S.", "backed"), T("U.S.backed"), T("U.S."), T("backed"))),
    ("COVID-19", Any(*compound("COVID", "19"))),
    ("Padrino‑López", Any(*compound("Padrino", "López"))),   # a non-breaking hyphen
    ("commander-in-chief", Any(P("commander", "in", "chief"), T("commanderinchief"),
                               T("commander"), T("chief"))),   # "in": a stop word, not a part
    ("Padrino-López oil", Any(*compound("Padrino", "López"), T("oil"))),
    ("pro- and anti-Maduro", Any(T("pro"), *compound("anti", "Maduro"))),   # a suspended hyphen
    ("anti-Madur*", Any(T("anti"), Prefix("Madur"))),         # no phrase of a pattern
    # ... inside parentheses
    ("(Padrino-López)", Any(*compound("Padrino", "López"))),
    ("(Padrino-López OR Maduro)", Any(*compound("Padrino", "López"), T("Maduro"))),
    ("(pro-government)", Any(*compound("pro", "government"))),
    ("(anti-Maduro OR ex-president)", Any(*compound("anti", "Maduro"), *compound("ex", "president"))),
    ("(U.S.-backed)", Any(P("U.S.", "backed"), T("U.S.backed"), T("U.S."), T("backed"))),
    ("Maduro AND (pro-government OR U.S.-backed)",
     All(T("Maduro"), Any(*compound("pro", "government"),
                           P("U.S.", "backed"), T("U.S.backed"), T("U.S."), T("backed")))),
    ("(-Padrino-López) Maduro", All(T("Maduro"), Not(Any(P("Padrino", "López"), T("PadrinoLópez"))))),
    # ... excluded or in a field: only the compound itself, never every López
    ("Maduro -Padrino-López", All(T("Maduro"), Not(Any(P("Padrino", "López"), T("PadrinoLópez"))))),
    ("Maduro NOT Padrino-López", All(T("Maduro"), Not(Any(P("Padrino", "López"), T("PadrinoLópez"))))),
    ("actor:Padrino-López", Any(P("Padrino", "López", field="actor"), T("PadrinoLópez", "actor"))),
    ('"pro-government rally"', P("pro", "government", "rally")),
    ('"Padrino-López"', P("Padrino", "López")),
    # quotes inside words are letters of the word; quotes around it are punctuation
    ("O'Brien", T("O'Brien")),
    ("Venezuela’s", T("Venezuela’s")),
    ("Venezuela's oil", Any(T("Venezuela's"), T("oil"))),
    ("(O'Brien OR Venezuela’s)", Any(T("O'Brien"), T("Venezuela’s"))),
    ("Venezuelans’", T("Venezuelans")),
    ('"Maduro\'s government"', P("Maduro's", "government")),
    ("'single quoted'", Any(T("single"), T("quoted"))),
    ("Guaidó’s-backers", Any(*compound("Guaidó’s", "backers"))),
])
def test_typed_query_is_read_as(text, expected):
    assert tree(text) == expected


def test_empty_query_matches_everything():
    for text in ("", "   "):
        parsed = parse_query(text)
        assert parsed.tree == MatchAll() and parsed.matches_everything and parsed.notice is None


@pytest.mark.parametrize("text, problem, expected", [
    ('"unclosed phrase', "a quotation mark is not closed", Any(T("unclosed"), T("phrase"))),
    ("(drought", "a parenthesis is not closed", T("drought")),
    ("(Padrino-López", "a parenthesis is not closed", T("Padrino-López")),
    ("drought)", "a parenthesis is closed before it is opened", T("drought")),
    ("drought AND", "an operator has nothing on one side", T("drought")),
    ("OR drought", "an operator has nothing on one side", T("drought")),
    ("drought NOT", "an operator has nothing on one side", T("drought")),
    ("drought AND OR food", "an operator has nothing on one side", Any(T("drought"), T("food"))),
    ("(AND drought)", "an operator has nothing on one side", T("drought")),
    ("year:abc drought", "is not a year", Any(T("abc"), T("drought"))),
    ("year:2019* drought", "is not a year", Any(T("2019"), T("drought"))),
    ("(" * (MAX_DEPTH + 1) + "drought" + ")" * (MAX_DEPTH + 1), "nested too deeply", T("drought")),
])
def test_malformed_text_is_searched_as_plain_words_with_a_notice(text, problem, expected):
    parsed = parse_query(text)
    assert parsed.notice.startswith("The query was searched as plain words: ") and problem in parsed.notice
    assert parsed.tree == expected
    assert parsed.text == " ".join(parsed.words)   # did-you-mean rewrites what was searched


@pytest.mark.parametrize("text", ["the", '"the"', "the of and", "a", '"( )"', "((()))", "AND", "(", '"',
                                  "?", "what?", "-the", "^", "~"])
def test_nothing_to_search_has_no_tree_and_says_so(text):
    parsed = parse_query(text)
    assert parsed.tree is None
    assert parsed.notice.startswith("The query has no words to search")


@pytest.mark.parametrize("text, words", [
    ("who is Guaidó?", ("who", "is", "Guaidó")),              # stop words too: they are typed
    ("Padrino-Lopz", ("Padrino", "Lopz")),                    # each part can be corrected
    ("actor:lopez year:2019 sanc* Guiado~", ("lopez", "sanc", "Guiado")),
    ('"National Assembly" -coup', ("National", "Assembly", "coup")),
])
def test_words_are_the_typed_words_did_you_mean_may_correct(text, words):
    assert parse_query(text).words == words


@pytest.mark.parametrize("text, years", [
    ("Economist Maduro 2021", (2021,)),
    ("elections 2024 2024", (2024,)),
    ('"elections 2024"', (2024,)),
    ("year:2019 2021", (2021,)),              # the field's value is a filter, not a bonus
    ("year:2016..2019 Padrino", ()),
    ("Maduro -2021", ()),                     # an excluded year is not preferred
    ("Maduro 1848", ()),                      # not a year of this archive's range of bonuses
    ("2019-2020", ()),
])
def test_bare_years_add_a_ranking_bonus(text, years):
    assert parse_query(text).bare_years == years


@pytest.mark.parametrize("text, proximity", [
    ("sanctions relief oil", ("sanctions", "relief", "oil")),
    ("why did the uprising fail", ("uprising", "fail")),
    ("Padrino-López", ("Padrino", "López")),
    ("who is Guaidó? Maduro!", ("Guaidó", "Maduro")),
    ("ratio:three", ("ratio", "three")),      # not a field: two words
    ("Guaidó", None),                         # one word
    ("one two three four five six seven", None),   # a pasted sentence is not a phrase
    ("sanctions AND oil", None),              # the query spells out its logic
    ('"sanctions relief"', None),
    ("sanctions -oil", None),
    ("sanc* oil", None),
    ("actor:lopez prison", None),
])
def test_proximity_holds_the_bare_words_of_a_query_of_only_bare_words(text, proximity):
    assert parse_query(text).proximity == proximity


def test_parsing_is_deterministic_and_text_is_kept():
    text = "Padrino-López year:2016..2019 -coup"
    assert parse_query(text) == parse_query(text)
    assert parse_query(f"  {text} ").text == text


# --- What the API finds with them, on the seed corpus (seeds/) --------------------------------

def ids(client, q, **params) -> list[str]:
    result = search(client, q=q, per_page=100, **params)
    assert result["notice"] is None, (q, result["notice"])
    assert result["total"] == len(result["hits"])
    return [hit["id"] for hit in result["hits"]]


def test_a_hyphenated_name_finds_what_the_name_finds_and_the_name_itself_first(seed_client):
    joined, apart, phrase = (ids(seed_client, q) for q in ("Padrino-López", "Padrino López", '"Padrino López"'))
    assert joined and set(joined) == set(apart)
    assert len(phrase) < len(joined) and set(joined[:len(phrase)]) == set(phrase)


@pytest.mark.parametrize("q", ["Guaidó?", "who is Guaidó?", "Guaidó!", "Guaidó ?", "(Guaidó?)"])
def test_a_question_mark_ending_a_word_is_punctuation(seed_client, q):
    assert ids(seed_client, q) == ids(seed_client, "Guaidó") != []


@pytest.mark.parametrize("q", ["pro-government", "anti-Maduro", "(pro-government OR anti-Maduro)"])
def test_prefixed_words_find_something(seed_client, q):
    result = search(seed_client, q=q)
    assert result["total"] > 0 and result["notice"] is None
    assert all("<mark>" in hit["highlight"] for hit in result["hits"])


def test_an_abbreviation_before_a_hyphen_excludes_nothing(seed_client):
    # "U.S.-backed" once searched "US" and excluded every paragraph saying "backed"
    hits = search(seed_client, q="U.S.-backed", per_page=100)["hits"]
    assert any("is backed" in hit["text"] for hit in hits)
    assert set(ids(seed_client, "U.S. backed")) == {hit["id"] for hit in hits}


def test_a_compound_of_the_corpus_ranks_first(seed_client):
    for q in ("ex-official", "commander-in-chief", "(commander-in-chief)"):
        top = search(seed_client, q=q)["hits"][0]
        assert q.strip("()") in top["text"], q


def test_excluding_a_hyphenated_name_excludes_only_that_name(seed_client):
    everything = search(seed_client, q="")["total"]
    named = ids(seed_client, '"Padrino López"')
    without = ids(seed_client, "-Padrino-López")
    assert len(without) == everything - len(named)
    assert not set(without) & set(named)
    assert set(ids(seed_client, "López -Padrino-López")) == set(ids(seed_client, "López")) - set(named)


@pytest.mark.parametrize("q", ["Venezuela's", "Venezuela’s", "(Venezuela’s)"])
def test_an_apostrophe_inside_a_word_is_part_of_it(seed_client, q):
    assert ids(seed_client, q) == ids(seed_client, "Venezuela") != []


def test_every_example_in_the_readme_table_is_read_as_the_language():
    """What README (and /help, tests/test_pages.py) shows as syntax parses without the notice
    that says a query was searched as plain words."""
    examples = [example for syntax, _ in readme_query_rows() for example in syntax]
    assert "[2016 TO 2019]" in examples and "Guiado~1" in examples
    for example in examples:
        assert parse_query(example).notice is None, example
