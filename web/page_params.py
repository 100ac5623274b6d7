"""What the pages do with parameters a person typed or edited: correct the harmless ones, and
say in plain words what is wrong with the others.

Parts: ``corrected_params`` (a page number or page size out of range, an unknown sort → the
nearest good value; the view redirects there), ``plain_words`` (a BadParameter → a sentence for
a reader, not a developer).

Only the pages do this: the JSON API keeps its 400s (CONTRACT.md), a script must hear that it
asked for something that does not exist.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from search.facets import FACET_BY_NAME
from search.request import (DEFAULT_PER_PAGE, MAX_FILTER_VALUES, MAX_PER_PAGE, MAX_QUERY_LENGTH,
                            MAX_RESULT_WINDOW, MODES, SORTS, BadParameter)

_WHOLE = re.compile(r"\s*-?[0-9]+\s*")


def corrected_params(args: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """``args`` with ``per_page`` clamped to 1–100, ``page`` to 1…the last page the result
    window allows, and an unknown ``sort`` or ``mode`` dropped (their defaults apply). Values
    that are not numbers at all are dropped too. Everything else is left as it is."""
    out = {key: list(values) for key, values in args.items()}
    per_page = _whole(out, "per_page")
    if per_page is not None:
        per_page = min(max(per_page, 1), MAX_PER_PAGE)
        _set(out, "per_page", per_page)
    page = _whole(out, "page")
    if page is not None:
        last = MAX_RESULT_WINDOW // (per_page or DEFAULT_PER_PAGE)
        _set(out, "page", min(page, last) if page >= 1 else None)
    for name, choices in (("sort", SORTS), ("mode", MODES)):
        values = [v.strip() for v in out.get(name, []) if v.strip()]
        if values and values[0] not in choices:
            _set(out, name, None)
        elif len(values) > 1:
            _set(out, name, values[0])
    return out


def _whole(args: dict[str, list[str]], name: str) -> int | None:
    """The first value of ``name`` as a whole number; drops a value that is not one."""
    values = [v for v in args.get(name, []) if v.strip()]
    if not values:
        return None
    if not _WHOLE.fullmatch(values[0]):
        _set(args, name, None)
        return None
    return int(values[0])


def _set(args: dict[str, list[str]], name: str, value: object) -> None:
    if value is None:
        args.pop(name, None)
    elif args.get(name) != [str(value)]:
        args[name] = [str(value)]


def plain_words(error: BadParameter, args: Mapping[str, Sequence[str]]) -> str:
    """What is wrong with the search, for a reader of the page."""
    name = error.name
    values = [v for v in args.get(name, []) if v.strip()]
    given = f"“{values[0].strip()[:80]}”" if values else "The value given"
    if name == "q":
        return (f"The query is longer than {MAX_QUERY_LENGTH} characters. Search for its key "
                "words, or a phrase from it in quotes.")
    if name in ("date_from", "date_to"):
        if "after" in str(error):
            return "The start date is after the end date: swap them, or pick the range again."
        return f"{given} is not a date. Write dates as year-month-day, such as 2019-05-01."
    if name == "like":
        return ("That paragraph is not in the archive (it may have been removed since the link "
                "was made), so there is nothing to find paragraphs like it.")
    if name == "mode":
        return "Searching by meaning is not installed on this server; search by words instead."
    facet = FACET_BY_NAME.get(name)
    if facet is not None:
        if len(args.get(name, [])) > MAX_FILTER_VALUES:
            return f"At most {MAX_FILTER_VALUES} values of “{facet.label}” can be chosen at once."
        if facet.value_type is int:
            wrong = next((v for v in values if not re.fullmatch(r"\s*[0-9]{4}\s*", v)), "")
            return f"“{wrong.strip()[:80]}” is not a year: years are written with four digits, such as 2019."
        if facet.values:
            wrong = next((v for v in values if v.strip() not in facet.values), "")
            choices = ", ".join(facet.label_of(v) for v in facet.values)
            return f"“{wrong.strip()[:80]}” is not one of the “{facet.label}”: choose {choices}."
    return f"{given} does not work as “{name}” here."
