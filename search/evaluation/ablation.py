"""The relevance ablation: what each change of issue 13 adds, measured on the same judgments.

Parts: ``Variant`` (one row: a stemmer, whether metadata words are read, the search mode),
``VARIANTS`` (the rows, cumulative, in order), ``variant_system`` (a variant as a ranking system
for search/evaluation/queries.py) and ``run_ablation`` (every variant, the FTS5 baseline, one
report).

A variant changes only declared parameters, for the duration of each search: the stemmer
(search/analysis.py: ``use_stemmer``; a stemmer other than the index's needs its own index,
built into a temporary folder with that stemmer, one per stemmer), and the readings' boosts of search/ranking.py
(READING_BOOSTS, which the searcher reads at each search). Process-wide switches:
measurement only, never in a server.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from search import ranking
from search.analysis import snowball_english, use_stemmer
from search.engine import Engine, open_engine
from search.request import BadParameter, parse_request

from .queries import System


@dataclass(frozen=True, slots=True)
class Variant:
    """One row of the ablation.

    ``stemmer``: "previous" (Whoosh's Porter, the stemmer before issue 13), "snowball" (Snowball
    English without the irregular forms, the first round of issue 13) or "current"
    (search/analysis.py: irregular forms, then Snowball English). ``readings``: metadata words read and boosted (search/interpret.py),
    or not (READING_BOOSTS empty: the ranking before them).
    ``mode``: the request's ``mode``; "hybrid" needs the semantic extra.
    """

    name: str
    stemmer: str = "current"
    readings: bool = True
    mode: str = "lexical"
    note: str = ""


VARIANTS: tuple[Variant, ...] = (
    Variant("lexical today", stemmer="previous", readings=False),
    Variant("+ word forms", stemmer="snowball", readings=False),
    Variant("+ irregular forms", readings=False),
    Variant("+ metadata words"),
    Variant("+ semantic", mode="hybrid"),
)

@contextmanager
def _swapped(mapping: dict, values: Mapping) -> Iterator[None]:
    """``mapping`` holds ``values`` until the block ends (modules read these dicts per search)."""
    saved = dict(mapping)
    mapping.clear()
    mapping.update(values)
    try:
        yield
    finally:
        mapping.clear()
        mapping.update(saved)


@contextmanager
def _parameters(variant: Variant) -> Iterator[None]:
    with ExitStack() as stack:
        if variant.stemmer != "current":
            stack.enter_context(use_stemmer(_stemmer(variant.stemmer)))
        if not variant.readings:
            stack.enter_context(_swapped(ranking.READING_BOOSTS, {}))
        yield


def _stemmer(name: str) -> Callable[[str], str]:
    """The stemmer a variant other than "current" analyses with."""
    if name == "snowball":
        return snowball_english
    # kept by the embedded engine's schema for this measurement only
    from search.engines.whoosh.schema import PREVIOUS_STEMMER
    return PREVIOUS_STEMMER


@dataclass(slots=True)
class _Unavailable:
    """A variant that cannot run here: every query ranks nothing, and ``reason`` says why."""

    reason: str

    def __call__(self, query: str, k: int) -> list[str]:
        return []


def variant_system(variant: Variant, engine: Engine) -> System:
    """``variant`` searching ``engine`` as a ranking system ``(query, k) -> [paragraph id, …]``."""
    def rank(query: str, k: int) -> list[str]:
        request = parse_request({"q": [query], "per_page": [str(k)], "mode": [variant.mode]})
        with _parameters(variant):
            return [hit.id for hit in engine.search(request).hits]
    return rank


def _probe(variant: Variant, engine: Engine) -> str | None:
    """Why ``variant`` cannot run on ``engine`` (a mode it refuses), or None."""
    try:
        variant_system(variant, engine)("probe", 1)
    except BadParameter as error:
        if variant.mode == "hybrid":
            return "needs the semantic extra: pip install -e '.[semantic]', then rebuild the index"
        return str(error)
    return None


@dataclass(slots=True)
class Ablation:
    """The systems of an ablation run, and the variants that could not run (name → reason)."""

    systems: dict[str, System] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    folders: list[tempfile.TemporaryDirectory] = field(default_factory=list)

    def close(self) -> None:
        for folder in self.folders:
            folder.cleanup()


def build_ablation(engine: Engine, seeds_dir: Path,
                   variants: tuple[Variant, ...] = VARIANTS) -> Ablation:
    """A system per variant over ``engine`` (which holds ``seeds_dir`` with the current analysis);
    a variant with another stemmer searches an embedded index of the same seeds built with that
    stemmer in a temporary folder."""
    ablation = Ablation()
    built: dict[str, Engine] = {}
    for variant in variants:
        target = engine
        if variant.stemmer != "current":
            if variant.stemmer not in built:
                built[variant.stemmer] = _index_with(variant.stemmer, seeds_dir, ablation)
            target = built[variant.stemmer]
        reason = _probe(variant, target)
        if reason is not None:
            ablation.unavailable[variant.name] = reason
            ablation.systems[variant.name] = _Unavailable(reason)
        else:
            ablation.systems[variant.name] = variant_system(variant, target)
    return ablation


def _index_with(stemmer: str, seeds_dir: Path, ablation: Ablation) -> Engine:
    from search.changes import plan_changes
    from search.config import resolve
    folder = tempfile.TemporaryDirectory(prefix="hemeroteca-ablation-")
    ablation.folders.append(folder)
    settings = resolve({"seeds_dir": seeds_dir, "index_dir": folder.name, "engine": "whoosh"})
    built = open_engine(settings)
    with use_stemmer(_stemmer(stemmer)):
        built.apply(plan_changes(seeds_dir, None, full=True))
    return built
