"""A per-year bar chart as plain geometry, drawn as server-side SVG by the pages.

Parts: ``Bar`` (one year: its count, rectangle and link), ``Timeline`` (the bars, the chart's
size and its year labels), ``build_timeline`` (year counts → Timeline).

Pure: no Flask. The search page and the actor page pass the counts and a function that gives
each year's link, so every bar is an ordinary link and the chart works without JavaScript.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

PLOT_HEIGHT = 64      # px of bars; the tallest bar fills it
LABEL_HEIGHT = 16     # px under the bars for the year labels
TARGET_WIDTH = 560    # px the bars share; bars stay between MIN_BAR and MAX_BAR wide
MIN_BAR, MAX_BAR, GAP = 6.0, 44.0, 3.0


@dataclass(frozen=True, slots=True)
class Bar:
    """One year's bar; ``href`` is None for an empty year (nothing to filter to)."""

    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    href: str | None
    selected: bool = False

    @property
    def label(self) -> str:
        noun = "paragraph" if self.count == 1 else "paragraphs"
        return f"{self.year}: {self.count} {noun}"


@dataclass(frozen=True, slots=True)
class Timeline:
    bars: list[Bar]
    width: float
    height: float
    plot_height: float
    labels: list[tuple[float, int]] = field(default_factory=list)  # (centre x, year)


def build_timeline(counts: Mapping[int, int], href_for: Callable[[int], str],
                   selected: tuple[int, ...] | frozenset[int] = ()) -> Timeline | None:
    """Bars for every year from the first to the last in ``counts`` (gaps drawn as empty years).

    Returns None when there is no year to draw.
    """
    years = [year for year, count in counts.items() if count > 0]
    if not years:
        return None
    first, last = min(years), max(years)
    span = last - first + 1
    bar = max(MIN_BAR, min(MAX_BAR, TARGET_WIDTH / span - GAP))
    tallest = max(counts.values())
    # Label every year when they fit, else about every 40 px.
    every = max(1, round(40 / (bar + GAP))) if bar + GAP < 36 else 1
    bars, labels = [], []
    for i, year in enumerate(range(first, last + 1)):
        count = counts.get(year, 0)
        height = max(2.0, PLOT_HEIGHT * count / tallest) if count else 0.0
        x = round(i * (bar + GAP), 2)
        bars.append(Bar(year=year, count=count, x=x, y=round(PLOT_HEIGHT - height, 2),
                        width=round(bar, 2), height=round(height, 2),
                        href=href_for(year) if count else None, selected=year in selected))
        if (year - first) % every == 0:
            labels.append((round(x + bar / 2, 2), year))
    width = round(span * (bar + GAP) - GAP, 2)
    return Timeline(bars=bars, width=max(width, 40.0), height=PLOT_HEIGHT + LABEL_HEIGHT,
                    plot_height=PLOT_HEIGHT, labels=labels)
