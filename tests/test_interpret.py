"""Queries that name metadata: which words read as a publication, a year, an actor or a place
(search/interpret.py), and how a reading ranks, shows in the response and prints in the CLI."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REAL_SEEDS, ROOT, search
from search.interpret import build_names, interpret, short_forms

ACTORS = [
    {"name": "Nicolás Maduro", "type": "person", "aliases": ["Maduro", "Mr Maduro", "President Maduro"]},
    {"name": "Vladimir Padrino López", "type": "person", "aliases": ["Padrino", "Padrino López"]},
    {"name": "National Guard", "type": "org", "aliases": ["National Guard", "GNB"]},
    {"name": "National Assembly", "type": "org", "aliases": ["National Assembly"]},
    {"name": "International Monetary Fund", "type": "org", "aliases": ["IMF"]},
    {"name": "Supreme Tribunal of Justice", "type": "org", "aliases": ["TSJ", "Supreme Court"]},
    {"name": "United States", "type": "place", "aliases": ["US", "U.S.", "America"]},
    {"name": "Latin America", "type": "place", "aliases": []},
]
NAMES = build_names(
    publications=["The Economist", "International Crisis Group", "Stabroek News", "Hot Air"],
    years=[2016, 2019, 2021, 2022], actors=ACTORS, places=["Caracas", "La Carlota"])


def read(query: str) -> list[tuple[str, str, object]]:
    return [(r["words"], r["facet"], r["value"]) for r in interpret(query, NAMES)]


@pytest.mark.parametrize(("query", "expected"), [
    # publications, by their names and their short forms
    ("Economist Maduro 2021", [("Economist", "publication", "The Economist"),
                               ("Maduro", "actor", "Nicolás Maduro"), ("2021", "year", 2021)]),
    ("Crisis Group sanctions 2022", [("Crisis Group", "publication", "International Crisis Group"),
                                     ("2022", "year", 2022)]),
    ("the economist", [("the economist", "publication", "The Economist")]),
    ("economist", [("economist", "publication", "The Economist")]),
    ("stabroek news", [("stabroek news", "publication", "Stabroek News")]),
    ("Hot Air coup", [("Hot Air", "publication", "Hot Air")]),
    # years: only the index's
    ("Padrino 2016", [("Padrino", "actor", "Vladimir Padrino López"), ("2016", "year", 2016)]),
    ("Maduro 2030", [("Maduro", "actor", "Nicolás Maduro")]),
    # actors: canonical names and aliases; the longest run wins
    ("Padrino López", [("Padrino López", "actor", "Vladimir Padrino López")]),
    ("President Maduro spoke", [("President Maduro", "actor", "Nicolás Maduro")]),
    ("TSJ ruling", [("TSJ", "actor", "Supreme Tribunal of Justice")]),
    ("National Guard officers", [("National Guard", "actor", "National Guard")]),
    # places, also through aliases, and folded
    ("US sanctions", [("US", "place", "United States")]),
    ("oil in la carlota", [("la carlota", "place", "La Carlota")]),
    ("Latin America", [("Latin America", "place", "Latin America")]),
])
def test_each_facet_kind_is_read(query, expected):
    assert read(query) == expected


@pytest.mark.parametrize("query", [
    "Guard",                  # a word of "National Guard", not a name on its own
    "Assembly", "National",   # words of several names
    "crisis",                 # a word of International Crisis Group
    "news", "air",            # words of Stabroek News, Hot Air
    "sanctions against us",   # "us" is not the US
    "year:2019",              # a field clause is the user's own filter
    "-Maduro",                # an excluded word is not a reading
    "Guaidó NOT Maduro",
    "",
])
def test_ordinary_words_are_not_read(query):
    assert read(query) == []


def test_short_forms_drop_leading_words_that_do_not_tell_a_publication_apart():
    assert short_forms("The Economist") == ["The Economist", "Economist"]
    # "International" also begins another name: it does not tell this one apart
    assert short_forms("International Crisis Group", {"international"}) == [
        "International Crisis Group", "Crisis Group"]
    assert short_forms("International Crisis Group") == ["International Crisis Group"]
    assert short_forms("Hot Air") == ["Hot Air"]


def test_a_run_naming_two_values_of_one_facet_names_neither():
    names = build_names(actors=[{"name": "Leopoldo López", "type": "person", "aliases": ["López"]},
                                {"name": "Vladimir Padrino López", "type": "person", "aliases": ["López"]}])
    assert interpret("López", names) == []


# ---------------------------------------------------------------- through the engine (seeds)

def test_the_response_says_how_the_query_was_read(seed_client):
    result = search(seed_client, q="Economist Maduro 2021")
    assert result["interpretation"] == [
        {"words": "Economist", "facet": "publication", "value": "The Economist"},
        {"words": "Maduro", "facet": "actor", "value": "Nicolás Maduro"},
        {"words": "2021", "facet": "year", "value": 2021}]


def test_a_reading_ranks_but_never_filters(seed_client):
    plain = search(seed_client, q="sanctions", per_page=10)
    read = search(seed_client, q="Crisis Group sanctions", per_page=10)
    # the publication lifts its paragraphs to the top…
    def crisis_group(result):
        return sum(h["publication"] == "International Crisis Group" for h in result["hits"][:5])
    assert read["hits"][0]["publication"] == "International Crisis Group"
    assert crisis_group(read) > crisis_group(plain)
    # …and every other publication's paragraphs about sanctions still match
    publications = {v["value"] for v in read["facets"]["publication"]}
    assert {"The Economist", "International Crisis Group"} <= publications


def test_an_ordinary_word_lifts_no_publication(seed_client):
    # "crisis" is a word of International Crisis Group's name, not a reading: no lift
    result = search(seed_client, q="economic crisis", per_page=5)
    assert result["interpretation"] == []
    alone = search(seed_client, q="economic", per_page=5)
    assert [h["id"] for h in result["hits"]][:1] != [] and alone["total"] <= result["total"]


def test_an_alias_lifts_the_paragraphs_naming_its_actor(seed_client):
    result = search(seed_client, q="TSJ court", per_page=5)
    assert result["interpretation"] == [
        {"words": "TSJ", "facet": "actor", "value": "Supreme Tribunal of Justice"}]
    top = result["hits"][0]
    assert "Supreme Tribunal of Justice" in [a["name"] for a in top["actors"]]


def test_the_cli_prints_the_reading_in_one_line(seed_index):
    completed = subprocess.run(
        [sys.executable, "-m", "search", "search", "Economist", "Maduro", "2021", "--per-page", "1",
         "--seeds", str(REAL_SEEDS), "--index", str(seed_index)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert ("read as: Economist → publication The Economist; Maduro → actor Nicolás Maduro; "
            "2021 → year 2021") in lines


def test_the_page_offers_each_reading_as_a_one_click_filter(seed_client):
    page = seed_client.get("/", query_string={"q": "Economist Maduro 2021"}).get_data(as_text=True)
    assert 'class="interpretation">Narrow to' in page
    assert "publication=The+Economist" in page and "year=2021" in page
    assert ">The Economist</a> · <a" in page
    # a reading already selected is not offered again
    narrowed = seed_client.get("/", query_string={"q": "Economist Maduro 2021", "year": "2021"})
    offered = narrowed.get_data(as_text=True).split('class="interpretation"')[1].split("</p>")[0]
    assert ">The Economist</a>" in offered and ">2021</a>" not in offered
