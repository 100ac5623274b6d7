"""Specification of ``search.ingest``: seed files → Documents and Paragraphs.

The expected numbers were counted by hand from the files (see /work/shared/PROVENANCE.md for the
seeds and tests/data/README.md for the tiny corpus), never computed by the code under test.
"""
from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from search.ingest.catalog import CatalogEntry, CatalogError
from search.ingest.articles import (UndecodableFile, clean_lines, decode_bytes, ingest_seeds,
                           split_articles, split_paragraphs)
from search.records import SkippedFile

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
TINY = ROOT / "tests" / "data" / "seeds"
HUMAN_SPLIT = ROOT / "tests" / "data" / "eval" / "paragraphs.json"  # copy of shared eval file
QRELS = Path("/work/shared/eval/qrels.json")  # outside the repo: the anchor check is optional

SEED_002 = "002_4e2d0f4cee225133"


@pytest.fixture(scope="module")
def seeds():
    return ingest_seeds(SEEDS)


@pytest.fixture(scope="module")
def tiny():
    return ingest_seeds(TINY)


def by_id(result):
    return {document.doc_id: document for document in result.documents}


def kinds(document):
    return Counter(paragraph.kind for paragraph in document.paragraphs)


# ------------------------------------------------------------------------- the seed articles

def test_seeds_give_six_documents_and_one_hundred_paragraphs(seeds):
    assert len(seeds.documents) == 6
    assert Counter(p.kind for p in seeds.paragraphs) == {"body": 93, "caption": 2,
                                                        "pullquote": 5}
    assert seeds.skipped == [] and seeds.notes == []


@pytest.mark.parametrize("doc_id, body, caption, pullquote", [
    ("000_ef40cfe736452a17", 12, 0, 0),   # markdown export, one paragraph per line
    ("001_fbff234d49921df8", 15, 0, 0),   # blank-line paragraphs, trailing widget
    (f"{SEED_002}-a1", 16, 1, 0),
    (f"{SEED_002}-a2", 29, 1, 5),
    ("003_a99f8653215928ae", 12, 0, 0),   # markdown export with a footer after ■
    ("004_ab55c0625fe0604d", 9, 0, 0),    # plain text, headline first
])
def test_each_seed_article_has_its_paragraph_counts_by_kind(seeds, doc_id, body, caption,
                                                            pullquote):
    expected = Counter({"body": body, "caption": caption, "pullquote": pullquote})
    assert kinds(by_id(seeds)[doc_id]) == +expected


def test_saved_page_with_two_articles_becomes_two_documents(seeds):
    first, second = by_id(seeds)[f"{SEED_002}-a1"], by_id(seeds)[f"{SEED_002}-a2"]
    assert (first.title, first.date, first.author) == (
        "Slow-motion Coup in Venezuela?", "2016-08-05", "Phil Gunson")
    assert (second.title, second.date, second.author) == (
        "A Twist in Caracas: Is a Venezuela-U.S. Reboot on the Cards?", "2022-03", None)
    assert SEED_002 not in by_id(seeds)  # the bare stem is only for one-article files


def test_captions_are_the_lines_ending_in_a_photo_credit(seeds):
    captions = [p for p in seeds.paragraphs if p.kind == "caption"]
    assert [(p.doc_id, p.position, p.line) for p in captions] == [
        (f"{SEED_002}-a1", 1, 4), (f"{SEED_002}-a2", 1, 41)]
    assert all("REUTERS/" in p.text for p in captions)


def test_pullquote_repeating_a_nearby_sentence_is_kept_as_pullquote(seeds):
    pullquotes = [p for p in seeds.paragraphs if p.kind == "pullquote"]
    assert [p.line for p in pullquotes] == [59, 73, 93, 105, 115]
    # the elided one ("Venezuela ... has seen [oil] production") is found too
    assert pullquotes[0].text.startswith("Venezuela ... has seen [oil] production")


def test_short_title_like_lines_are_sections_not_paragraphs(seeds):
    second = by_id(seeds)[f"{SEED_002}-a2"]
    sections = {p.line: p.section for p in second.paragraphs}
    assert sections[41] is None and sections[53] is None  # before the first heading
    assert sections[57] == "An Oily Relationship"
    assert sections[77] == "Breaking the Political Deadlock"
    assert sections[123] == "What’s Next?"
    texts = {p.text for p in second.paragraphs}
    assert "Room for Progress" not in texts
    # the article's own title, repeated as a heading, is neither a paragraph nor a section
    assert second.title not in texts
    assert all(p.section != second.title for p in second.paragraphs)


