"""Seed files → Document and Paragraph records (pure, except ``ingest_seeds`` reading files).

Parts:
- Decoding: ``decode_bytes`` (UTF-8 / UTF-16 with or without BOM / cp1252, binary refused).
- Line cleaning: ``clean_lines`` turns an article's raw lines into text lines, blank separators
  and headings, reading metadata (markdown headline, ``> May 9th 2019`` date) and dropping
  what is not article text (markdown rubric/standfirst, image lines, navigation junk, widget
  lines, the footer after the ``■`` end mark).
- Paragraphs: ``split_paragraphs`` groups cleaned lines into paragraphs (one per line, or
  blank-line separated, or hard-wrapped), then classifies them: heading, caption, pull-quote,
  body.
- Articles: ``split_articles`` cuts a file's text by its catalog entries and merges metadata
  (the catalog wins; the text fills the gaps).
- Files: ``ingest_seeds`` reads a seeds folder and reports skipped files and notes;
  ``ingest_file`` reads one file, ``catalog_orphans`` lists catalog entries without a file.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from search.ingest.catalog import CatalogEntry, read_catalog
from search.records import Document, Paragraph, SkippedFile
from search.text import fold_accents, normalise_space

SEED_SUFFIXES = (".txt", ".md")
CATALOG_NAME = "catalog.toml"


class UndecodableFile(ValueError):
    """The bytes are not text in any encoding we accept (e.g. a binary file)."""


@dataclass(slots=True)
class IngestResult:
    """What ``ingest_seeds`` produced: documents, files it could not use, and notes."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [paragraph for document in self.documents for paragraph in document.paragraphs]


# --------------------------------------------------------------------------------- decoding

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
         (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13}
_TEXT_ASCII = frozenset(range(32, 127)) | {9, 10, 13}


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a seed file's bytes; return (text with LF line ends, encoding used)."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    encoding = encoding or _utf16_without_bom(data)
    if encoding is None:
        _refuse_binary(data)
        encoding = _guess_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableFile(f"not valid {encoding} ({exc.reason} at byte {exc.start})")
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the NUL bytes are the high bytes of mostly-ASCII text."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2 or b"\x00" not in sample:
        return None
    for name, high, low in (("utf-16-le", sample[1::2], sample[0::2]),
                            ("utf-16-be", sample[0::2], sample[1::2])):
        ascii_text = sum(1 for byte in low if byte in _TEXT_ASCII)
        if high.count(0) >= 0.9 * len(high) and ascii_text >= 0.8 * len(low):
            return name
    return None


