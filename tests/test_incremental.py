"""Incremental updates (issue 14): `hemeroteca index` re-reads only what changed, and the index
then answers exactly what a `--full` build of the same seeds answers.

The property: after any sequence of added, changed and removed articles (and catalog entries),
every answer of the API (searches of every shape, facets, suggestions, documents, actors,
exports) is the same JSON, byte for byte but the time taken, as a full build's. Around it:
unchanged files are not read again, a removed article is gone everywhere, a corpus-wide actor
name that moves is restated in old paragraphs, a crash leaves the previous generation serving,
a change planned against another index is refused, and merges keep the answers.

The long run sets ``INCREMENTAL_EXAMPLES``::

    INCREMENTAL_EXAMPLES=200 python -m pytest tests/test_incremental.py -q
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REAL_SEEDS, TINY_SEEDS, make_app
from search import changes as changes_module
from search.actors.extractor import ActorExtractor
from search.config import resolve
from search.engine import IndexBusy
from search.engines.whoosh import indexer
from search.engines.whoosh.generation import open_current
from search.engines.whoosh.columns import SegmentColumns, column_row
from search.engines.whoosh.indexer import build_index, write_generation
from search.engines.whoosh.layout import current_generation, read_seed_state
from search.ingest.catalog import read_catalog
from search.pipeline_cache import CACHE_DIR

EXAMPLES = int(os.environ.get("INCREMENTAL_EXAMPLES", "0")) or None

# Articles that change one another's actors when they come and go: a lone surname joins the one
# full name of the corpus that fits it (q_tomas), and no longer when a second one arrives
# (r_lucia); a spelling without accents gives way to the accented one (s_/t_ramon).
POOL = {
    "p_surname.txt": "Talks in Caracas\n\nMr Villalba said on Tuesday that the talks in Caracas had "
                     "failed.\n\nVillalba later left for Bogotá with his family.\n",
    "q_tomas.txt": "Deputy arrested\n\nTomás Villalba, the deputy speaker of the National Assembly, "
                   "was arrested in Caracas on Wednesday.\n\nThe drought in the east was not discussed.\n",
    "r_lucia.txt": "A lawyer speaks\n\nLucía Villalba, a lawyer, spoke to reporters in Lima on Friday "
                 "about the sanctions.\n",
    "s_ramon.txt": "Oil exports\n\nRamon Quintana, the oil minister, said exports of crude oil to "
                   "India had doubled.\n\nMr Quintana spoke in Maracaibo.\n",
    "t_ramon.txt": "A minister resigns\n\nRamón Quintana resigned on Monday after the sanctions "
                   "hit the oil sector.\n",
    "u_repeat.txt": "Sanctions again\n\nThe sanctions on oil exports were tightened again in Caracas.\n\n"
                    "The sanctions on oil exports were tightened again in Caracas.\n",
}
EXTRA_SENTENCES = [
    "Mr Villalba refused to comment on the drought.",
    "Tomás Villalba was released on Friday.",
    "The sanctions on oil exports were tightened again in Caracas.",
    "Nicolás Maduro met Ramon Quintana in Caracas.",
    "Juan Guaidó called for new elections and an end to the sanctions.",
]
TITLES = ["A new title", "Sanctions and oil", None]
PUBLICATIONS = ["The Weekly Globe", "Nairobi Herald", "The Economist", None]
DATES = ["2016-11", "2019-05-09", "2021", None]

# What the comparison asks of both indexes: searches of every shape (ties, phrases, prefixes,
# typos, negations, filters, sorts, pages), and the lists and entries. Fuzzy words and typos
# read the whole lexicon (a second each here): the property test leaves out the fuzzy ones.
QUERIES = ["", "drought", "sanctions oil", "Villalba", "Tomás Villalba", "Quintana", "Maduro",
           '"National Assembly"', "Caracas -Maduro", "oil 2019", "Economist Maduro", "actor:villalba",
           "kenya OR chile", "sanctio*"]
SLOW_QUERIES = ["Vilalba", "drougth food", "zanzibarian"]
FUZZY_QUERIES = ["Guiado~", "Quintna~1"]
FILTERS = [{"sort": "newest"}, {"sort": "oldest"}, {"page": "2"}, {"year": ["2019", "2016"]},
           {"actor": "Tomás Villalba"}, {"publication": "The Economist"}, {"place": "Caracas"},
           {"kind": "caption"}, {"date_from": "2019-01-01", "date_to": "2021-12-31"}]


# ------------------------------------------------------------------------------ corpus helpers

def base_catalog() -> list[dict]:
    entries = []
    for folder in (REAL_SEEDS, TINY_SEEDS):
        for file_entries in read_catalog(folder / "catalog.toml").values():
            entries += [asdict(entry) for entry in file_entries]
    return entries


def write_catalog(seeds: Path, entries: list[dict]) -> None:
    lines = []
    for entry in entries:
        lines.append("[[article]]")
        for key, value in entry.items():
            if value is None:
                continue
            if key == "lines":
                value = f"{value[0]}-{value[1]}"
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        lines.append("")
    (seeds / "catalog.toml").write_text("\n".join(lines), encoding="utf-8")


def make_seeds(folder: Path) -> tuple[Path, list[dict]]:
    """The seed and tiny corpora in one folder (without actors.toml), and their catalog."""
    seeds = folder / "seeds"
    seeds.mkdir(parents=True)
    for source in [*REAL_SEEDS.glob("*.txt"), *TINY_SEEDS.glob("*.txt"), *TINY_SEEDS.glob("*.md")]:
        shutil.copy(source, seeds / source.name)
    catalog = base_catalog()
    write_catalog(seeds, catalog)
    return seeds, catalog


def settings_for(seeds: Path, index: Path):
    return resolve({"seeds_dir": seeds, "index_dir": index})


def answers(index: Path, seeds: Path, fuzzy: bool = True) -> dict[str, object]:
    """Every answer the comparison looks at, by URL (JSON without ``took_ms``; CSV as text)."""
    client = make_app(seeds, index).test_client()
    out: dict[str, object] = {}

    def get(url: str, **params) -> object:
        response = client.get(url, query_string=params)
        key = f"{url} {json.dumps(params, sort_keys=True)}"
        body = response.get_json(silent=True) if response.is_json else response.get_data(as_text=True)
        if isinstance(body, dict):
            body.pop("took_ms", None)
        out[key] = (response.status_code, body)
        return body

    for q in QUERIES:
        get("/api/search", q=q)
        get("/api/search", q=q, per_page="50")
    for extra in FILTERS:
        for q in ("", "sanctions oil"):
            get("/api/search", q=q, **extra)
    for q in SLOW_QUERIES + (FUZZY_QUERIES if fuzzy else []):
        get("/api/search", q=q)
    first = get("/api/search", q="Caracas sanctions", per_page="3")
    for hit in first["hits"]:
        get("/api/search", like=hit["id"])
        get("/api/search", like=hit["id"], q="oil")
    for q in ("sanctions", "Villalba"):
        get("/export.json", q=q)
        get("/export.csv", q=q, sort="oldest")
    for document in get("/api/documents"):
        get(f"/api/documents/{document['id']}")
        get(f"/api/documents/{document['id']}", q="sanctions Villalba")
    for actor in get("/api/actors"):
        get(f"/api/actors/{actor['name']}")
    return out


def assert_same_answers(incremental: Path, full: Path, seeds: Path, fuzzy: bool = True) -> None:
    ours, theirs = answers(incremental, seeds, fuzzy), answers(full, seeds, fuzzy)
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert ours[key] == theirs[key], f"{key}: {difference(ours[key], theirs[key])}"


def difference(ours: object, theirs: object, path: str = "") -> str:
    """Where two JSON values first differ, and how (for a readable failure)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in sorted(set(ours) | set(theirs), key=str):
            if ours.get(key) != theirs.get(key):
                return difference(ours.get(key), theirs.get(key), f"{path}.{key}")
    if isinstance(ours, (list, tuple)) and isinstance(theirs, (list, tuple)) and len(ours) == len(theirs):
        for number, (a, b) in enumerate(zip(ours, theirs)):
            if a != b:
                return difference(a, b, f"{path}[{number}]")
    return f"{path or 'value'}: incremental {ours!r} != full {theirs!r}"


