"""Bulk actions from a real ChangeSet of the tiny corpus (search/engines/opensearch/bulk.py), in
the bulk API's body format, and the alias move, as the OpenSearch documentation writes them:
https://docs.opensearch.org/latest/api-reference/document-apis/bulk/ (an action line, then the
document for index; a lone line for delete) and
https://docs.opensearch.org/latest/api-reference/alias/aliases-api/ (remove and add in one
atomic request)."""
from __future__ import annotations

import dataclasses

import pytest

from conftest import TINY_SEEDS
from search.changes import plan_changes
from search.engines.opensearch import bulk

INDEX = "hemeroteca-20261201t101500123456"


@pytest.fixture(scope="module")
def changes():
    return plan_changes(TINY_SEEDS)


def pairs(lines: list[dict]) -> dict[str, tuple[dict, dict | None]]:
    """{_id: (action line, source line or None)} of a bulk body."""
    out = {}
    n = 0
    while n < len(lines):
        action = lines[n]
        op = next(iter(action))
        if op == "delete":
            out[action[op]["_id"]] = (action, None)
            n += 1
        else:
            out[action[op]["_id"]] = (action, lines[n + 1])
            n += 2
    return out


def test_every_paragraph_is_one_index_action_with_its_id(changes):
    lines = list(bulk.paragraph_actions(changes, INDEX))
    assert len(lines) == 2 * 28
    by_id = pairs(lines)
    assert list(by_id)[:2] == ["a_argentina_rates-p1", "a_argentina_rates-p2"]
    assert all(action == {"index": {"_index": INDEX, "_id": pid}} for pid, (action, _) in by_id.items())


def test_a_paragraph_document_holds_the_row_and_the_fields_searches_need(changes):
    _, source = pairs(list(bulk.paragraph_actions(changes, INDEX)))["c_saved_page_ukraine_brazil-a2-p4"]
    assert source == {
        "id": "c_saved_page_ukraine_brazil-a2-p4", "doc_id": "c_saved_page_ukraine_brazil-a2",
        "position": 4, "kind": "pullquote", "section": "Soy at Any Cost",
        "text": "If the rain comes late, we plant a faster variety and still harvest two crops.",
        "title": "Brazil’s Farmers Bet on a Drier Amazon", "publication": "Frontline Review",
        "date": "2022", "year": 2022, "actors": [], "places": [], "mentions": [],
        "actor": [], "place": [],
        # a year spans Jan 1–Dec 31; "2022" sorts before "2022-01-01" as its ISO string does
        "date_start": 20220101, "date_end": 20221231, "date_sort": 20220000,
        "facets": {"actor": [], "place": [], "year": [2022], "publication": ["Frontline Review"],
                   "kind": ["pullquote"]},
    }


def test_unknown_metadata_is_null_and_names_are_in_text_and_facet_fields(changes):
    by_id = pairs(list(bulk.paragraph_actions(changes, INDEX)))
    _, chile = by_id["d_chile_hack-p1"]
    assert (chile["publication"], chile["title"]) == (None, "Hackers deface Chilean electoral website before local vote")
    assert chile["facets"]["publication"] == []
    assert "Valparaíso" in chile["place"] and "Valparaíso" in chile["facets"]["place"]
    _, kenya = by_id["b_kenya_drought-p1"]
    assert (kenya["date"], kenya["date_start"], kenya["date_end"]) == ("2016-11", 20161101, 20161131)
    assert "National Drought Management Authority" in kenya["actor"]
    assert kenya["facets"]["actor"] == kenya["actor"]
    # a pull-quote's names are searchable but not counted or filtered (NAME_FACETS_SKIP_KINDS)


def test_changes_delete_the_paragraphs_that_are_gone(changes):
    kenya = next(d for d in changes.documents if d.doc_id == "b_kenya_drought")
    shorter = dataclasses.replace(kenya, paragraphs=kenya.paragraphs[:3])
    change = dataclasses.replace(changes, full=False, documents=[shorter], added=[],
                                 changed=["b_kenya_drought"], removed=["d_chile_hack"])
    lines = list(bulk.paragraph_actions(change, "hemeroteca",
                                        {"b_kenya_drought": 5, "d_chile_hack": 5, "a_argentina_rates": 6}))
    assert [line for line in lines if "delete" in line] == [
        {"delete": {"_index": "hemeroteca", "_id": "b_kenya_drought-p4"}},
        {"delete": {"_index": "hemeroteca", "_id": "b_kenya_drought-p5"}},
        *({"delete": {"_index": "hemeroteca", "_id": f"d_chile_hack-p{n}"}} for n in range(1, 6)),
    ]
    assert [line["index"]["_id"] for line in lines if "index" in line] == \
        ["b_kenya_drought-p1", "b_kenya_drought-p2", "b_kenya_drought-p3"]