def _refuse_binary(data: bytes) -> None:
    if b"\x00" in data:
        raise UndecodableFile("looks binary (contains NUL bytes)")
    controls = sum(1 for byte in data[:4096] if byte in _CONTROL_BYTES)
    # a text file has almost no control characters; a few stray ones may come from old editors
    if controls > max(2, len(data[:4096]) // 100):
        raise UndecodableFile(f"looks binary ({controls} control characters)")


def _guess_encoding(data: bytes) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte
        return "latin-1"


# ---------------------------------------------------------------------------- line cleaning

_MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE_MONTH_FIRST = re.compile(rf"^([A-Za-z]{{3,9}})\.? {_ORDINAL},? (\d{{4}})$")
_DATE_DAY_FIRST = re.compile(rf"^{_ORDINAL} ([A-Za-z]{{3,9}})\.?,? (\d{{4}})$")
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_IMAGE_LINE = re.compile(r"^!\[[^\]]*\]\([^)]*\)$")
_END_MARK = "■"

# Words of a saved page's icon sprites and menus; a line made mostly of them is navigation.
_UI_WORDS = frozenset("""
    icon icons caret arrow down left right up line camera set ellipsis facebook twitter
    linkedin whatsapp instagram youtube favorite favourite globe hamburger list mail email map
    marker microphone minus plus pdf play print rss search share trash menu close home login
    logout user bookmark chevron bell calendar clock download upload link copy comment
    comments heart star video audio expand collapse next previous back top box alerts
""".split())
# Whole lines that page widgets leave behind; never article text.
_WIDGET_LINES = frozenset("""around the web|related|related articles|related stories|
    related content|advertisement|share this|share this article|share this story|read more|
    recommended|recommended for you|you may also like|more from this author|sponsored|
    sponsored content|most read|most popular|trending|subscribe|sign up for our newsletter|
    comments|leave a comment|print this page""".replace("\n", "").replace("    ", "").split("|"))


@dataclass(frozen=True, slots=True)
class Line:
    """One cleaned line of an article: text (None = a blank separator) and its line number.

    ``heading`` marks a line the layout itself declares a heading (markdown ``##``).
    """

    number: int
    text: str | None
    heading: bool = False


@dataclass(slots=True)
class TextMetadata:
    """What an article's own text says about it; None where it says nothing."""

    title: str | None = None
    date: str | None = None


def clean_lines(lines: Sequence[str], first_number: int = 1) -> tuple[list[Line], TextMetadata]:
    """Drop non-article lines, read metadata lines; keep blank lines as separators."""
    metadata = TextMetadata()
    cleaned: list[Line] = []
    for number, raw in enumerate(lines, start=first_number):
        # keep the text as written (no-break spaces included): evaluation anchors are the
        # first characters of a paragraph, byte-exact; normalise_space is for comparisons only
        text = raw.strip()
        ended = _END_MARK in text
        if ended:
            # the end mark closes the article: keep its sentence, drop the footer after it
            text = text.split(_END_MARK, 1)[0].strip()
        cleaned.append(_clean_line(number, text, metadata))
        if ended:
            break
    return cleaned, metadata


def _clean_line(number: int, text: str, metadata: TextMetadata) -> Line:
    blank = Line(number, None)
    plain = normalise_space(text)
    if not plain or _IMAGE_LINE.match(plain) or is_navigation(plain) or is_widget(plain):
        return blank
    heading = _MARKDOWN_HEADING.match(plain)
    if heading:
        level, content = len(heading.group(1)), heading.group(2).strip()
        if level == 1 and metadata.title is None:
            metadata.title = content
            return blank
        # levels 5-6 are an export's rubric and standfirst: about the article, not in it
        return blank if level >= 5 else Line(number, content, heading=True)
    if text.startswith(">"):
        quoted = text.lstrip("> ").strip()
        date = parse_text_date(normalise_space(quoted))
        if date:
            metadata.date = metadata.date or date
            return blank
        text = quoted
    return Line(number, text)


def parse_text_date(text: str) -> str | None:
    """``May 9th 2019`` / ``9 May 2019`` → ``2019-05-09``; None if ``text`` is not such a date."""
    text = text.strip()
    match = _DATE_MONTH_FIRST.match(text)
    if match:
        month_name, day, year = match.groups()
    else:
        match = _DATE_DAY_FIRST.match(text)
        if not match:
            return None
        day, month_name, year = match.groups()
    month = _MONTHS.get(month_name.lower())
    try:
        return dt.date(int(year), month, int(day)).isoformat() if month else None
    except ValueError:
        return None


def is_navigation(text: str) -> bool:
    """A line made mostly of icon and menu words (``icon caret Arrow Down …``)."""
    words = re.findall(r"[A-Za-z]+", text)
    ui = sum(1 for word in words if word.lower() in _UI_WORDS)
    return ui >= 4 and ui >= 0.6 * len(words)


def is_widget(text: str) -> bool:
    """A line a page widget left behind (``Around the Web``, ``Advertisement`` …)."""
    return text.strip(" :·|»›>").lower() in _WIDGET_LINES


# ------------------------------------------------------------------------------- paragraphs

_FINAL_PUNCTUATION = re.compile(r"[.!,;:…]['\"’”)\]]*$")
_PHOTO_CREDIT = re.compile(
    r"(?:\b(?:REUTERS|Reuters|AP Photo|AFP|EPA(?:-EFE)?|Xinhua|Anadolu)/[^/]{2,60}"
    r"|\bGetty Images|\b(?:Photo|Photograph|Picture)(?: by|:) [^.]{2,60})\.?$")
_SENTENCE_END = re.compile(r"[.!?…:;]['\"’”)\]]*$")
_WRAP_WIDTH = 100
_ELLIPSIS = re.compile(r"\.\.\.|…")
_BRACKETED = re.compile(r"\[[^\]]*\]")
_HEADING_MAX_WORDS = 12
_PULLQUOTE_MAX_WORDS = 50
_PULLQUOTE_REACH = 2  # a pull-quote sits within this many paragraphs of the one it repeats
# A longer "paragraph" is a file without line breaks; it is cut into pieces this long at most.
MAX_PARAGRAPH_CHARS = 10_000


@dataclass(frozen=True, slots=True)
class Block:
    """A candidate paragraph: its text, first line number and kind (or ``heading``)."""

    number: int
    text: str
    kind: str


def split_paragraphs(lines: Sequence[Line]) -> list[Block]:
    """Group cleaned lines into paragraphs and classify each one."""
    blocks = [_classify(number, piece, declared)
              for number, text, declared in _group(lines)
              for piece in split_long_text(text)]
    blocks = _drop_repeats(blocks)
    return _mark_pullquotes(blocks)


def split_long_text(text: str, limit: int = MAX_PARAGRAPH_CHARS) -> list[str]:
    """Cut a text longer than ``limit`` into pieces of at most ``limit`` characters.

    A file with no line breaks (one 5 MB line) would otherwise be one paragraph: unreadable as a
    hit and slow to highlight. Pieces end at a sentence end when one is in the last third of the
    window, else at a space, else exactly at the limit.
    """
    if len(text) <= limit:
        return [text]
    pieces = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
        cut = cut + 1 if cut >= limit * 2 // 3 else window.rfind(" ")
        if cut <= 0:
            cut = limit
        pieces.append(text[start:start + cut].strip())
        start += cut
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


def _group(lines: Sequence[Line]) -> Iterable[tuple[int, str, bool]]:
    """Yield (line number, text, declared heading) per paragraph."""
    run: list[Line] = []
    for line in [*lines, Line(0, None)]:
        if line.text is not None and not line.heading:
            run.append(line)
            continue
        yield from _split_run(run)
        run = []
        if line.heading:
            yield line.number, line.text or "", True


def _split_run(run: list[Line]) -> Iterable[tuple[int, str, bool]]:
    """A run of adjacent lines is one hard-wrapped paragraph, or one paragraph per line."""
    if not run:
        return
    if _is_hard_wrapped([line.text or "" for line in run]):
        yield run[0].number, " ".join(line.text or "" for line in run), False
    else:
        yield from ((line.number, line.text or "", False) for line in run)


def _is_hard_wrapped(texts: list[str]) -> bool:
    # wrapped lines are all short and mostly break mid-sentence; exported paragraphs are long
    # lines that end a sentence each, and a page's title lines end with their "?"
    inner = texts[:-1]
    if not inner or max(len(text) for text in texts) > _WRAP_WIDTH:
        return False
    open_ends = sum(1 for text in inner if not _SENTENCE_END.search(text))
    return open_ends * 2 > len(inner)


def _classify(number: int, text: str, declared_heading: bool) -> Block:
    if declared_heading or is_heading(normalise_space(text)):
        return Block(number, text, "heading")
    if _PHOTO_CREDIT.search(text):
        return Block(number, text, "caption")
    return Block(number, text, "body")


def is_heading(text: str) -> bool:
    """A short line without final punctuation (a question mark is allowed: ``What's Next?``)."""
    words = text.split()
    if not words or len(words) > _HEADING_MAX_WORDS or len(text) > 100:
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    return not _FINAL_PUNCTUATION.search(text) and not _PHOTO_CREDIT.search(text)


def _drop_repeats(blocks: list[Block]) -> list[Block]:
    """A saved page repeats its title in consecutive lines; keep only the first."""
    kept: list[Block] = []
    for block in blocks:
        if kept and _comparable(kept[-1].text) == _comparable(block.text):
            continue
        kept.append(block)
    return kept


def _mark_pullquotes(blocks: list[Block]) -> list[Block]:
    texts = [block for block in blocks if block.kind != "heading"]
    pullquotes = {id(block) for index, block in enumerate(texts)
                  if block.kind == "body" and _repeats_a_neighbour(texts, index)}
    return [Block(block.number, block.text, "pullquote") if id(block) in pullquotes else block
            for block in blocks]


def _repeats_a_neighbour(blocks: list[Block], index: int) -> bool:
    """True if blocks[index] is short and repeats (perhaps elided) text of a nearby block."""
    candidate = blocks[index].text
    if len(candidate.split()) > _PULLQUOTE_MAX_WORDS:
        return False
    fragments = [_comparable(part) for part in _ELLIPSIS.split(_BRACKETED.sub(" ", candidate))]
    fragments = [part for part in fragments if part]
    if sum(len(part) for part in fragments) < 30:
        return False
    low, high = max(0, index - _PULLQUOTE_REACH), index + _PULLQUOTE_REACH + 1
    return any(_contains_in_order(_comparable(other.text), fragments)
               for other in blocks[low:high]
               if other is not blocks[index] and len(other.text) > len(candidate))


def _contains_in_order(haystack: str, fragments: list[str]) -> bool:
    position = 0
    for fragment in fragments:
        found = haystack.find(fragment, position)
        if found < 0:
            return False
        position = found + len(fragment)
    return True


@lru_cache(maxsize=1024)
def _comparable(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text, for comparing repeats and titles.

    Cached and with an ASCII fast path: each block is compared with its neighbours several
    times, and folding accents char by char made a 50 MB file take minutes to ingest.
    """
    folded = (text if text.isascii() else fold_accents(text)).lower()
    return " ".join(re.findall(r"\w+", folded))


# --------------------------------------------------------------------------------- articles

def split_articles(text: str, file: str, entries: Sequence[CatalogEntry]) -> list[Document]:
    """Cut one file's text into Documents: one per catalog entry, or the whole file as one."""
    lines = text.split("\n")
    entries = list(entries) or [CatalogEntry(file=file)]
    stem = Path(file).stem
    documents = []
    for number, entry in enumerate(entries, start=1):
        doc_id = stem if len(entries) == 1 else f"{stem}-a{number}"
        first, last = entry.lines or (1, len(lines))
        documents.append(build_document(doc_id, file, lines[first - 1:last], first, entry))
    return documents


def build_document(doc_id: str, file: str, lines: Sequence[str], first_number: int,
                   entry: CatalogEntry) -> Document:
    """One article's lines + its catalog entry → a Document with its paragraphs."""
    cleaned, metadata = clean_lines(lines, first_number)
    blocks = split_paragraphs(cleaned)
    headline = _leading_headline(blocks)
    title = entry.title or metadata.title or (headline.text if headline else None)
    paragraphs = _number_paragraphs(doc_id, blocks, {_comparable(title or ""), *(
        [_comparable(headline.text)] if headline else [])})
    return Document(doc_id=doc_id, file=file, title=title, publication=entry.publication,
                    date=entry.date or metadata.date, author=entry.author,
                    source_url=entry.url, paragraphs=tuple(paragraphs))


def _leading_headline(blocks: list[Block]) -> Block | None:
    """A heading before any body paragraph is the article's headline (captions may precede)."""
    for block in blocks:
        if block.kind == "heading":
            return block
        if block.kind != "caption":
            return None
    return None


def _number_paragraphs(doc_id: str, blocks: list[Block], titles: set[str]) -> list[Paragraph]:
    """Give paragraphs positions and sections; headings equal to the title are no section."""
    paragraphs: list[Paragraph] = []
    section: str | None = None
    for block in blocks:
        if block.kind == "heading":
            if _comparable(block.text) not in titles:
                section = block.text
            continue
        position = len(paragraphs) + 1
        paragraphs.append(Paragraph(id=f"{doc_id}-p{position}", doc_id=doc_id,
                                    position=position, kind=block.kind, section=section,
                                    text=block.text, line=block.number))
    return paragraphs


# ------------------------------------------------------------------------------------ files

def ingest_seeds(seeds_dir: Path) -> IngestResult:
    """Read every seed file of ``seeds_dir`` with its catalog; raises CatalogError if bad."""
    seeds_dir = Path(seeds_dir)
    catalog = read_catalog(seeds_dir / CATALOG_NAME)
    files = list_seed_files(seeds_dir)
    result = IngestResult()
    result.skipped.extend(catalog_orphans(catalog, [path.name for path in files], seeds_dir))
    for path in files:
        _ingest_file(path, catalog.get(path.name, []), result)
    return result


def ingest_file(path: Path, entries: Sequence[CatalogEntry]) -> IngestResult:
    """Read one seed file with its catalog entries (what ``ingest_seeds`` does for each file):
    an incremental build re-reads only the files that changed."""
    result = IngestResult()
    _ingest_file(Path(path), list(entries), result)
    return result


def catalog_orphans(catalog: dict[str, list[CatalogEntry]], names: Iterable[str],
                    seeds_dir: Path) -> list[SkippedFile]:
    """A skipped entry for each file the catalog names that is not among ``names``."""
    return [SkippedFile(missing, f"the catalog names this file but it is not in {seeds_dir}")
            for missing in sorted(set(catalog) - set(names))]


def list_seed_files(seeds_dir: Path) -> list[Path]:
    """The ``.txt`` and ``.md`` files of ``seeds_dir`` (not recursive, no hidden files), sorted.

    A broken symbolic link is listed too, so that it is reported as skipped, not ignored.
    """
    return sorted((path for path in Path(seeds_dir).iterdir()
                   if path.suffix.lower() in SEED_SUFFIXES and not path.name.startswith(".")
                   and (path.is_file() or (path.is_symlink() and not path.exists()))),
                  key=lambda path: path.name)


def _ingest_file(path: Path, entries: list[CatalogEntry], result: IngestResult) -> None:
    try:
        text, encoding = decode_bytes(path.read_bytes())
    except (OSError, UndecodableFile) as exc:
        result.skipped.append(SkippedFile(path.name, f"cannot read: {exc}"))
        return
    if encoding not in ("utf-8", "utf-8-sig"):
        result.notes.append(f"{path.name}: decoded as {encoding}")
    lines = text.split("\n")
    line_count = len(lines)
    long_lines = sum(1 for line in lines if len(line) > MAX_PARAGRAPH_CHARS)
    if long_lines:
        result.notes.append(f"{path.name}: {long_lines} line(s) longer than {MAX_PARAGRAPH_CHARS:,} "
                            "characters, cut into paragraphs at sentence ends")
    for entry in entries:
        if entry.lines and entry.lines[1] > line_count:
            result.notes.append(f"{path.name}: catalog lines {entry.lines[0]}-{entry.lines[1]} "
                                f"run past the end of the file ({line_count} lines)")
    documents = split_articles(text, path.name, entries)
    for document, entry in zip(documents, entries or [None] * len(documents)):
        if document.paragraphs:
            result.documents.append(document)
        else:
            where = f" lines {entry.lines[0]}-{entry.lines[1]}" if entry and entry.lines else ""
            result.skipped.append(SkippedFile(path.name, f"no paragraph of text found{where}"))