# ------------------------------------------------------------------------------ the property

Operation = tuple  # ("add", name) | ("remove", name) | ("append", name, sentence) | ("catalog", …)

operations = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(sorted(POOL))),
    st.tuples(st.just("remove"), st.integers(0, 30)),
    st.tuples(st.just("append"), st.integers(0, 30), st.sampled_from(EXTRA_SENTENCES)),
    st.tuples(st.just("catalog"), st.integers(0, 30), st.sampled_from(TITLES),
              st.sampled_from(PUBLICATIONS), st.sampled_from(DATES)),
)
# (TIER_BASE, SEGMENTS_PER_TIER, MAX_DELETED_SHARE): the shipped policy, and one that merges
# at almost every build (so merged segments and rewritten ones are compared too)
POLICIES = st.sampled_from([(indexer.TIER_BASE, indexer.SEGMENTS_PER_TIER, indexer.MAX_DELETED_SHARE),
                            (4, 1, 0.02)])


def apply_operation(seeds: Path, catalog: list[dict], operation: Operation) -> None:
    articles = sorted(p.name for p in seeds.iterdir() if p.suffix in (".txt", ".md"))
    kind = operation[0]
    if kind == "add":
        (seeds / operation[1]).write_text(POOL[operation[1]], encoding="utf-8")
    elif kind == "remove" and articles:
        name = articles[operation[1] % len(articles)]
        (seeds / name).unlink()
        catalog[:] = [entry for entry in catalog if entry["file"] != name]
    elif kind == "append" and articles:
        path = seeds / articles[operation[1] % len(articles)]
        entries = [entry for entry in catalog if entry["file"] == path.name]
        if any(entry.get("lines") for entry in entries):
            # an article cut from a file by line numbers: change a word inside it instead
            path.write_text(path.read_text(encoding="utf-8").replace(" the ", " the very ", 1),
                            encoding="utf-8")
        else:
            path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{operation[2]}\n",
                            encoding="utf-8")
    elif kind == "catalog" and articles:
        name = articles[operation[1] % len(articles)]
        entries = [entry for entry in catalog if entry["file"] == name]
        if not entries:
            entries = [{"file": name}]
            catalog.append(entries[0])
        entry = entries[operation[1] % len(entries)]
        entry.update({"title": operation[2], "publication": operation[3], "date": operation[4]})
    write_catalog(seeds, catalog)


