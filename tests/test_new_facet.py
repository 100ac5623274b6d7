"""A new facet is one declaration (issue 12): add ``Facet("section", …)`` to search/facets.py
and nothing else, and the API, the OpenAPI document, the page, the CLI and both engines have it.

The project's code is copied to a temp folder, the one declaration appended there, and a fresh
Python run on the copy: it builds the tiny corpus with the embedded engine and asks each
surface about the new facet. The tiny corpus has one section ("Soy at Any Cost", the Brazil
article's heading; tests/data/README.md), so every expected answer can be read off it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT, TINY_SEEDS

DECLARATION = '''
FACETS = FACETS + (Facet("section", "Sections", "any", str, _single("section"),
                         "article sections; any of them"),)
FACET_NAMES = tuple(facet.name for facet in FACETS)
FACET_BY_NAME = {facet.name: facet for facet in FACETS}
'''
SECTION = "Soy at Any Cost"

PROBE = """
import json, sys
from pathlib import Path
from click.testing import CliRunner

import search
assert Path(search.__file__).is_relative_to(Path(sys.argv[1])), search.__file__  # the copy
from search.cli import main
from search.config import resolve
from search.engines.opensearch.bulk import paragraph_source
from search.engines.opensearch.dsl import facet_aggregations, selection_filters
from search.engines.opensearch.mapping import paragraph_mappings
from search.engines.whoosh.indexer import build_index
from search.request import parse_request
from web import create_app

seeds, index = Path(sys.argv[2]), Path(sys.argv[3])
build_index(resolve({"seeds_dir": seeds, "index_dir": index}))
client = create_app({"TESTING": True, "SEEDS_DIR": str(seeds), "INDEX_DIR": str(index)}).test_client()
section = %(section)r
out = {}
every = client.get("/api/search", query_string={"q": "", "per_page": 100}).get_json()
out["counts"] = every["facets"]["section"]
narrowed = client.get("/api/search", query_string={"q": "", "section": section, "per_page": 100})
out["narrowed"] = [hit["id"] for hit in narrowed.get_json()["hits"]]
out["sections_by_id"] = {p["id"]: p["section"]
                         for d in client.get("/api/documents").get_json()
                         for p in client.get("/api/documents/" + d["id"]).get_json()["paragraphs"]}
spec = client.get("/openapi.json").get_json()
out["openapi"] = [p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]]
page = client.get("/", query_string={"q": "", "section": section}).get_data(as_text=True)
out["page"] = {"label": "Sections" in page, "value": section in page}
result = CliRunner().invoke(main, ["search", "--section", section, "--json", "--per-page", "100",
                                   "--seeds", str(seeds), "--index", str(index)])
out["cli"] = [hit["id"] for hit in json.loads(result.output)["hits"]] if result.exit_code == 0 else result.output
out["os_mapping"] = paragraph_mappings()["properties"]["facets"]["properties"].get("section")
request = parse_request({"section": [section]})
filters, any_of = selection_filters(request, {"section": (section,)})
out["os_filter"] = any_of.get("section")
out["os_aggregation"] = "section" in facet_aggregations(any_of, {"section": (section,)})
out["os_source"] = paragraph_source({"id": "x-p1", "doc_id": "x", "position": 1, "kind": "body",
                                     "section": section, "text": "t", "title": "", "publication": "",
                                     "date": "", "year": None, "actors": [], "places": [],
                                     "mentions": []})["facets"].get("section")
print(json.dumps(out))
"""


def test_a_facet_declared_once_reaches_every_surface_and_both_engines(tmp_path):
    copy = tmp_path / "src"
    for package in ("search", "web"):
        shutil.copytree(ROOT / package, copy / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    facets = copy / "search" / "facets.py"
    facets.write_text(facets.read_text(encoding="utf-8") + DECLARATION, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEMEROTECA_")}
    env["PYTHONPATH"] = str(copy)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(PROBE % {"section": SECTION}),
                           str(copy), str(TINY_SEEDS), str(tmp_path / "index")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])

    in_section = sorted(pid for pid, section in out["sections_by_id"].items() if section == SECTION)
    assert in_section  # the corpus has the section (else the rest proves nothing)
    assert [(entry["value"], entry["count"]) for entry in out["counts"]] == [(SECTION, len(in_section))]
    assert sorted(out["narrowed"]) == in_section
    assert "section" in out["openapi"]
    assert out["page"] == {"label": True, "value": True}
    assert sorted(out["cli"]) == in_section
    assert out["os_mapping"] == {"type": "keyword"}
    assert out["os_filter"] == {"terms": {"facets.section": [SECTION]}}
    assert out["os_aggregation"] is True
    assert out["os_source"] == [SECTION]
