"""The HTML pages through the Flask test client: content, links as state, escaping."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from conftest import search


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]


def test_search_page_shows_highlighted_hits_and_keeps_the_query(client):
    html = client.get("/?q=drought").get_data(as_text=True)
    assert "<mark>" in html
    assert 'value="drought"' in html


def test_search_page_escapes_the_query_everywhere(client):
    html = client.get("/", query_string={"q": '"><script>alert(1)</script>'}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_paragraph_text_with_script_is_escaped_on_every_page(client):
    for url in ("/?q=hackers", "/documents/d_chile_hack", "/documents/d_chile_hack?q=hackers"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_facet_links_add_the_filter_and_selected_ones_remove_it(client):
    html = client.get("/?q=").get_data(as_text=True)
    year_links = [l for l in links(html) if "year=2021" in l]
    assert year_links
    filtered = client.get(year_links[0]).get_data(as_text=True)
    assert "<strong>6</strong> paragraphs" in filtered
    selected = re.search(r'<li class="selected">\s*<a href="([^"]+)"', filtered)
    assert selected, "the selected year is marked in its facet"
    assert "year" not in parse_qs(urlsplit(unescape(selected.group(1))).query)


def test_chip_removes_only_its_own_filter(client):
    html = client.get("/?q=&year=2021&publication=Frontline+Review").get_data(as_text=True)
    chip = re.search(r'<a class="chip" href="([^"]+)" aria-label="Remove filter year 2021"', html)
    assert chip
    params = parse_qs(urlsplit(unescape(chip.group(1))).query)
    assert "year" not in params and params["publication"] == ["Frontline Review"]


def test_pagination_links_carry_the_search(client):
    html = client.get("/?q=&per_page=5").get_data(as_text=True)
    next_link = next(l for l in links(html) if "page=2" in l)
    params = parse_qs(urlsplit(next_link).query)
    assert params["per_page"] == ["5"]
    assert "<strong>28</strong>" in client.get(next_link).get_data(as_text=True)


def test_bad_parameter_on_the_page_is_a_400_page_not_a_crash(client):
    response = client.get("/?q=x&per_page=0")
    assert response.status_code == 400
    assert b"per_page" in response.data


def test_document_page_has_one_element_per_paragraph_with_its_anchor(client):
    html = client.get("/documents/c_saved_page_ukraine_brazil-a2").get_data(as_text=True)
    assert [int(n) for n in re.findall(r'id="p(\d+)"', html)] == [1, 2, 3, 4, 5, 6]
    assert "<blockquote>" in html  # the pull-quote is styled as one


def test_hit_urls_lead_to_their_paragraph(client):
    hit = search(client, q="Embrapa")["hits"][0]
    path, anchor = hit["url"].split("#")
    assert f'id="{anchor}"' in client.get(path).get_data(as_text=True)


def test_document_page_highlights_the_query(client):
    html = client.get("/documents/b_kenya_drought?q=drought").get_data(as_text=True)
    assert "<mark>" in html


def test_unknown_document_page_is_404(client):
    assert client.get("/documents/nope").status_code == 404


def test_actor_page_shows_counts_and_links_co_actors_to_combined_search(client):
    actor = client.get("/api/actors?type=person").get_json()[0]
    html = client.get(f"/actors/{actor['name']}").get_data(as_text=True)
    assert actor["name"] in unescape(html)
    both = [l for l in links(html) if l.startswith("/?") and l.count("=") >= 2]
    for link in both:
        assert client.get(link).status_code == 200