@pytest.fixture(scope="module")
def base_index(tmp_path_factory):
    """The combined corpus, built once; each example starts from a copy (index and cache)."""
    folder = tmp_path_factory.mktemp("incremental-base")
    seeds, catalog = make_seeds(folder)
    build_index(settings_for(seeds, folder / "index"))
    return folder, catalog


@settings(max_examples=EXAMPLES or 6, deadline=None, derandomize=EXAMPLES is None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.lists(operations, min_size=1, max_size=3), min_size=1, max_size=3),
       policy=POLICIES)
def test_any_sequence_of_changes_answers_as_a_full_build(base_index, tmp_path_factory, steps, policy):
    base, catalog = base_index
    folder = tmp_path_factory.mktemp("incremental")
    shutil.copytree(base, folder, dirs_exist_ok=True, symlinks=True)
    seeds, index = folder / "seeds", folder / "index"
    catalog = json.loads(json.dumps(catalog))
    saved = (indexer.TIER_BASE, indexer.SEGMENTS_PER_TIER, indexer.MAX_DELETED_SHARE)
    indexer.TIER_BASE, indexer.SEGMENTS_PER_TIER, indexer.MAX_DELETED_SHARE = policy
    try:
        for step in steps:
            for operation in step:
                apply_operation(seeds, catalog, operation)
            report = build_index(settings_for(seeds, index))
            assert open_current(index).build["incremental"], "the update was not incremental"
            assert report.added + report.changed + report.unchanged == report.documents
    finally:
        indexer.TIER_BASE, indexer.SEGMENTS_PER_TIER, indexer.MAX_DELETED_SHARE = saved
    full = folder / "full"
    build_index(settings_for(seeds, full), full=True)
    assert_same_answers(index, full, seeds, fuzzy=False)


# ------------------------------------------------------------------------------ what is read

@pytest.fixture
def corpus(tmp_path):
    seeds, catalog = make_seeds(tmp_path)
    index = tmp_path / "index"
    build_index(settings_for(seeds, index))
    return seeds, catalog, index


def documents(index: Path) -> int:
    return len(open_current(index).documents)


@pytest.fixture
def spies(monkeypatch):
    """Which files ingest reads and which articles actor extraction runs on."""
    read: list[str] = []
    extracted: list[str] = []
    real_ingest = changes_module.ingest_file
    real_extract = ActorExtractor.extract_document

    def ingest_file(path, entries):
        read.append(Path(path).name)
        return real_ingest(path, entries)

    def extract_document(self, document):
        extracted.append(document.doc_id)
        return real_extract(self, document)

    monkeypatch.setattr(changes_module, "ingest_file", ingest_file)
    monkeypatch.setattr(ActorExtractor, "extract_document", extract_document)
    return read, extracted