@pytest.mark.parametrize("junk", [
    "icon caret",                 # saved page navigation
    "Around the Web",             # widget line
    "A version of this article",  # footer after the ■ end mark
    "![image]",                   # image line
    "> May", "> Jun",             # date lines
    "######", "# ",               # markdown rubric and headline
    "■",
])
def test_no_junk_becomes_a_paragraph(seeds, junk):
    assert not [p.id for p in seeds.paragraphs if junk in p.text]


def test_end_mark_paragraph_is_kept_without_the_mark(seeds):
    last = by_id(seeds)["003_a99f8653215928ae"].paragraphs[-1]
    assert last.text.endswith("“wants to be remembered as the man who took on the "
                              "United States and won”.")


@pytest.mark.parametrize("file", ["000_ef40cfe736452a17.txt", "004_ab55c0625fe0604d.txt"])
def test_paragraphs_equal_the_human_split(seeds, file):
    human = [item for item in json.loads(HUMAN_SPLIT.read_text(encoding="utf-8"))
             if item["file"] == file]
    ours = [p for d in seeds.documents if d.file == file for p in d.paragraphs]
    assert [p.text for p in ours] == [item["text"].strip() for item in
                                      sorted(human, key=lambda item: item["index"])]
    assert [p.kind for p in ours] == [item["kind"] for item in human]


@pytest.mark.skipif(not QRELS.is_file(), reason="shared qrels not available")
def test_every_judged_anchor_starts_exactly_one_paragraph(seeds):
    queries = json.loads(QRELS.read_text(encoding="utf-8"))["queries"]
    anchors = {anchor for query in queries for anchor in query["judgments"]}
    counts = {a: sum(p.text.startswith(a) for p in seeds.paragraphs) for a in anchors}
    assert {a: n for a, n in counts.items() if n != 1} == {}


def test_ids_are_stable_and_follow_the_convention(seeds):
    again = ingest_seeds(SEEDS)
    assert again.documents == seeds.documents
    for document in seeds.documents:
        assert [p.position for p in document.paragraphs] == list(
            range(1, len(document.paragraphs) + 1))
        assert all(p.id == f"{document.doc_id}-p{p.position}" and p.doc_id == document.doc_id
                   for p in document.paragraphs)
    assert by_id(seeds)["000_ef40cfe736452a17"].paragraphs[0].line == 6


def test_catalog_metadata_reaches_the_documents(seeds):
    economist = by_id(seeds)["003_a99f8653215928ae"]
    assert (economist.publication, economist.date) == ("The Economist", "2021-06-03")
    assert by_id(seeds)["001_fbff234d49921df8"].title is None  # the file has none


def test_metadata_comes_from_the_text_when_there_is_no_catalog(tmp_path):
    for name in ("000_ef40cfe736452a17.txt", "004_ab55c0625fe0604d.txt"):
        shutil.copy(SEEDS / name, tmp_path)
    found = by_id(ingest_seeds(tmp_path))
    markdown, plain = found["000_ef40cfe736452a17"], found["004_ab55c0625fe0604d"]
    assert (markdown.title, markdown.date) == (
        "Can diplomacy dislodge the Maduro dictatorship?", "2019-05-09")
    assert (plain.title, plain.date) == ("Let's face it: The Venezuelan coup has fizzled", None)
    assert markdown.publication is None and len(plain.paragraphs) == 9


# ---------------------------------------------------------------------- the tiny test corpus

def test_tiny_corpus_matches_its_readme(tiny):
    summary = {d.doc_id: (d.title, d.publication, d.date, d.author, dict(kinds(d)))
               for d in tiny.documents}
    assert summary == {
        "a_argentina_rates": ("Argentina’s central bank raises rates again", "The Weekly Globe",
                              "2018-03-02", None, {"body": 6}),
        "b_kenya_drought": ("Drought leaves two million Kenyans short of food",
                            "Nairobi Herald", "2016-11", None, {"body": 5}),
        "c_saved_page_ukraine_brazil-a1": ("Ukraine Braces for a Hard Winter",
                                           "Frontline Review", "2021-11-18", "María Fernández",
                                           {"caption": 1, "body": 5}),
        "c_saved_page_ukraine_brazil-a2": ("Brazil’s Farmers Bet on a Drier Amazon",
                                           "Frontline Review", "2022", None,
                                           {"body": 5, "pullquote": 1}),
        "d_chile_hack": ("Hackers deface Chilean electoral website before local vote", None,
                         "2019-09-14", None, {"body": 5}),
    }
    assert tiny.skipped == [] and tiny.notes == []


