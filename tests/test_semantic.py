"""Hybrid search (mode=hybrid, the `semantic` extra): words and meaning in one ranking.

The specification, in order:
- the pure parts (which words are embedded, the nearest paragraphs, the fused score, the vector
  files and their cache) without the model;
- without the extra (a subprocess in which onnxruntime cannot be imported): the index is built
  as always, ``mode=hybrid`` is a 400 that says how to install it, the page does not offer it;
- with the extra and the real model (skipped where it is not installed; a run is seconds): a
  paraphrase ranks differently from the words alone, a paragraph sharing no word with the query
  is found and labelled, filters and facets apply, a rebuild embeds only changed texts, and the
  lexical results are byte for byte those of an installation without the extra.

The paraphrase corpus below is written here, so every expected answer can be read off it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from conftest import TINY_SEEDS, make_app
from search.config import resolve
from search.engines.whoosh.indexer import build_index
from search.engines.whoosh.generation import open_current
from search.engines.whoosh.layout import current_generation
from search.ranking import MEANING_MIN_COSINE, SEMANTIC_WEIGHT
from search.semantic.fusion import fuse, meaning_text, nearest
from search.semantic.meaning import NEEDS_EXTRA
from search.semantic.model import missing_reason
from search.semantic.store import CACHE_DIR, VectorCache, VectorSet, text_key, write_vectors

INSTALL_HINT = "pip install -e '.[semantic]'"
ROOT = Path(__file__).resolve().parent.parent

needs_extra = pytest.mark.skipif(missing_reason() is not None,
                                 reason="the semantic extra is not installed (pip install -e '.[semantic]')")

PARAPHRASE_CORPUS = {
    "catalog.toml": """
        [[article]]
        file = "harbour_bank.txt"
        publication = "Harbour Times"
        date = "2019-04-02"

        [[article]]
        file = "harbour_army.txt"
        publication = "Harbour Times"
        date = "2020-05-01"

        [[article]]
        file = "valley_sport.txt"
        publication = "Valley Courier"
        date = "2021-06-12"
        """,
    "harbour_bank.txt": """
        Money matters in the port city

        The bank kept its interest rate at four percent on Tuesday.

        Thieves broke into a bank vault overnight and escaped with the cash before the guards noticed anything.

        Shopkeepers say that prices for bread and milk have doubled since January.
        """,
    "harbour_army.txt": """
        A night of rumours in the capital

        Opposition leaders announced at dawn that the coup had begun and that the government would fall within hours.

        By midnight the generals had refused to abandon the president, and the soldiers went back to their barracks.

        The finance minister promised new roads for the northern provinces.
        """,
    "valley_sport.txt": """
        Cup final ends in celebration

        The home team won the regional cup on penalties after a goalless match.

        Fans danced in the square until the early morning.
        """,
}
RATE, VAULT, PRICES = "harbour_bank-p1", "harbour_bank-p2", "harbour_bank-p3"
COUP, GENERALS = "harbour_army-p1", "harbour_army-p2"


def write_corpus(folder: Path, files: dict[str, str] = PARAPHRASE_CORPUS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


def run_without_extra(script: str) -> str:
    """Run ``script`` in a fresh Python in which onnxruntime cannot be imported, as on an
    installation without the extra (a None in sys.modules makes import and find_spec fail)."""
    code = "import sys\nsys.modules['onnxruntime'] = None\n" + textwrap.dedent(script)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEMEROTECA_")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "tests", env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


# Lexical requests whose JSON must not change with the extra: words, phrases, filters, sorts,
# pages, more like this, an empty query.
LEXICAL_REQUESTS = [
    {"q": "sanctions"}, {"q": "drought food"}, {"q": '"central bank"'}, {"q": "Pérez"},
    {"q": "rates", "year": "2018"}, {"q": "", "sort": "newest", "per_page": "5"},
    {"q": "the", "page": "2", "per_page": "3"}, {"q": "Ukraine", "sort": "oldest"},
    {"like": "b_kenya_drought-p2"},
]


def lexical_json(client, params: dict) -> str:
    body = client.get("/api/search", query_string=params).get_json()
    body.pop("took_ms")
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


# ------------------------------------------------------------------ the pure parts
@pytest.mark.parametrize("q, text", [
    ("why did the coup fail", "why did the coup fail"),
    ("sanctions -oil", "sanctions"),                          # excluded words are not meant
    ('talks NOT "armed forces"', "talks"),
    ("sanctions year:2019 kind:body", "sanctions"),           # filters say where, not what
    ("actor:maduro title:coup", "maduro coup"),               # a field's words keep their meaning
    ('"interim government" sanc* Guiado~', "interim government sanc Guiado"),
    ("Maduro AND (Guaidó OR López)", "Maduro Guaidó López"),
    ("-Maduro", ""),                                          # nothing to embed
])
def test_meaning_text_keeps_the_words_that_say_what_is_meant(q, text):
    assert meaning_text(q) == text


def test_nearest_respects_the_floor_the_filters_and_the_excluded_paragraph():
    cosine = np.array([0.9, 0.5, MEANING_MIN_COSINE - 0.01, 0.7, 0.5], dtype=np.float32)
    assert nearest(cosine, None, 10).tolist() == [0, 3, 1, 4]       # ties: lower number first
    assert nearest(cosine, None, 2).tolist() == [0, 3]
    allowed = np.array([False, True, True, True, True])
    assert nearest(cosine, allowed, 10).tolist() == [3, 1, 4]
    assert nearest(cosine, None, 10, exclude=0).tolist() == [3, 1, 4]


def test_fuse_mixes_cosine_and_normalised_lexical_score_and_says_how_each_was_found():
    cosine = np.array([0.1, 0.8, 0.6, 0.0], dtype=np.float32)
    fused = fuse({0: 10.0, 1: 8.0}, {1, 2}, cosine, best_lexical=10.0)
    assert [(f.docnum, f.matched_by) for f in fused] == [
        (1, ("words", "meaning")), (0, ("words",)), (2, ("meaning",))]
    w = SEMANTIC_WEIGHT
    assert fused[0].score == pytest.approx(w * 0.8 + (1 - w) * 0.8)
    assert fused[1].score == pytest.approx(w * 0.1 + (1 - w) * 1.0)
    assert fused[2].score == pytest.approx(w * 0.6)                 # no words: lexical 0


def test_vector_set_lines_rows_up_by_paragraph_id(tmp_path):
    folder = tmp_path / "vectors"
    folder.mkdir()
    matrix = np.eye(3, dtype=np.float32)
    np.save(folder / "vectors.npy", matrix)
    (folder / "ids.json").write_text(json.dumps(["a", "b", "c"]))
    (folder / "model.json").write_text(json.dumps({"model": "m", "dims": 3, "count": 3}))
    vectors = VectorSet.load(tmp_path)
    assert vectors.model == "m"
    assert np.array_equal(vectors.aligned(["a", "b", "c"]), matrix)
    # another engine's numbering, and a paragraph without a vector (zeros: never a neighbour)
    assert vectors.aligned(["c", "x", "a"]).tolist() == [[0, 0, 1], [0, 0, 0], [1, 0, 0]]
    assert VectorSet.load(tmp_path / "elsewhere") is None


def test_vector_cache_survives_a_restart_and_keeps_only_what_the_index_uses(tmp_path):
    cache = VectorCache(tmp_path / "cache")
    for n, text in enumerate(["one", "two", "three"]):
        cache.add(text_key(text), np.full(4, n, dtype=np.float32))
    cache.flush()
    reopened = VectorCache(tmp_path / "cache")
    assert reopened.lookup(text_key("two")).tolist() == [1, 1, 1, 1]
    assert reopened.lookup(text_key("four")) is None
    reopened.keep_only([text_key("three"), text_key("one")])
    trimmed = VectorCache(tmp_path / "cache")
    assert [trimmed.lookup(text_key(t)) is not None for t in ("one", "two", "three")] == [True, False, True]
    assert trimmed.lookup(text_key("three")).tolist() == [2, 2, 2, 2]
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 1


def test_an_unreadable_cache_chunk_is_dropped_and_its_texts_embedded_again(tmp_path):
    cache = VectorCache(tmp_path / "cache")
    cache.add(text_key("one"), np.ones(4, dtype=np.float32))
    cache.flush()
    chunk = next((tmp_path / "cache").glob("*.npz"))
    chunk.write_bytes(chunk.read_bytes()[:40])  # a disk that lost the file's end
    assert VectorCache(tmp_path / "cache").lookup(text_key("one")) is None
    assert not chunk.exists()


# ------------------------------------------------------------------ without the extra
@pytest.fixture(scope="module")
def without_extra(tmp_path_factory) -> dict:
    """The tiny corpus indexed, searched and served by an installation without the extra."""
    index = tmp_path_factory.mktemp("index-without-extra")
    out = run_without_extra(f"""
        import json
        from conftest import make_app
        from search.config import resolve
        from search.engines.whoosh.indexer import build_index
        from test_semantic import LEXICAL_REQUESTS, lexical_json
        build_index(resolve({{"seeds_dir": {str(TINY_SEEDS)!r}, "index_dir": {str(index)!r}}}))
        client = make_app({str(TINY_SEEDS)!r}, {str(index)!r}).test_client()
        hybrid = client.get("/api/search", query_string={{"q": "drought", "mode": "hybrid"}})
        page = client.get("/", query_string={{"q": "drought"}})
        print(json.dumps({{"lexical": [lexical_json(client, p) for p in LEXICAL_REQUESTS],
                          "hybrid_status": hybrid.status_code, "hybrid": hybrid.get_json(),
                          "page": page.get_data(as_text=True)}}))
        """)
    return {"index": index, **json.loads(out)}


def test_without_the_extra_hybrid_is_a_400_that_says_how_to_install_it(without_extra):
    assert without_extra["hybrid_status"] == 400
    assert without_extra["hybrid"]["error"]["code"] == "bad_parameter"
    assert NEEDS_EXTRA in without_extra["hybrid"]["error"]["message"]
    assert INSTALL_HINT in without_extra["hybrid"]["error"]["message"]


def test_without_the_extra_the_index_has_no_vectors_and_the_page_offers_words_only(without_extra):
    assert not (current_generation(without_extra["index"]) / "vectors").exists()
    assert not (without_extra["index"] / CACHE_DIR).exists()
    assert "words and meaning" not in without_extra["page"]


# ------------------------------------------------------------------ with the extra: the real model
def indexed_corpus(tmp_path_factory, name: str, files: dict[str, str]) -> tuple[Path, Path]:
    """``files`` written to a new folder and indexed: (seeds folder, index folder)."""
    folder = tmp_path_factory.mktemp(name)
    seeds = write_corpus(folder / "seeds", files)
    build_index(resolve({"seeds_dir": seeds, "index_dir": folder / "index"}))
    return seeds, folder / "index"


@pytest.fixture(scope="module")
def paraphrase_index(tmp_path_factory) -> tuple[Path, Path]:
    return indexed_corpus(tmp_path_factory, "paraphrase", PARAPHRASE_CORPUS)


@pytest.fixture(scope="module")
def paraphrase_client(paraphrase_index):
    return make_app(*paraphrase_index).test_client()


def ranked(client, **params) -> list[tuple[str, list[str] | None]]:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(hit["id"], hit.get("matched_by")) for hit in response.get_json()["hits"]]


@needs_extra
def test_a_paraphrase_ranks_the_paragraph_that_means_it_first(paraphrase_client):
    # Both paragraphs say "bank" once; the words alone prefer the shorter one (about rates),
    # the meaning of "bank robbery" prefers the vault that thieves broke into.
    assert ranked(paraphrase_client, q="bank robbery") == [(RATE, None), (VAULT, None)]
    assert ranked(paraphrase_client, q="bank robbery", mode="hybrid") == [
        (VAULT, ["words", "meaning"]), (RATE, ["words"])]


@needs_extra
def test_a_paragraph_sharing_no_word_with_the_query_is_found_by_meaning_unmarked(paraphrase_client):
    assert ranked(paraphrase_client, q="army loyalty") == []
    body = paraphrase_client.get("/api/search", query_string={"q": "army loyalty",
                                                               "mode": "hybrid"}).get_json()
    assert [(h["id"], h["matched_by"]) for h in body["hits"]] == [(GENERALS, ["meaning"])]
    assert body["total"] == 1 and body["mode"] == "hybrid"
    assert "<mark>" not in body["hits"][0]["highlight"]
    # A paragraph found by meaning alone may still contain some of the query's words: they are
    # not marked, since they are not why it was found (no paragraph has both "bank" and "robbery").
    body = paraphrase_client.get("/api/search", query_string={"q": "bank AND robbery",
                                                               "mode": "hybrid"}).get_json()
    assert [(h["id"], h["matched_by"]) for h in body["hits"]][0] == (VAULT, ["meaning"])
    assert "<mark>" not in body["hits"][0]["highlight"] and "bank" in body["hits"][0]["text"]
    # the question finds the paragraph that answers it after the one that names the coup
    assert ranked(paraphrase_client, q="why did the coup fail", mode="hybrid") == [
        (COUP, ["words", "meaning"]), (GENERALS, ["meaning"])]


@needs_extra
def test_filters_apply_to_meaning_and_meaning_counts_in_total_and_facets(paraphrase_client):
    query = {"q": "food getting more expensive", "mode": "hybrid"}
    body = paraphrase_client.get("/api/search", query_string=query).get_json()
    assert [(h["id"], h["matched_by"]) for h in body["hits"]] == [(PRICES, ["meaning"])]
    assert {v["value"]: v["count"] for v in body["facets"]["year"]} == {2019: 1}
    assert ranked(paraphrase_client, **query, year="2020") == []
    assert ranked(paraphrase_client, **query, year="2019") == [(PRICES, ["meaning"])]


@needs_extra
def test_the_export_follows_the_hybrid_order(paraphrase_client):
    query = {"q": "bank robbery", "mode": "hybrid"}
    exported = paraphrase_client.get("/export.json", query_string=query).get_json()
    assert [(h["id"], h["matched_by"]) for h in exported["hits"]] == [
        (VAULT, ["words", "meaning"]), (RATE, ["words"])]


@needs_extra
def test_the_page_offers_meaning_and_labels_what_it_found(paraphrase_client):
    page = paraphrase_client.get("/", query_string={"q": "army loyalty", "mode": "hybrid"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "related by meaning" in html
    words_only = paraphrase_client.get("/", query_string={"q": "bank"}).get_data(as_text=True)
    assert "words and meaning" in words_only and "related by meaning" not in words_only


@needs_extra
def test_an_index_built_without_vectors_asks_for_a_rebuild(without_extra):
    client = make_app(TINY_SEEDS, without_extra["index"]).test_client()
    response = client.get("/api/search", query_string={"q": "drought", "mode": "hybrid"})
    assert response.status_code == 400
    assert "rebuild the index with the extra installed" in response.get_json()["error"]["message"]
    assert "words and meaning" not in client.get("/", query_string={"q": "drought"}).get_data(as_text=True)


@needs_extra
def test_lexical_results_are_byte_identical_with_and_without_the_extra(tiny_index, client, without_extra):
    assert (current_generation(tiny_index) / "vectors").exists()  # this side has the extra
    assert [lexical_json(client, p) for p in LEXICAL_REQUESTS] == without_extra["lexical"]


@needs_extra
def test_vectors_are_stored_by_paragraph_id_with_a_progress_bar(tmp_path):
    seeds = write_corpus(tmp_path / "seeds")
    calls = []
    build_index(resolve({"seeds_dir": seeds, "index_dir": tmp_path / "index"}),
                progress=lambda done, total, stage="indexing": calls.append((stage, done, total)))
    assert ("vectors", 8, 8) in calls
    generation = open_current(tmp_path / "index")
    vectors = VectorSet.load(generation.path)
    # one row per paragraph, in the engine's document order (read as they are, no reordering)
    assert vectors.ids == generation.paragraph_ids
    assert sorted(vectors.ids) == sorted([RATE, VAULT, PRICES, COUP, GENERALS, "harbour_army-p3",
                                          "valley_sport-p1", "valley_sport-p2"])
    assert np.allclose(np.linalg.norm(vectors.matrix, axis=1), 1.0, atol=1e-5)


@needs_extra
def test_a_rebuild_embeds_only_the_paragraphs_whose_text_changed(tmp_path):
    from search.semantic.model import load_embedder

    class Counted:
        """The real embedder, counting the texts it is asked to embed."""

        def __init__(self, embedder):
            self.embedder, self.id, self.spec, self.texts = embedder, embedder.id, embedder.spec, []

        def embed(self, texts, progress=None):
            self.texts.extend(texts)
            return self.embedder.embed(texts, progress)

    paragraphs = [("a-p1", "The bank kept its rate."), ("a-p2", "Thieves broke into a vault.")]
    first = Counted(load_embedder())
    (tmp_path / "gen1").mkdir()
    assert write_vectors(tmp_path / "gen1", tmp_path, paragraphs, first) == 2
    edited = [paragraphs[0], ("a-p2", "Thieves broke into a vault at night.")]
    second = Counted(load_embedder())
    (tmp_path / "gen2").mkdir()
    assert write_vectors(tmp_path / "gen2", tmp_path, edited, second) == 1
    assert second.texts == ["Thieves broke into a vault at night."]
    one, two = VectorSet.load(tmp_path / "gen1"), VectorSet.load(tmp_path / "gen2")
    assert np.array_equal(one.matrix[0], two.matrix[0])
    assert not np.array_equal(one.matrix[1], two.matrix[1])


@needs_extra
def test_a_vector_does_not_depend_on_the_batch_it_was_embedded_in():
    # Rebuilds embed only new texts, a few at a time; a fresh build embeds all of them in
    # batches: both must give the same vectors, bit for bit, or the same seeds could rank apart.
    from search.semantic.model import load_embedder
    embedder = load_embedder()
    texts = [textwrap.dedent(t).strip().split("\n\n")[1] for name, t in PARAPHRASE_CORPUS.items()
             if name.endswith(".txt")] + ["army loyalty", "a much longer text " * 20]
    embedder.forget()
    together = embedder.embed(texts)
    embedder.forget()
    alone = np.stack([embedder.embed([text])[0] for text in texts])
    assert np.array_equal(together, alone)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


# ------------------------------------------------------------------ hybrid ranks words as lexical does
# Two articles on interest rates; the Harbour Times paragraph matches the words better, the
# Valley Courier's is the one a query naming the Valley Courier asks for ("valley" is in no text;
# the other paragraphs give "interest rates" an idf).
READINGS_CORPUS = {
    "catalog.toml": """
        [[article]]
        file = "harbour_rates.txt"
        publication = "Harbour Times"
        date = "2019-03-01"

        [[article]]
        file = "valley_rates.txt"
        publication = "Valley Courier"
        date = "2019-03-01"
        """,
    "harbour_rates.txt": """
        Rates again

        Interest rates rose again: the central bank said interest rates would stay high.

        The mayor opened a new bridge.
        """,
    "valley_rates.txt": """
        A hard spring for farmers

        Farmers in the hills say that the interest rates on their loans have made the spring planting dearer than ever before.

        The river flooded two villages.
        """,
}
HARBOUR_RATES, VALLEY_RATES = "harbour_rates-p1", "valley_rates-p1"

# The same sentence in four articles, dated in another order than the files': every score ties
# (words and meaning alike), so only search/ranking.py TIE_BREAK orders them: newest first.
TIES_CORPUS = {
    "catalog.toml": "\n".join(f'[[article]]\nfile = "{name}.txt"\ndate = "{date}"\n'
                              for name, date in [("a_tie", "2018-01-01"), ("b_tie", "2021-01-01"),
                                                 ("c_tie", "2019-01-01"), ("d_tie", "2020-01-01")]),
    **{f"{name}.txt": "The ferry timetable changed again on Monday.\n"
       for name in ("a_tie", "b_tie", "c_tie", "d_tie")},
}
NEWEST_FIRST = ["b_tie-p1", "d_tie-p1", "c_tie-p1", "a_tie-p1"]


@pytest.fixture(scope="module")
def readings_client(tmp_path_factory):
    return make_app(*indexed_corpus(tmp_path_factory, "readings", READINGS_CORPUS)).test_client()


@needs_extra
def test_hybrid_lifts_a_publication_the_query_names_as_lexical_does(readings_client):
    # The words alone prefer the Harbour Times; naming the Valley Courier lifts its paragraph
    # (search/ranking.py READING_BOOSTS) in both modes: hybrid fuses the lexical ranking's score.
    assert [h for h, _ in ranked(readings_client, q="interest rates", mode="hybrid")][0] == HARBOUR_RATES
    query = "Valley Courier interest rates"
    assert [h for h, _ in ranked(readings_client, q=query)] == [VALLEY_RATES, HARBOUR_RATES]
    assert [h for h, _ in ranked(readings_client, q=query, mode="hybrid")] == [VALLEY_RATES, HARBOUR_RATES]
    exported = readings_client.get("/export.json", query_string={"q": query, "mode": "hybrid"}).get_json()
    assert [h["id"] for h in exported["hits"]] == [VALLEY_RATES, HARBOUR_RATES]


@pytest.fixture(scope="module")
def ties_client(tmp_path_factory):
    return make_app(*indexed_corpus(tmp_path_factory, "ties", TIES_CORPUS)).test_client()


@needs_extra
def test_hybrid_orders_equal_scores_by_the_tie_break(ties_client, monkeypatch):
    from search.engines.whoosh import hybrid
    assert [h for h, _ in ranked(ties_client, q="ferry timetable")] == NEWEST_FIRST
    assert [h for h, _ in ranked(ties_client, q="ferry timetable", mode="hybrid")] == NEWEST_FIRST
    # Below the fused depth the words' own order follows, and which matches make the depth must
    # not depend on document numbers either: one fused match, no neighbour by meaning.
    monkeypatch.setattr(hybrid, "FUSION_DEPTH", 1)
    monkeypatch.setattr(hybrid, "MEANING_NEIGHBOURS", 0)
    assert [h for h, _ in ranked(ties_client, q="ferry timetable", mode="hybrid")] == NEWEST_FIRST
    assert [h for h, _ in ranked(ties_client, q="ferry timetable", mode="hybrid", per_page=2, page=2)] \
        == NEWEST_FIRST[2:]


@needs_extra
def test_after_an_incremental_update_meaning_finds_only_live_paragraphs(tmp_path, monkeypatch):
    # An update marks a changed file's old paragraphs deleted and adds the new ones under the
    # same ids; the old ones keep their document numbers until a merge. Meaning must not find
    # them: each paragraph once, with its current text, as a full build of the same files.
    from search.engines.whoosh import indexer
    monkeypatch.setattr(indexer, "MAX_DELETED_SHARE", 1.0)  # keep the deleted rows in place
    files = dict(PARAPHRASE_CORPUS)
    seeds = write_corpus(tmp_path / "seeds", files)
    build_index(resolve({"seeds_dir": seeds, "index_dir": tmp_path / "index"}))
    files["harbour_army.txt"] = files["harbour_army.txt"].replace("went back", "returned")
    write_corpus(seeds, files)
    build_index(resolve({"seeds_dir": seeds, "index_dir": tmp_path / "index"}))
    with open_current(tmp_path / "index").index.reader() as reader:
        assert reader.has_deletions()  # updated in place, not rebuilt
    build_index(resolve({"seeds_dir": seeds, "index_dir": tmp_path / "full"}), full=True)
    updated = make_app(seeds, tmp_path / "index").test_client()
    full = make_app(seeds, tmp_path / "full").test_client()
    for q in ("army loyalty", "why did the coup fail", "soldiers returned"):
        body = updated.get("/api/search", query_string={"q": q, "mode": "hybrid"}).get_json()
        ids = [hit["id"] for hit in body["hits"]]
        assert len(ids) == len(set(ids)) and body["total"] == len(ids), q
        assert "went back" not in json.dumps(body), q
        assert ranked(updated, q=q, mode="hybrid") == ranked(full, q=q, mode="hybrid"), q


@needs_extra
def test_updates_keep_the_vectors_of_what_stayed_and_read_only_the_new_texts(tmp_path, monkeypatch):
    # Added, changed and removed articles at once, then another change: the index holds one
    # vector per live paragraph, each the vector a full build gives it, and no update reads the
    # stored paragraphs back (write_vectors, which does, is not called).
    from search.engines.whoosh import indexer
    from search.semantic import store
    monkeypatch.setattr(indexer, "MAX_DELETED_SHARE", 1.0)  # keep the deleted rows in place
    files = dict(PARAPHRASE_CORPUS)
    seeds = write_corpus(tmp_path / "seeds", files)
    index = tmp_path / "index"
    build_index(resolve({"seeds_dir": seeds, "index_dir": index}))
    files["harbour_army.txt"] = files["harbour_army.txt"].replace("went back", "returned")
    files["valley_rates.txt"] = READINGS_CORPUS["valley_rates.txt"]  # new, outside the catalog
    write_corpus(seeds, files)
    (seeds / "valley_sport.txt").unlink()

    def reads_everything(*args, **kwargs):
        raise AssertionError("an incremental update re-read every paragraph")
    monkeypatch.setattr(store, "write_vectors", reads_everything)
    report = build_index(resolve({"seeds_dir": seeds, "index_dir": index}))
    assert (report.added, report.changed, report.removed) == (1, 1, 1), report
    # and an update of that update (its vectors have rows of deleted documents)
    files["harbour_bank.txt"] = files["harbour_bank.txt"].replace("bank", "central bank", 1)
    write_corpus(seeds, files)
    assert build_index(resolve({"seeds_dir": seeds, "index_dir": index})).changed == 1
    monkeypatch.undo()
    build_index(resolve({"seeds_dir": seeds, "index_dir": tmp_path / "full"}), full=True)

    def vectors(folder: Path) -> dict[str, np.ndarray]:
        loaded = VectorSet.load(current_generation(folder))
        return {pid: row for pid, row in zip(loaded.ids, np.asarray(loaded.matrix)) if pid is not None}
    updated, full = vectors(index), vectors(tmp_path / "full")
    assert sorted(updated) == sorted(full)
    for pid in full:
        np.testing.assert_allclose(updated[pid], full[pid], atol=1e-6, err_msg=pid)
    # one row per document number, a deleted one's empty: a server maps the file as it is
    stored = VectorSet.load(current_generation(index))
    generation = open_current(index)
    assert stored.ids == generation.live_paragraph_ids() and None in stored.ids
    assert stored.aligned(generation.live_paragraph_ids()) is stored.matrix