def test_only_the_added_file_is_read_and_extracted(corpus, spies):
    seeds, _, index = corpus
    read, extracted = spies
    before = documents(index)
    (seeds / "q_tomas.txt").write_text(POOL["q_tomas.txt"], encoding="utf-8")
    report = build_index(settings_for(seeds, index))
    assert (report.added, report.changed, report.removed, report.unchanged) == (1, 0, 0, before)
    assert read == ["q_tomas.txt"]
    assert extracted == ["q_tomas"]
    assert report.summary().startswith(f"1 added, 0 changed, 0 removed, {before} unchanged documents; ")


def test_a_catalog_title_change_rewrites_that_article_without_extracting_it(corpus, spies):
    seeds, catalog, index = corpus
    read, extracted = spies
    for entry in catalog:
        if entry["file"] == "b_kenya_drought.txt":
            entry["title"] = "Kenya's long drought"
    write_catalog(seeds, catalog)
    report = build_index(settings_for(seeds, index))
    assert (report.added, report.changed, report.removed) == (0, 1, 0)
    assert read == ["b_kenya_drought.txt"]  # its entry changed; no other file is read
    assert extracted == []                  # same paragraphs: their actors come from the cache
    client = make_app(seeds, index).test_client()
    hits = client.get("/api/search?q=drought&per_page=50").get_json()["hits"]
    assert {hit["title"] for hit in hits if hit["doc_id"] == "b_kenya_drought"} == {"Kenya's long drought"}


def test_a_second_article_of_a_file_changes_alone(corpus, spies):
    # c_saved_page holds two articles (catalog lines 4-16 and 19-33): editing the second one's
    # entry re-reads the file but rewrites only that article
    seeds, catalog, index = corpus
    read, _ = spies
    for entry in catalog:
        if entry["file"] == "c_saved_page_ukraine_brazil.txt" and entry["lines"] == (19, 33):
            entry["publication"] = "Another Review"
    write_catalog(seeds, catalog)
    report = build_index(settings_for(seeds, index))
    assert read == ["c_saved_page_ukraine_brazil.txt"]
    assert (report.added, report.changed, report.removed, report.unchanged) == (0, 1, 0, documents(index) - 1)


def test_nothing_changed_reads_nothing(corpus, spies):
    seeds, _, index = corpus
    read, extracted = spies
    report = build_index(settings_for(seeds, index))
    assert (read, extracted) == ([], [])
    assert (report.added, report.changed, report.removed, report.unchanged) == (0, 0, 0, documents(index))


# ------------------------------------------------------------------------------ what it changes

def test_a_removed_article_is_gone_everywhere(corpus):
    seeds, catalog, index = corpus
    client = make_app(seeds, index).test_client()
    before = client.get("/api/search?q=drought").get_json()
    assert "Nairobi Herald" in {v["value"] for v in before["facets"]["publication"]}
    kenyan = {a["name"] for a in client.get("/api/documents/b_kenya_drought").get_json()["paragraphs"][0]["actors"]}
    (seeds / "b_kenya_drought.txt").unlink()
    write_catalog(seeds, [entry for entry in catalog if entry["file"] != "b_kenya_drought.txt"])
    before = documents(index)
    report = build_index(settings_for(seeds, index))
    assert (report.removed, report.unchanged) == (1, before - 1)

    for q in ("drought", "Kenya", ""):
        result = client.get("/api/search", query_string={"q": q, "per_page": 100}).get_json()
        assert all(hit["doc_id"] != "b_kenya_drought" for hit in result["hits"]), q
        assert "Nairobi Herald" not in {v["value"] for v in result["facets"]["publication"]}
    assert client.get("/api/documents/b_kenya_drought").status_code == 404
    assert "b_kenya_drought" not in {d["id"] for d in client.get("/api/documents").get_json()}
    actors = {a["name"]: a for a in client.get("/api/actors").get_json()}
    only_there = [name for name in kenyan if name not in actors]
    assert only_there, "an actor named only in the removed article"
    for name in only_there:
        assert client.get(f"/api/actors/{name}").status_code == 404
        facet = client.get("/api/search?q=").get_json()["facets"]["actor"]
        assert name not in {v["value"] for v in facet}
    for export in ("/export.json?q=drought", "/export.csv?q=drought"):
        assert "b_kenya_drought" not in client.get(export).get_data(as_text=True)
    assert client.get("/api/search?q=Nairobi").get_json()["interpretation"] == []
    full = seeds.parent / "full"
    build_index(settings_for(seeds, full), full=True)
    assert_same_answers(index, full, seeds)