def test_the_directory_is_documents_actors_then_the_build_record(changes):
    build = bulk.build_record(changes, "r1", INDEX, bulk.typed_facets(changes))
    lines = list(bulk.directory_actions(changes, INDEX + "-directory", "r1", build))
    by_id = pairs(lines)
    assert list(by_id)[:5] == ["document:a_argentina_rates", "document:b_kenya_drought",
                               "document:c_saved_page_ukraine_brazil-a1",
                               "document:c_saved_page_ukraine_brazil-a2", "document:d_chile_hack"]
    assert list(by_id)[-1] == "build"
    _, kenya = by_id["document:b_kenya_drought"]
    assert kenya == {"record": "document", "order": 1, "revision": "r1",
                     "body": changes.directory["documents"][1]}
    assert {key: kenya["body"][key] for key in ("id", "title", "publication", "date", "paragraph_count")} == {
        "id": "b_kenya_drought", "title": "Drought leaves two million Kenyans short of food",
        "publication": "Nairobi Herald", "date": "2016-11", "paragraph_count": 5}
    actors = [source for key, (_, source) in by_id.items() if key.startswith("actor:")]
    assert [a["order"] for a in actors] == list(range(len(changes.directory["actors"])))
    assert actors[0]["body"] == changes.directory["actors"][0]
    _, record = by_id["build"]
    assert record["body"]["seeds"] == changes.seeds.to_json()
    assert (record["body"]["paragraphs"], record["body"]["typed_facets"]) == (28, ["actor"])


def test_directory_changes_delete_what_is_gone(changes):
    build = bulk.build_record(changes, "r2", INDEX, ["actor"])
    previous = {"documents": {"gone_doc": {}, "b_kenya_drought": {}}, "actors": {"Nobody Now": {}}}
    lines = list(bulk.directory_actions(changes, "hemeroteca-directory", "r2", build, previous))
    assert [line for line in lines if "delete" in line] == [
        {"delete": {"_index": "hemeroteca-directory", "_id": "document:gone_doc"}},
        {"delete": {"_index": "hemeroteca-directory", "_id": "actor:Nobody Now"}}]


def test_the_aliases_move_together_in_one_request():
    assert bulk.alias_actions("hemeroteca", INDEX, INDEX + "-directory",
                              ["hemeroteca-20261130t090000000000"],
                              ["hemeroteca-20261130t090000000000-directory"]) == {"actions": [
        {"remove": {"index": "hemeroteca-20261130t090000000000", "alias": "hemeroteca"}},
        {"add": {"index": INDEX, "alias": "hemeroteca"}},
        {"remove": {"index": "hemeroteca-20261130t090000000000-directory", "alias": "hemeroteca-directory"}},
        {"add": {"index": INDEX + "-directory", "alias": "hemeroteca-directory"}},
    ]}
    # the first load: nothing to remove
    assert bulk.alias_actions("h", "h-1", "h-1-directory") == {"actions": [
        {"add": {"index": "h-1", "alias": "h"}}, {"add": {"index": "h-1-directory", "alias": "h-directory"}}]}


def test_versioned_names_and_what_cleaning_up_may_delete():
    stamp = bulk.new_stamp()
    paragraphs, directory = bulk.index_names("hemeroteca", stamp)
    assert paragraphs == paragraphs.lower() and bulk.is_versioned("hemeroteca", paragraphs)
    assert bulk.is_versioned("hemeroteca", directory)
    # never another alias's indexes, the lock, or an index someone made by hand
    for other in ("hemeroteca-lock", "hemeroteca-test-12-20261201t101500123456", "hemeroteca-old",
                  "hemeroteca"):
        assert not bulk.is_versioned("hemeroteca", other)


def test_bulk_bodies_are_cut_between_documents(changes):
    lines = list(bulk.paragraph_actions(changes, INDEX))
    cut = list(bulk.chunks(lines, documents=10))
    assert [len(chunk) for chunk in cut] == [20, 20, 16]
    assert all(next(iter(chunk[0])) == "index" for chunk in cut)


def test_a_restated_paragraph_is_indexed_again_with_its_new_names(changes):
    # an unchanged paragraph whose actors' corpus-wide names moved: its stored document with the
    # new actors (the ChangeSet gives only those), facets included
    _, stored = pairs(list(bulk.paragraph_actions(changes, INDEX)))["a_argentina_rates-p2"]
    mentions = changes.mentions["a_argentina_rates-p2"]
    row = bulk.restated_row(stored, mentions)
    assert bulk.paragraph_source(row) == stored
    renamed = tuple(dataclasses.replace(m, name="Someone Else") if m.type == "person" else m for m in mentions)
    again = bulk.paragraph_source(bulk.restated_row(stored, renamed))
    assert "Someone Else" in again["actor"] and "Someone Else" in again["facets"]["actor"]
    assert {k: again[k] for k in ("text", "title", "date", "year")} == {k: stored[k] for k in ("text", "title", "date", "year")}
