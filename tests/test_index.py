"""Building index generations: atomic switch, stable ids, staleness, the build lock."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


from search.config import resolve
from search.engines.whoosh.generation import open_current
from search.engines.whoosh.indexer import IndexBusy, build_index, build_lock
from search.engines.whoosh.layout import current_generation, stale_reason
from search.seeds import read_seeds


def test_build_writes_a_generation_and_points_current_at_it(seeds, tmp_path):
    settings = resolve({"seeds_dir": seeds, "index_dir": tmp_path / "index"})
    report = build_index(settings)
    assert (report.documents, report.paragraphs) == (5, 28)
    link = tmp_path / "index" / "current"
    assert link.is_symlink()
    assert current_generation(settings.index_dir) == Path(report.location)


def test_rebuild_swaps_generations_and_keeps_ids(seeds, tmp_path):
    settings = resolve({"seeds_dir": seeds, "index_dir": tmp_path / "index"})
    first = build_index(settings)
    ids_before = open_current(settings.index_dir).paragraph_ids
    second = build_index(settings, full=True)
    assert Path(second.location) != Path(first.location)
    assert Path(first.location).exists()  # kept for requests still under way on it
    build_index(settings, full=True)
    assert not Path(first.location).exists()  # and removed one build later
    assert sorted(open_current(settings.index_dir).paragraph_ids) == sorted(ids_before)


def test_an_update_with_nothing_to_do_keeps_the_generation(seeds, tmp_path):
    settings = resolve({"seeds_dir": seeds, "index_dir": tmp_path / "index"})
    first = build_index(settings)
    again = build_index(settings)
    assert again.location == first.location
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 5)
    (seeds / "catalog.toml").write_text((seeds / "catalog.toml").read_text(encoding="utf-8")
                                        + "\n# a comment\n", encoding="utf-8")
    third = build_index(settings)  # new seeds (the catalog's bytes), the same documents
    assert third.location != first.location and third.unchanged == 5
    assert stale_reason(settings.index_dir, read_seeds(seeds)) is None


def test_a_generation_keeps_facet_columns_per_segment(tmp_path, monkeypatch):
    from conftest import combined_corpus
    from search.engines.whoosh import indexer
    monkeypatch.setattr(indexer, "PARALLEL_FROM", 1)  # two writer processes, two segments
    settings = resolve({"seeds_dir": combined_corpus(tmp_path), "index_dir": tmp_path / "index"})
    report = build_index(settings)
    generation = open_current(settings.index_dir)
    with generation.index.reader() as reader:
        segments = [leaf.segment().segid for leaf, _ in reader.leaf_readers()]
    assert len(segments) >= 2
    assert sorted(p.name for p in (Path(report.location) / "columns").iterdir()) == sorted(segments)
    assert generation.columns.doc_count == len(generation.paragraph_ids) == report.paragraphs


def test_open_generation_keeps_answering_after_a_rebuild(seeds, tmp_path):
    settings = resolve({"seeds_dir": seeds, "index_dir": tmp_path / "index"})
    build_index(settings)
    old = open_current(settings.index_dir)
    build_index(settings)
    with old.index.searcher() as searcher:
        assert searcher.doc_count() == 28


def test_stale_reason_follows_the_seeds(seeds, tmp_path):
    settings = resolve({"seeds_dir": seeds, "index_dir": tmp_path / "index"})

    def reason():
        return stale_reason(settings.index_dir, read_seeds(settings.seeds_dir))
    assert "no index" in reason()
    build_index(settings)
    assert reason() is None
    extra = seeds / "e_new.txt"
    extra.write_text("A new headline\n\nA new paragraph about Peru and its congress.\n", encoding="utf-8")
    assert "changed" in reason()
    build_index(settings)
    assert reason() is None
    # the content counts, not the file's time: touching a file changes nothing
    os.utime(extra, (1, 1))
    assert reason() is None


def test_a_second_build_while_one_runs_is_refused(seeds, tmp_path):
    settings = resolve({"seeds_dir": seeds, "index_dir": tmp_path / "index"})
    settings.index_dir.mkdir()
    with build_lock(settings.index_dir):
        with pytest.raises(IndexBusy, match="another"):
            build_index(settings)
    build_index(settings)  # the lock is released afterwards


def test_unreadable_file_is_skipped_and_the_rest_indexed(seeds, tmp_path):
    (seeds / "z_binary.txt").write_bytes(b"\x00\x01\x02garbage\x00" * 50)
    report = build_index(resolve({"seeds_dir": seeds, "index_dir": tmp_path / "index"}))
    assert [s.file for s in report.skipped] == ["z_binary.txt"]
    assert report.paragraphs == 28


def test_leftovers_of_a_killed_build_are_cleaned_by_the_next(seeds, tmp_path):
    settings = resolve({"seeds_dir": seeds, "index_dir": tmp_path / "index"})
    build_index(settings)
    leftover = settings.index_dir / ".gen-20000101T000000000000-1.building"
    leftover.mkdir()
    build_index(settings)
    assert not leftover.exists()
    assert os.path.realpath(settings.index_dir / "current") == str(current_generation(settings.index_dir))


def test_actor_extraction_on_two_processes_equals_one(monkeypatch):
    # Large corpora extract on two processes; the result must not depend on it.
    from conftest import REAL_SEEDS
    from search import changes
    from search.actors.extractor import ActorExtractor
    from search.ingest.articles import ingest_seeds
    documents = ingest_seeds(REAL_SEEDS).documents
    extractor = ActorExtractor.from_seeds(REAL_SEEDS)
    serial = extractor.extract_corpus(documents)
    monkeypatch.setattr(changes, "PARALLEL_FROM", 1)
    assert changes.extract_corpus(extractor, documents) == serial


def test_searching_an_index_does_not_import_nltk(tiny_index):
    # A server that only searches must not load the build's actor pipeline (NLTK: 80 MB, most
    # of a second); only building does.
    code = ("import sys; from web import create_app; "
            f"app = create_app({{'INDEX_DIR': r'{tiny_index}', 'SEEDS_DIR': r'{tiny_index}', 'TESTING': True}}); "
            "app.test_client().get('/api/search?q=drought+food'); app.test_client().get('/?q=droguht'); "
            "print('nltk' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False", result.stderr