def test_a_surname_joins_the_full_name_that_arrives_and_leaves_with_it(corpus):
    """The corpus-wide name of "Mr Villalba" depends on other articles: his paragraphs, which
    did not change, are restated when Tomás Villalba arrives and again when Lucía Villalba arrives."""
    seeds, _, index = corpus
    client = make_app(seeds, index).test_client()

    def names_in_surname_article():
        document = client.get("/api/documents/p_surname").get_json()
        return {actor["name"] for paragraph in document["paragraphs"] for actor in paragraph["actors"]}

    (seeds / "p_surname.txt").write_text(POOL["p_surname.txt"], encoding="utf-8")
    build_index(settings_for(seeds, index))
    assert "Villalba" in names_in_surname_article()

    (seeds / "q_tomas.txt").write_text(POOL["q_tomas.txt"], encoding="utf-8")
    planned = changes_module.plan_changes(seeds, read_seed_state(index), cache_dir=index / CACHE_DIR)
    assert planned.added == ["q_tomas"]
    assert set(planned.restated) == {"p_surname-p1", "p_surname-p2"}
    write_generation(index, planned)
    assert "Tomás Villalba" in names_in_surname_article()
    tomas = client.get("/api/actors/Tomás Villalba").get_json()
    assert (tomas["paragraphs"], tomas["documents"]) == (3, 2)
    assert client.get("/api/actors/Villalba").status_code == 404
    assert client.get("/api/search?actor=Tom%C3%A1s+Villalba").get_json()["total"] == 3

    (seeds / "r_lucia.txt").write_text(POOL["r_lucia.txt"], encoding="utf-8")
    build_index(settings_for(seeds, index))
    assert "Villalba" in names_in_surname_article()  # two full names now: it joins neither
    assert client.get("/api/actors/Tomás Villalba").get_json()["paragraphs"] == 1
    full = seeds.parent / "full"
    build_index(settings_for(seeds, full), full=True)
    assert_same_answers(index, full, seeds)


def test_the_previous_generation_is_never_written_to(corpus):
    seeds, _, index = corpus
    previous = current_generation(index)

    def digests(folder: Path) -> dict[str, str]:
        return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
                for path in sorted(folder.rglob("*")) if path.is_file()}
    before = digests(previous)
    (seeds / "q_tomas.txt").write_text(POOL["q_tomas.txt"], encoding="utf-8")
    (seeds / "d_chile_hack.md").unlink()
    build_index(settings_for(seeds, index))
    assert current_generation(index) != previous
    assert digests(previous) == before
    # and the new generation shares the unchanged segments' files with it (hard links)
    shared = [path for path in previous.glob("MAIN_*.seg")
              if (current_generation(index) / path.name).exists()]
    assert shared and all((current_generation(index) / p.name).stat().st_ino == p.stat().st_ino for p in shared)