def test_tiny_corpus_lines_and_sections(tiny):
    found = by_id(tiny)
    brazil = found["c_saved_page_ukraine_brazil-a2"]
    assert [(p.line, p.kind, p.section) for p in brazil.paragraphs] == [
        (21, "body", None), (23, "body", None), (27, "body", "Soy at Any Cost"),
        (29, "pullquote", "Soy at Any Cost"), (31, "body", "Soy at Any Cost"),
        (33, "body", "Soy at Any Cost")]
    assert [p.line for p in found["d_chile_hack"].paragraphs] == [4, 9, 13, 17, 21]
    assert [p.line for p in found["a_argentina_rates"].paragraphs] == [6, 7, 8, 11, 12, 13]


def test_hard_wrapped_lines_are_joined_into_one_paragraph(tiny):
    first = by_id(tiny)["d_chile_hack"].paragraphs[0]
    assert first.text.startswith("Hackers defaced the website of Chile’s Electoral Service "
                                 "(Servel) on Friday, two days")
    assert "<script>alert(1)</script> and a slogan" in first.text
    assert "\n" not in first.text


def test_file_without_catalog_entry_is_still_ingested(tiny):
    chile = by_id(tiny)["d_chile_hack"]
    assert chile.file == "d_chile_hack.md" and chile.source_url is None


def test_saved_page_without_catalog_drops_navigation_and_repeated_title(tmp_path):
    shutil.copy(TINY / "c_saved_page_ukraine_brazil.txt", tmp_path)
    (document,) = ingest_seeds(tmp_path).documents
    assert document.title == "Brazil’s Farmers Bet on a Drier Amazon"
    assert len(document.paragraphs) == 12
    assert document.paragraphs[0].kind == "caption"
    assert not [p.id for p in document.paragraphs if "icon" in p.text]
    assert not [p.id for p in document.paragraphs if p.text == document.title]


# ----------------------------------------------------------------------------- pure helpers

def test_split_articles_without_entries_is_one_article_named_after_the_file():
    text = "Headline of the day\n\nFirst paragraph, it says.\n\nSecond paragraph here.\n"
    (document,) = split_articles(text, "x_file.txt", [])
    assert document.doc_id == "x_file" and document.title == "Headline of the day"
    assert [(p.text, p.line) for p in document.paragraphs] == [
        ("First paragraph, it says.", 3), ("Second paragraph here.", 5)]


def test_catalog_title_wins_over_the_texts_headline():
    text = "# Text headline\n> Jan 5th 2020\nOnly paragraph, written here.\n"
    entry = CatalogEntry(file="x.md", title="Catalog title", date="2020-01")
    (document,) = split_articles(text, "x.md", [entry])
    assert (document.title, document.date) == ("Catalog title", "2020-01")
    assert [p.text for p in document.paragraphs] == ["Only paragraph, written here."]


def test_line_ranges_split_a_file_into_numbered_articles():
    text = "One, first article.\nTwo, still first.\nThree, second article.\n"
    entries = [CatalogEntry(file="f.txt", lines=(1, 2)), CatalogEntry(file="f.txt", lines=(3, 3))]
    first, second = split_articles(text, "f.txt", entries)
    assert (first.doc_id, second.doc_id) == ("f-a1", "f-a2")
    assert [p.line for p in first.paragraphs] == [1, 2]
    assert [(p.id, p.line) for p in second.paragraphs] == [("f-a2-p1", 3)]


def test_widget_lines_are_neither_paragraphs_nor_sections():
    text = "First paragraph, plain.\n\nAdvertisement\n\nSecond paragraph.\n\nAround the Web\n"
    (document,) = split_articles(text, "w.txt", [])
    assert [(p.text, p.section) for p in document.paragraphs] == [
        ("First paragraph, plain.", None), ("Second paragraph.", None)]


