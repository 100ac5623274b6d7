"""Specification of ``search.catalog``: reading ``catalog.toml`` and refusing bad ones clearly."""
from __future__ import annotations

from pathlib import Path

import pytest

from search.ingest.catalog import CatalogEntry, CatalogError, parse_date, read_catalog

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_catalog_gives_no_entries(tmp_path):
    assert read_catalog(tmp_path / "catalog.toml") == {}


def test_entries_are_grouped_by_file_in_file_order(tmp_path):
    path = write(tmp_path, '''
[[article]]
file = "two.txt"
lines = "41-123"
title = "Second"

[[article]]
file = "one.txt"
date = "2019-05"
author = "Ana Gómez"

[[article]]
file = "two.txt"
lines = "4-38"
title = "First"
url = "https://example.org/first"
''')
    catalog = read_catalog(path)
    assert catalog == {
        "two.txt": [CatalogEntry(file="two.txt", lines=(41, 123), title="Second"),
                    CatalogEntry(file="two.txt", lines=(4, 38), title="First",
                                 url="https://example.org/first")],
        "one.txt": [CatalogEntry(file="one.txt", date="2019-05", author="Ana Gómez")],
    }


def test_seed_catalog_holds_the_six_articles_with_honest_dates():
    catalog = read_catalog(SEEDS / "catalog.toml")
    entries = [entry for file in sorted(catalog) for entry in catalog[file]]
    assert [(entry.file[:3], entry.lines, entry.date) for entry in entries] == [
        ("000", None, "2019-05-09"),
        ("001", None, "2019-05"),
        ("002", (4, 38), "2016-08-05"),
        ("002", (41, 123), "2022-03"),
        ("003", None, "2021-06-03"),
        ("004", None, "2019-05-01"),
    ]
    assert [entry.author for entry in entries if entry.author] == ["Phil Gunson"]
    assert all(entry.url is None for entry in entries)  # no URL is known for certain


@pytest.mark.parametrize("value", ["2019", "2019-05", "2019-05-09", "2020-02-29"])
def test_dates_of_any_honest_precision_are_accepted(value):
    assert parse_date(value) == value


@pytest.mark.parametrize("value", [
    "2019-13",      # no month 13
    "2019-02-30",   # not a real day
    "2021-02-29",   # not a leap year
    "9 May 2019",   # prose, not ISO
    "2019/05/09",   # wrong separator
    "19-05-09",     # two-digit year
])
def test_impossible_or_badly_written_dates_are_refused(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_malformed_toml_error_names_the_catalog_and_the_line(tmp_path):
    path = write(tmp_path, '[[article]]\nfile = "a.txt"\ntitle = "unclosed\n')
    with pytest.raises(CatalogError) as caught:
        read_catalog(path)
    message = str(caught.value)
    assert str(path) in message
    assert "line 3" in message


def test_bad_date_error_names_the_line_of_that_date(tmp_path):
    path = write(tmp_path, '''# comment
[[article]]
file = "a.txt"
date = "2019-05-09"

[[article]]
file = "b.txt"
title = "B"
date = "2019-02-30"
''')
    with pytest.raises(CatalogError) as caught:
        read_catalog(path)
    message = str(caught.value)
    assert str(path) in message and "line 9" in message and "2019-02-30" in message


@pytest.mark.parametrize("lines", ["4 to 38", "38-4", "0-5", "4"])
def test_bad_line_range_error_names_the_line_and_the_fix(tmp_path, lines):
    path = write(tmp_path, f'[[article]]\nfile = "a.txt"\nlines = "{lines}"\n')
    with pytest.raises(CatalogError) as caught:
        read_catalog(path)
    assert "line 3" in str(caught.value)
    assert "first-last" in str(caught.value)


def test_catalog_error_is_a_value_error():
    assert issubclass(CatalogError, ValueError)


def test_unknown_key_is_refused_with_its_line(tmp_path):
    path = write(tmp_path, '[[article]]\nfile = "a.txt"\ntitel = "Typo"\n')
    with pytest.raises(CatalogError, match="line 3.*titel"):
        read_catalog(path)


def test_article_without_file_is_refused(tmp_path):
    path = write(tmp_path, '[[article]]\ntitle = "Orphan"\n')
    with pytest.raises(CatalogError, match="line 1.*no file"):
        read_catalog(path)


def test_non_string_value_is_refused(tmp_path):
    path = write(tmp_path, '[[article]]\nfile = "a.txt"\ndate = 2019-05-09\n')
    with pytest.raises(CatalogError, match="line 3.*quoted string"):
        read_catalog(path)


def test_several_articles_in_one_file_need_line_ranges(tmp_path):
    path = write(tmp_path, '[[article]]\nfile = "a.txt"\nlines = "1-5"\n\n'
                           '[[article]]\nfile = "a.txt"\n')
    with pytest.raises(CatalogError, match="line 6"):
        read_catalog(path)


def test_overlapping_line_ranges_in_one_file_are_refused(tmp_path):
    path = write(tmp_path, '[[article]]\nfile = "a.txt"\nlines = "1-10"\n\n'
                           '[[article]]\nfile = "a.txt"\nlines = "10-20"\n')
    with pytest.raises(CatalogError, match="overlap"):
        read_catalog(path)


def test_entry_for_a_missing_file_is_not_the_catalogs_problem(tmp_path):
    path = write(tmp_path, '[[article]]\nfile = "nowhere.txt"\n')
    assert read_catalog(path) == {"nowhere.txt": [CatalogEntry(file="nowhere.txt")]}