def test_a_crash_in_the_middle_of_an_update_leaves_the_previous_generation_serving(corpus, monkeypatch):
    # (kill -9 at every moment of an update, with real processes: tests/test_index_safety.py)
    seeds, _, index = corpus
    previous = current_generation(index)
    client = make_app(seeds, index).test_client()
    (seeds / "q_tomas.txt").write_text(POOL["q_tomas.txt"], encoding="utf-8")

    def crash(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(indexer, "_write_new_columns", crash)
    with pytest.raises(OSError, match="disk full"):
        build_index(settings_for(seeds, index))
    assert current_generation(index) == previous
    assert not [p for p in index.iterdir() if p.name.endswith(".building")]
    assert client.get("/api/search?q=Villalba").get_json()["total"] == 0
    monkeypatch.undo()
    build_index(settings_for(seeds, index))
    assert client.get("/api/search?q=Villalba").get_json()["total"] == 1


def test_a_change_planned_against_another_index_is_refused(corpus):
    seeds, _, index = corpus
    (seeds / "q_tomas.txt").write_text(POOL["q_tomas.txt"], encoding="utf-8")
    stale = changes_module.plan_changes(seeds, read_seed_state(index), cache_dir=index / CACHE_DIR)
    (seeds / "r_lucia.txt").write_text(POOL["r_lucia.txt"], encoding="utf-8")
    build_index(settings_for(seeds, index))  # another build finished first
    current = current_generation(index)
    with pytest.raises(IndexBusy, match="changed while this build read the seeds"):
        write_generation(index, stale)
    assert current_generation(index) == current


def test_without_its_cache_the_update_is_a_full_build(corpus):
    seeds, _, index = corpus
    shutil.rmtree(index / CACHE_DIR)
    before = documents(index)
    (seeds / "q_tomas.txt").write_text(POOL["q_tomas.txt"], encoding="utf-8")
    report = build_index(settings_for(seeds, index))
    assert (report.added, report.unchanged) == (before + 1, 0)
    assert not open_current(index).build["incremental"]


def test_a_changed_actor_dictionary_rebuilds_everything(corpus):
    seeds, _, index = corpus
    (seeds / "actors.toml").write_text((REAL_SEEDS / "actors.toml").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    report = build_index(settings_for(seeds, index))
    assert report.added == report.documents == documents(index)
    assert not open_current(index).build["incremental"]


def test_full_flag_rebuilds_from_scratch(corpus, spies):
    seeds, _, index = corpus
    read, extracted = spies
    report = build_index(settings_for(seeds, index), full=True)
    assert (report.added, report.unchanged) == (documents(index), 0)
    articles = [p for p in seeds.iterdir() if p.suffix in (".txt", ".md")]
    assert len(read) == len(articles) and len(extracted) == documents(index)  # every file, every article


# ------------------------------------------------------------------------------ merging

def test_merges_keep_the_answers_and_bound_the_segments(corpus, monkeypatch):
    seeds, _, index = corpus
    monkeypatch.setattr(indexer, "TIER_BASE", 4)
    monkeypatch.setattr(indexer, "SEGMENTS_PER_TIER", 2)
    for number in range(6):
        (seeds / f"v_new{number}.txt").write_text(
            f"Update {number}\n\nThe sanctions on oil were discussed in Caracas, update {number}.\n",
            encoding="utf-8")
        build_index(settings_for(seeds, index))
        with open_current(index).index.reader() as reader:
            sizes = [leaf.doc_count_all() for leaf, _ in reader.leaf_readers()]
        largest = indexer.MAX_MERGED_SHARE * sum(sizes)
        tiers = [indexer.tier(size) for size in sizes if size <= largest]
        assert all(tiers.count(t) <= indexer.SEGMENTS_PER_TIER for t in set(tiers)), sizes
    assert_columns_match_stored_fields(index)
    full = seeds.parent / "full"
    build_index(settings_for(seeds, full), full=True)
    assert_same_answers(index, full, seeds)


def assert_columns_match_stored_fields(index: Path) -> None:
    """Each segment's columns (from the rows written, and for merged documents from their old
    segment's columns) are what its stored fields give."""
    generation = open_current(index)
    with generation.index.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            kept = SegmentColumns.load(generation.path / "columns" / leaf.segment().segid)
            stored = [leaf.stored_fields(n) for n in range(leaf.doc_count_all())]
            fresh = SegmentColumns.from_stored([column_row(row) for row in stored])
            assert kept.paragraph_ids == fresh.paragraph_ids and kept.doc_ids == fresh.doc_ids
            for name in ("position", "date_start", "date_end", "date_sort"):
                assert getattr(kept, name).tolist() == getattr(fresh, name).tolist(), name
            for facet, entries in kept.facets.items():
                pairs = sorted((d, entries.values[o], t) for d, o, t in
                               zip(entries.docs.tolist(), entries.ordinals.tolist(), entries.types.tolist()))
                other = fresh.facets[facet]
                assert pairs == sorted((d, other.values[o], t) for d, o, t in
                                       zip(other.docs.tolist(), other.ordinals.tolist(), other.types.tolist())), facet


def test_a_segment_mostly_deleted_is_rewritten(corpus, monkeypatch):
    seeds, catalog, index = corpus
    monkeypatch.setattr(indexer, "MAX_DELETED_SHARE", 0.01)
    with open_current(index).index.reader() as reader:
        before = {leaf.segment().segid for leaf, _ in reader.leaf_readers()}
    (seeds / "b_kenya_drought.txt").unlink()
    write_catalog(seeds, [entry for entry in catalog if entry["file"] != "b_kenya_drought.txt"])
    build_index(settings_for(seeds, index))
    with open_current(index).index.reader() as reader:
        assert not reader.has_deletions()
        after = {leaf.segment().segid for leaf, _ in reader.leaf_readers()}
    assert not before & after
    assert_columns_match_stored_fields(index)


@pytest.mark.parametrize("size, expected", [(1, 0), (999, 0), (1000, 1), (9999, 1), (10000, 2),
                                            (250000, 3)])
def test_segment_tiers_grow_by_tens(size, expected):
    assert indexer.tier(size) == expected


# ------------------------------------------------------------------------------ determinism

def test_ties_are_ordered_newest_first_then_by_archive_order(tmp_path):
    """Equal scores never depend on document numbers (search/ranking.py TIE_BREAK)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = "Headline\n\nThe sanctions on oil exports were tightened again.\n"
    for name in ("m_old.txt", "n_new.txt", "o_undated.txt", "k_new_too.txt"):
        (seeds / name).write_text(text, encoding="utf-8")
    write_catalog(seeds, [{"file": "m_old.txt", "date": "2001-02-03"},
                          {"file": "n_new.txt", "date": "2020-01"},
                          {"file": "k_new_too.txt", "date": "2020-01"}])
    build_index(settings_for(seeds, tmp_path / "index"))
    client = make_app(seeds, tmp_path / "index").test_client()
    hits = client.get("/api/search?q=sanctions").get_json()["hits"]
    assert len({hit["score"] for hit in hits}) == 1
    assert [hit["doc_id"] for hit in hits] == ["k_new_too", "n_new", "m_old", "o_undated"]


def test_two_full_builds_answer_alike_however_they_were_written(tmp_path, monkeypatch):
    seeds, _ = make_seeds(tmp_path)
    build_index(settings_for(seeds, tmp_path / "one"), full=True)
    monkeypatch.setattr(indexer, "PARALLEL_FROM", 1)  # two writer processes, two segments
    build_index(settings_for(seeds, tmp_path / "two"), full=True)
    assert_same_answers(tmp_path / "one", tmp_path / "two", seeds)


# ------------------------------------------------------------------------------ serve --watch

def test_serve_watch_indexes_articles_as_they_arrive_and_leave(tmp_path):
    """A real server with --watch: a new article is found without a restart or a command, and a
    removed one disappears; requests keep being answered meanwhile."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from conftest import ROOT
    seeds = tmp_path / "seeds"
    shutil.copytree(TINY_SEEDS, seeds)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "search", "serve", "--port", str(port), "--watch",
                               "--watch-interval", "0.3", "--seeds", str(seeds), "--index",
                               str(tmp_path / "index")], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

    def total(q: str) -> int | None:
        try:
            url = f"http://127.0.0.1:{port}/api/search?q={q}"
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.loads(response.read())["total"]
        except OSError:
            return None

    def wait_for(q: str, expected: int) -> None:
        deadline = time.time() + 90
        while total(q) != expected:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.time() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)
    try:
        wait_for("drought", 3)
        (seeds / "q_tomas.txt").write_text(POOL["q_tomas.txt"], encoding="utf-8")
        wait_for("Villalba", 1)
        (seeds / "q_tomas.txt").unlink()
        wait_for("Villalba", 0)
        assert total("drought") == 3
        assert "1 added, 0 changed, 0 removed" in (tmp_path / "server.log").read_text()
    finally:
        server.kill()
        server.wait(timeout=30)
        log.close()


