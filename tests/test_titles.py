"""Titles a reader can use: an untitled article is headed by its publication, date and opening
words, never by its file name; the API's ``title`` stays the article's own or null (issue 15)."""
from __future__ import annotations

import re

import pytest
from conftest import search

from search.records import Document, Paragraph
from search.titles import display_title, opening_words, readable_date

UNTITLED = "001_fbff234d49921df8"  # the seed corpus's editorial without a title
HEADING = "Stabroek News, May 2019: “Venezuela’s attempted ‘coup’ last week went off with…”"


def document(title=None, publication=None, date=None, texts=(), kinds=None) -> Document:
    kinds = kinds or ["body"] * len(texts)
    paragraphs = tuple(Paragraph(f"d-p{i}", "d", i, kind, None, text)
                       for i, (text, kind) in enumerate(zip(texts, kinds), start=1))
    return Document("d", "d.txt", title, publication, date, None, None, paragraphs)


@pytest.mark.parametrize("doc, expected", [
    (document("A title", "The Economist", "2019-05-09", ["Text."]), "A title"),
    (document(None, "The Economist", "2019-05-09", ["Mr Maduro stayed in power."]),
     "The Economist, 9 May 2019: “Mr Maduro stayed in power.”"),
    # the first body paragraph, not a caption above it
    (document(None, "Hot Air", "2019", ["A photo caption", "The coup fizzled."], ["caption", "body"]),
     "Hot Air, 2019: “The coup fizzled.”"),
    (document(None, None, None, ["Only the text is known here."]), "“Only the text is known here.”"),
    (document(None, None, "2019-05", []), "May 2019"),
    (document("   ", None, None, []), "d"),  # nothing at all: the id is all there is
])
def test_display_title_falls_back_to_what_is_known(doc, expected):
    assert display_title(doc) == expected


@pytest.mark.parametrize("date, readable", [
    ("2019-05-09", "9 May 2019"), ("2019-05", "May 2019"), ("2019", "2019"), (None, ""),
])
def test_readable_date(date, readable):
    assert readable_date(date) == readable


def test_opening_words_stop_at_a_word_and_say_they_were_cut():
    assert opening_words("One two three.", words=8) == "One two three."
    assert opening_words("Within a matter of days, the plan had failed completely.", words=5) == \
        "Within a matter of days…"  # the comma before the cut is dropped


def test_api_keeps_the_real_title_and_adds_the_display_title(seed_client):
    documents = {d["id"]: d for d in seed_client.get("/api/documents").get_json()}
    assert documents[UNTITLED]["title"] is None
    assert documents[UNTITLED]["display_title"] == HEADING
    titled = documents["000_ef40cfe736452a17"]
    assert titled["display_title"] == titled["title"] == "Can diplomacy dislodge the Maduro dictatorship?"
    one = seed_client.get(f"/api/documents/{UNTITLED}").get_json()
    assert (one["title"], one["display_title"]) == (None, HEADING)


def test_hits_of_an_untitled_article_carry_its_display_title(seed_client):
    hits = [h for h in search(seed_client, q="Guaidó", per_page=100)["hits"] if h["doc_id"] == UNTITLED]
    assert hits
    assert all(h["title"] is None and h["display_title"] == HEADING for h in hits)


def test_pages_never_head_an_article_with_its_file_name(seed_client):
    results = seed_client.get("/", query_string={"q": "Guaidó", "per_page": 100}).get_data(as_text=True)
    assert f">{UNTITLED}<" not in results
    assert "Stabroek News, May 2019: “Venezuela’s attempted" in results
    page = seed_client.get(f"/documents/{UNTITLED}").get_data(as_text=True)
    assert re.search(r"<title>Stabroek News, May 2019: “Venezuela’s attempted[^<]*· Hemeroteca</title>", page)
    assert re.search(r'<h1 id="doc-title">Stabroek News, May 2019', page)
    home = seed_client.get("/").get_data(as_text=True)
    assert f">{UNTITLED}<" not in home