def test_a_line_repeated_right_after_itself_is_kept_once():
    # saved pages print their title twice in a row; a title ending in "." is not heading-like
    text = "Markets fell today.\nMarkets fell today.\n\nShares dropped by 3% in early trading.\n"
    (document,) = split_articles(text, "r.txt", [])
    assert [(p.text, p.line) for p in document.paragraphs] == [
        ("Markets fell today.", 1), ("Shares dropped by 3% in early trading.", 4)]


def test_short_paragraph_not_repeating_a_neighbour_stays_body():
    lines, _ = clean_lines(["A long paragraph about the harvest, with rain and soy and more.",
                            "", "Prices are up sharply this year."])
    assert [block.kind for block in split_paragraphs(lines)] == ["body", "body"]


# --------------------------------------------------------------------------------- decoding

def test_utf8_with_and_without_bom_decodes():
    assert decode_bytes("Guaidó".encode("utf-8")) == ("Guaidó", "utf-8")
    assert decode_bytes("\ufeffGuaidó".encode("utf-8")) == ("Guaidó", "utf-8-sig")


def test_utf16_with_bom_decodes():
    assert decode_bytes("López\r\nline".encode("utf-16")) == ("López\nline", "utf-16")


@pytest.mark.parametrize("data, text", [
    (b"one\r\ntwo\r\n", "one\ntwo\n"),  # Windows
    (b"one\rtwo\r", "one\ntwo\n"),      # old Mac
])
def test_line_ends_are_normalised_to_lf(data, text):
    assert decode_bytes(data)[0] == text


def test_latin1_file_is_decoded_and_reported(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Chávez habló en Caracas.\n".encode("latin-1"))
    result = ingest_seeds(tmp_path)
    assert result.paragraphs[0].text == "Chávez habló en Caracas."
    assert result.notes == ["latin.txt: decoded as cp1252"]


def test_cp1252_quotes_are_decoded():
    assert decode_bytes(b"\x93quoted\x94")[0] == "“quoted”"


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # NUL bytes
    bytes(range(1, 32)) * 4,                     # control characters but no NUL
])
def test_binary_bytes_are_refused(data):
    with pytest.raises(UndecodableFile, match="binary"):
        decode_bytes(data)


def test_binary_and_empty_files_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "a_image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00")
    (tmp_path / "b_empty.md").write_bytes(b"")
    (tmp_path / "c_good.txt").write_text("A good paragraph of news.\n", encoding="utf-8")
    result = ingest_seeds(tmp_path)
    assert [d.doc_id for d in result.documents] == ["c_good"]
    assert [s.file for s in result.skipped] == ["a_image.txt", "b_empty.md"]
    assert "binary" in result.skipped[0].reason
    assert "no paragraph" in result.skipped[1].reason


def test_only_visible_txt_and_md_files_are_read(tmp_path):
    (tmp_path / ".hidden.txt").write_text("Hidden paragraph.\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "actors.toml").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.txt").write_text("Deep paragraph.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("Second file, one paragraph.\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First file, one paragraph.\n", encoding="utf-8")
    assert [d.doc_id for d in ingest_seeds(tmp_path).documents] == ["a", "b"]


# ---------------------------------------------------------------------------------- catalog

def test_catalog_entry_for_a_missing_file_is_reported_and_the_rest_ingested(tmp_path):
    (tmp_path / "catalog.toml").write_text('[[article]]\nfile = "gone.txt"\n', encoding="utf-8")
    (tmp_path / "here.txt").write_text("A paragraph that is here.\n", encoding="utf-8")
    result = ingest_seeds(tmp_path)
    assert [d.doc_id for d in result.documents] == ["here"]
    assert len(result.skipped) == 1 and result.skipped[0].file == "gone.txt"
    assert "not in" in result.skipped[0].reason
    assert isinstance(result.skipped[0], SkippedFile)


def test_malformed_catalog_stops_ingestion(tmp_path):
    (tmp_path / "catalog.toml").write_text('[[article]]\nfile = "a.txt"\ndate = "May"\n',
                                           encoding="utf-8")
    (tmp_path / "a.txt").write_text("A paragraph.\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="line 3"):
        ingest_seeds(tmp_path)