# Whoosh leaves a file handle open when it fails on a damaged table of contents.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_index_command_rebuilds_a_damaged_index_instead_of_updating_it(corpus):
    from click.testing import CliRunner

    from search.cli import main
    seeds, _, index = corpus
    for toc in current_generation(index).glob("*.toc"):
        toc.write_bytes(b"\x80garbage")
    (seeds / "q_tomas.txt").write_text(POOL["q_tomas.txt"], encoding="utf-8")
    result = CliRunner().invoke(main, ["index", "--seeds", str(seeds), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "cannot be updated" in result.output and "rebuilding it" in result.output
    assert not open_current(index).build["incremental"]
    assert make_app(seeds, index).test_client().get("/api/search?q=Villalba").get_json()["total"] == 1


def test_the_cache_is_keyed_by_every_module_the_pipeline_runs():
    """A cached result is valid for the code that made it: every module of the package that
    planning imports is part of the pipeline's digest (search/corpus_state.py)."""
    import subprocess
    import sys
    from fnmatch import fnmatch

    from conftest import ROOT
    from search import corpus_state
    code = ("import sys, search.changes; print('\\n'.join(m.__file__ for n, m in list(sys.modules.items()) "
            "if n.startswith('search') and getattr(m, '__file__', None)))")
    files = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    package = Path(corpus_state.__file__).resolve().parent
    for file in files:
        relative = Path(file).resolve().relative_to(package).as_posix()
        assert any(fnmatch(relative, pattern) for pattern in corpus_state._PIPELINE_SOURCES), relative


def test_read_seeds_hashes_only_files_that_moved(tmp_path):
    """A file whose size, time and inode are unchanged since a settled read keeps its digest
    without being read (a stat per file instead of a hash); any other file is hashed again."""
    import time

    from search.seeds import SeedState, read_seeds
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("alpha", encoding="utf-8")
    (seeds / "b.txt").write_text("bravo", encoding="utf-8")
    first = read_seeds(seeds)
    settled = SeedState(first.files, first.stats, time.time() + 10)  # read long after the writes
    stat = (seeds / "a.txt").stat()
    (seeds / "a.txt").write_text("ALPHA", encoding="utf-8")  # same size, then the same time
    os.utime(seeds / "a.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (seeds / "b.txt").write_text("bravo!", encoding="utf-8")
    again = read_seeds(seeds, known=settled)
    assert again.files["a.txt"] == first.files["a.txt"]  # trusted: not read again
    assert again.files["b.txt"] != first.files["b.txt"]
    assert read_seeds(seeds).files["a.txt"] != first.files["a.txt"]  # without ``known``: hashed
    # a read too close to the writes trusts nothing
    assert read_seeds(seeds, known=first).files["a.txt"] != first.files["a.txt"]
    assert SeedState.from_json(again.to_json()) == again and again.stats == SeedState.from_json(again.to_json()).stats


def test_the_server_and_watch_ask_the_index_which_files_moved(tmp_path):
    """seeds_stale (a server's start, each change --watch sees, serve and eval) trusts what the
    index read for files that did not move, as the build does: an edit that keeps a file's
    size, time and inode is not seen (the price of not reading the archive), any other is."""
    import time

    from search.engine import open_engine, seeds_stale
    from search.seeds import read_seeds
    seeds, _ = make_seeds(tmp_path)
    long_ago = time.time() - 3600
    for path in seeds.iterdir():
        os.utime(path, (long_ago, long_ago))
    settings = settings_for(seeds, tmp_path / "index")
    build_index(settings, full=True)
    engine = open_engine(settings)
    assert seeds_stale(engine, seeds) is None
    article = seeds / "b_kenya_drought.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("drought", "DROUGHT", 1), encoding="utf-8")  # same size
    os.utime(article, (long_ago, long_ago))
    assert seeds_stale(engine, seeds) is None                      # trusted, not read
    assert engine.stale_reason(read_seeds(seeds)) is not None      # a full read sees it
    os.utime(article)                                              # now it moved
    assert seeds_stale(engine, seeds) is not None
    engine.close()


def test_fuzzy_words_expand_alike_on_one_segment_and_several(tmp_path, monkeypatch):
    """Whoosh answers terms_within with an automaton on one segment but a Damerau scan on
    several (search/engines/whoosh/readers.py): "guiado" is one swap from "guaido", two
    Levenshtein edits. Within one edit, neither index may offer it."""
    seeds, _ = make_seeds(tmp_path)
    build_index(settings_for(seeds, tmp_path / "one"), full=True)
    monkeypatch.setattr(indexer, "PARALLEL_FROM", 1)
    build_index(settings_for(seeds, tmp_path / "two"), full=True)
    found = {}
    for name in ("one", "two"):
        with open_current(tmp_path / name).index.reader() as reader:
            found[name] = (len(reader.leaf_readers()),
                           [list(reader.terms_within("text", word, distance)) for word, distance in
                            (("guiado", 1), ("guiado", 2), ("drougth", 2), ("sanctoins", 1))])
    assert (found["one"][0], found["two"][0]) == (1, 2)
    assert found["one"][1] == found["two"][1]
    assert "guaido" not in found["two"][1][0] and "guaido" in found["two"][1][1]


def test_fuzzy_words_come_from_each_index_even_when_segment_ids_repeat(tmp_path):
    """readers.py walks each segment's words in memory, cached by segment. Whoosh names
    segments with ``random``, which a seeded caller replays (Hypothesis does, above): two
    indexes with other words under one segment id must each answer with their own words,
    the words Whoosh's automaton finds on disk."""
    from whoosh.codec.base import Automata

    seeds, _ = make_seeds(tmp_path)
    words = [("guiado", 2), ("drougth", 2), ("sanctoins", 1), ("maduoro", 1), ("kenia", 2)]
    found = {}
    for name in ("all", "fewer"):
        if name == "fewer":
            for source in REAL_SEEDS.glob("*.txt"):
                (seeds / source.name).unlink()
        random.seed(1234)
        build_index(settings_for(seeds, tmp_path / name), full=True)
        with open_current(tmp_path / name).index.reader() as reader:
            (leaf, _), = reader.leaf_readers()  # a small corpus: one segment
            on_disk = [sorted(Automata.find_matches(Automata.levenshtein_dfa(word, distance),
                                                    leaf.cursor("text")))
                       for word, distance in words]
            in_memory = [sorted(reader.terms_within("text", word, distance))
                         for word, distance in words]
            found[name] = (leaf.segment().segid, in_memory)
        assert in_memory == on_disk, name
    assert found["all"][0] == found["fewer"][0]  # the case this guards: one id, two indexes
    assert found["all"][1] != found["fewer"][1]
