"""Read ``seeds/catalog.toml``: what the seed files do not say about themselves.

Parts: ``CatalogEntry`` (one ``[[article]]``), ``CatalogError`` (a bad catalog, with its line),
``read_catalog`` (path → entries by file name), ``parse_catalog`` (the same from text, pure),
and the value checkers ``parse_date`` and ``parse_lines``.

The catalog is a list of articles; every key but ``file`` is optional::

    [[article]]
    file = "002_4e2d0f4cee225133.txt"
    lines = "4-38"             # 1-based, inclusive; omitted = the whole file
    title = "Slow-motion Coup in Venezuela?"
    publication = "International Crisis Group"
    date = "2016-08-05"        # YYYY, YYYY-MM or YYYY-MM-DD: as precise as known
    author = "Phil Gunson"
    url = "https://…"

An entry naming a file that does not exist is not the catalog's problem: ingest reports it.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

_STRING_KEYS = ("file", "lines", "title", "publication", "date", "author", "url")
_DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_LINES_PATTERN = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")
_ARTICLE_HEADER = re.compile(r"^\s*\[\[\s*article\s*\]\]")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


class CatalogError(ValueError):
    """The catalog cannot be used as written; the message names the file, the line and the fix."""


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One ``[[article]]`` of the catalog.

    ``lines`` is the 1-based inclusive line range of the article in its file, or None for the
    whole file. ``date`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``. Every field but ``file`` is
    None when the catalog does not say it.
    """

    file: str
    lines: tuple[int, int] | None = None
    title: str | None = None
    publication: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None


def read_catalog(path: Path) -> dict[str, list[CatalogEntry]]:
    """Read the catalog at ``path``: file name → its entries in file order; {} if missing."""
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read the catalog ({exc}); save it as UTF-8 text")
    return parse_catalog(text, path)


def parse_catalog(text: str, path: Path | str = "catalog.toml") -> dict[str, list[CatalogEntry]]:
    """Parse catalog ``text`` (``path`` is only used in error messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        position = _TOML_POSITION.search(str(exc))
        where = f"line {position.group(1)}" if position else "an unknown line"
        raise CatalogError(f"{path}: {where}: not valid TOML ({exc}); fix the syntax there")
    unknown = sorted(set(data) - {"article"})
    if unknown:
        raise CatalogError(f"{path}: line {_key_line(text, unknown[0])}: unknown top-level key "
                           f"{unknown[0]!r}; the catalog holds only [[article]] tables")
    articles = data.get("article", [])
    if not isinstance(articles, list):
        raise CatalogError(f"{path}: line {_key_line(text, 'article')}: 'article' must be an "
                           "array of tables; write each one as [[article]]")
    headers = _article_header_lines(text)
    by_file: dict[str, list[CatalogEntry]] = {}
    for index, table in enumerate(articles):
        line = headers[index] if index < len(headers) else _key_line(text, "article")
        entry = _parse_entry(table, _EntryContext(text, path, line))
        by_file.setdefault(entry.file, []).append(entry)
    for entries in by_file.values():
        _check_same_file_entries(entries, text, path)
    return by_file


def parse_date(value: str) -> str:
    """Return ``value`` if it is a real ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date, else raise."""
    match = _DATE_PATTERN.match(value)
    if not match:
        raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"date {value!r} is not a real date ({exc})") from None
    return value


def parse_lines(value: str) -> tuple[int, int]:
    """Return the 1-based inclusive range ``"a-b"`` as (a, b), else raise ValueError."""
    match = _LINES_PATTERN.match(value)
    if not match:
        raise ValueError(f"lines {value!r} is not a range like \"4-38\"")
    first, last = int(match.group(1)), int(match.group(2))
    if first < 1 or last < first:
        raise ValueError(f"lines {value!r} must be 1-based with the first line ≤ the last")
    return first, last


@dataclass(frozen=True, slots=True)
class _EntryContext:
    """Where an entry sits, so that its errors can point at the right line."""

    text: str
    path: Path | str
    line: int

    def fail(self, key: str | None, problem: str) -> CatalogError:
        line = _key_line(self.text, key, start=self.line) if key else self.line
        return CatalogError(f"{self.path}: line {line}: {problem}")


def _parse_entry(table: object, where: _EntryContext) -> CatalogEntry:
    if not isinstance(table, dict):
        raise where.fail(None, "each article must be a table; write it as [[article]]")
    unknown = sorted(set(table) - set(_STRING_KEYS))
    if unknown:
        raise where.fail(unknown[0], f"unknown key {unknown[0]!r}; use one of "
                                     f"{', '.join(_STRING_KEYS)}")
    for key, value in table.items():
        if not isinstance(value, str):
            raise where.fail(key, f"{key} must be a quoted string, e.g. {key} = \"…\"")
    if not table.get("file", "").strip():
        raise where.fail(None, "this article has no file; add file = \"<name of the seed file>\"")
    try:
        lines = parse_lines(table["lines"]) if "lines" in table else None
    except ValueError as exc:
        raise where.fail("lines", f"{exc}; write lines = \"first-last\", 1-based, inclusive")
    try:
        date = parse_date(table["date"]) if "date" in table else None
    except ValueError as exc:
        raise where.fail("date", f"{exc}; write it as precisely as known, e.g. \"2019-05\"")
    fields = {key: _clean(table.get(key)) for key in ("title", "publication", "author", "url")}
    return CatalogEntry(file=table["file"].strip(), lines=lines, date=date, **fields)


def _check_same_file_entries(entries: list[CatalogEntry], text: str, path: Path | str) -> None:
    """Several articles in one file need disjoint line ranges, or they would share paragraphs."""
    if len(entries) < 2:
        return
    # point at the second entry of the file: that is where the conflict starts
    found = _file_lines(text, entries[0].file) or [1]
    line = found[min(1, len(found) - 1)]
    if any(entry.lines is None for entry in entries):
        raise CatalogError(f"{path}: line {line}: {entries[0].file} has {len(entries)} articles; "
                           "give each one lines = \"first-last\"")
    ranges = sorted(entry.lines for entry in entries if entry.lines)
    for (_, last), (first, _) in zip(ranges, ranges[1:]):
        if first <= last:
            raise CatalogError(f"{path}: line {line}: the line ranges of {entries[0].file} "
                               "overlap; make them disjoint")


def _clean(value: str | None) -> str | None:
    value = value.strip() if value else None
    return value or None


def _article_header_lines(text: str) -> list[int]:
    return [number for number, line in enumerate(text.splitlines(), start=1)
            if _ARTICLE_HEADER.match(line)]


def _key_line(text: str, key: str, start: int = 1) -> int:
    """The first line at or after ``start`` that assigns ``key`` (or ``start`` if none does)."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and pattern.match(line):
            return number
        if number > start and _ARTICLE_HEADER.match(line):
            break
    return start


def _file_lines(text: str, file: str) -> list[int]:
    """The lines that say ``file = "<file>"``, in order."""
    return [number for number, line in enumerate(text.splitlines(), start=1)
            if re.match(r"^\s*file\s*=", line) and file in line]
