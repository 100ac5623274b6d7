"""The HTML pages through the Flask test client: content, links as state, escaping."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ROOT, readme_query_rows, search
from markupsafe import escape


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
    chip = re.search(r'<a class="chip removable" href="([^"]+)" aria-label="Remove filter Years: 2021"', html)
    assert chip
    params = parse_qs(urlsplit(unescape(chip.group(1))).query)
    assert "year" not in params and params["publication"] == ["Frontline Review"]


def test_pagination_links_carry_the_search(client):
    html = client.get("/?q=&per_page=5").get_data(as_text=True)
    next_link = next(l for l in links(html) if "page=2" in l)
    params = parse_qs(urlsplit(next_link).query)
    assert params["per_page"] == ["5"]
    assert "<strong>28</strong>" in client.get(next_link).get_data(as_text=True)


def test_bad_parameter_on_the_page_is_a_400_page_in_plain_words(client):
    response = client.get("/?q=drought&year=2021&date_from=2019-13-45")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "“2019-13-45” is not a date. Write dates as year-month-day" in html
    assert "date_from:" not in html, "no developer's message"
    retry = re.search(r'<a href="([^"]+)">Search again without it</a>', html).group(1)
    assert parse_qs(urlsplit(unescape(retry)).query) == {"q": ["drought"], "year": ["2021"]}


@pytest.mark.parametrize("url, corrected", [
    ("/?q=drought&per_page=0", {"q": ["drought"], "per_page": ["1"]}),
    ("/?q=drought&per_page=500", {"q": ["drought"], "per_page": ["100"]}),
    ("/?q=drought&page=-3", {"q": ["drought"]}),                   # page 1
    ("/?q=drought&page=abc&sort=best", {"q": ["drought"]}),        # not a number; unknown sort
    ("/?q=drought&page=99999&per_page=100", {"q": ["drought"], "page": ["100"], "per_page": ["100"]}),
])
def test_harmless_bad_values_on_pages_are_corrected(client, url, corrected):
    """A page number or size out of range is a slip, not an error: the page shows the nearest
    good one (the API keeps its 400s: test_error_shape.py)."""
    response = client.get(url)
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.headers["Location"]).query) == corrected
    assert client.get(response.headers["Location"]).status_code == 200
    assert client.get("/api/search" + url[1:]).status_code == 400, "the API says what was wrong"


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


# --- escaping of user text on every template ---------------------------------------------------

SCRIPT = '"><script>alert(1)</script>'


def assert_escaped(html: str, raw: str = "<script>alert(1)</script>", echoed: bool = True) -> None:
    """``raw`` is not in the page as markup; when the page repeats it, it does so escaped."""
    assert raw not in html
    if echoed:
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize("url, params", [
    ("/", {"q": SCRIPT}),                                   # results page: title, summary, box
    ("/", {"q": SCRIPT + " zzzqqq"}),                        # no-results page
    ("/", {"q": SCRIPT, "actor": SCRIPT}),                   # a chip and hidden fields
    ("/", {"q": "", "actor_q": SCRIPT}),                     # the actor facet's filter box
    ("/", {"q": SCRIPT, "date_from": SCRIPT}),               # the 400 page names the value
    ("/documents/b_kenya_drought", {"q": SCRIPT}),          # the back link and the box
    (f"/actors/{SCRIPT}", {}),                               # the 404 page names the actor
    (f"/documents/{SCRIPT}", {}),                            # no route matches: a plain 404 page
])
def test_user_text_is_escaped_on_every_template(client, url, params):
    response = client.get(url, query_string=params)
    assert response.status_code in (200, 400, 404)
    assert_escaped(response.get_data(as_text=True), echoed=not url.startswith("/documents/\""))


def test_no_page_has_inline_script_or_style(client):
    """The CSP allows scripts and styles from /static only; inline ones would be blocked."""
    for url in ("/", "/?q=drought", "/?q=zzzqqq", "/documents/b_kenya_drought?q=drought",
                "/actors/Chile", "/help"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html), url
        assert "http://" not in html.replace("http://www.w3.org/2000/svg", ""), url
        assert "https://" not in html, url  # nothing from the network (the tiny corpus's source_url aside)


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """A corpus whose catalog gives a title and a publication with markup in them."""
    from conftest import _build, make_app
    seeds = tmp_path_factory.mktemp("hostile-seeds")
    (seeds / "x.txt").write_text("Ministers met in Lima on Monday to discuss the budget.\n", encoding="utf-8")
    (seeds / "catalog.toml").write_text(
        '[[article]]\nfile = "x.txt"\ntitle = "<script>alert(1)</script> budget"\n'
        'publication = "<b>Bold</b> Times"\ndate = "2020-01-02"\n'
        'url = "javascript:alert(1)"\n', encoding="utf-8")
    index = tmp_path_factory.mktemp("hostile-index")
    _build(seeds, index)
    return make_app(seeds, index).test_client()


def test_document_titles_and_publications_are_escaped(hostile_client):
    for url in ("/", "/?q=budget", "/?q=budget&sort=newest", "/documents/x"):
        html = hostile_client.get(url).get_data(as_text=True)
        assert_escaped(html)
        assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt; Times" in html, url
    html = hostile_client.get("/?q=zzzqqq&publication=<b>Bold</b> Times").get_data(as_text=True)
    assert "<b>Bold</b>" not in html and '<span class="chip-value">&lt;b&gt;Bold&lt;/b&gt; Times' in html


def test_a_javascript_source_url_is_never_a_link(hostile_client):
    html = hostile_client.get("/documents/x").get_data(as_text=True)
    assert 'href="javascript:' not in html


# --- the search page ---------------------------------------------------------------------------

def test_blank_page_shows_the_intro_documents_and_top_actors(client):
    html = client.get("/").get_data(as_text=True)
    assert "Search the archive" in html
    assert 'href="/documents/c_saved_page_ukraine_brazil-a2"' in html
    assert 'href="/actors/' in html
    assert 'class="hits"' not in html, "no result list before a search"
    assert " autofocus" in html


def test_results_show_metadata_kind_badge_actions_and_count(client):
    html = client.get("/?q=rains").get_data(as_text=True)
    assert "Pull-quote" in html  # the pull-quote's badge
    assert "Frontline Review" in html and 'datetime="2022"' in html
    assert "Soy at Any Cost" in html  # the section
    assert re.search(r"<strong>\d+</strong> paragraphs? for <q>rains</q>", html)
    assert re.search(r"in \d+ ms", html)
    assert 'href="/?like=c_saved_page_ukraine_brazil-a2-p4"' in html
    assert 'href="/documents/c_saved_page_ukraine_brazil-a2?q=rains#p4"' in html


def test_actor_chips_on_a_hit_filter_by_that_actor(client):
    html = client.get("/?q=Embrapa").get_data(as_text=True)
    chip = next(l for l in links(html) if "actor=Brazilian" in l)
    params = parse_qs(urlsplit(chip).query)
    assert params == {"q": ["Embrapa"], "actor": ["Brazilian Agricultural Research Corporation"]}
    assert "<strong>1</strong> paragraph" in client.get(chip).get_data(as_text=True)


def test_actor_facet_is_grouped_into_people_and_organisations(client):
    html = client.get("/?sort=newest").get_data(as_text=True)
    facet = html[html.index('data-facet="actor"'):html.index('data-facet="place"')]
    assert facet.index(">People<") < facet.index("José Pérez") < facet.index(">Organisations<")
    assert facet.index(">Organisations<") < facet.index("Ibama")


def test_long_facets_fold_behind_show_more_and_the_link_shows_them(client):
    html = client.get("/?sort=newest").get_data(as_text=True)
    place = html[html.index('data-facet="place"'):html.index('data-facet="year"')]
    assert place.count("<li") > 8 and place.count(" hidden>") == place.count("<li") - 8
    more = re.search(r'class="more" href="([^"]+)">Show (\d+) more', place)
    assert more and int(more.group(2)) == place.count(" hidden>")
    expanded = client.get(unescape(more.group(1))).get_data(as_text=True)
    place = expanded[expanded.index('data-facet="place"'):expanded.index('data-facet="year"')]
    assert " hidden>" not in place and "Show fewer" in place
    assert parse_qs(urlsplit(unescape(more.group(1))).query)["sort"] == ["newest"]


def test_actor_filter_box_narrows_the_actor_list_without_js(client):
    html = client.get("/?sort=newest&actor_q=jose").get_data(as_text=True)
    facet = html[html.index('data-facet="actor"'):html.index('data-facet="place"')]
    assert re.findall(r'<span class="value">([^<]+)</span>', facet) == ["José Pérez"]
    assert '<input type="hidden" name="sort" value="newest">' in facet, "the form keeps the search"


def test_timeline_bars_link_to_their_year_and_are_labelled(client):
    html = client.get("/?q=&sort=newest").get_data(as_text=True)
    bars = re.findall(r'<a href="([^"]+)" class="bar[^"]*" aria-label="(\d{4}): (\d+) paragraphs?', html)
    # 2017 and 2020 are drawn as empty years, with nothing to link to
    assert [year for _, year, _ in bars] == ["2016", "2018", "2019", "2021", "2022"]
    for href, year, count in bars:
        params = parse_qs(urlsplit(unescape(href)).query)
        assert params["year"] == [year] and params["sort"] == ["newest"]
        assert f"<strong>{count}</strong>" in client.get(unescape(href)).get_data(as_text=True)
    assert "<title>2021: 6 paragraphs</title>" in html


def test_timeline_keeps_every_year_when_one_is_selected(client):
    """The year facet ignores its own selection, so the other bars stay reachable."""
    html = client.get("/?year=2021").get_data(as_text=True)
    assert 'class="bar selected" aria-label="2021: 6 paragraphs (selected)"' in html
    assert 'aria-label="2016: 5 paragraphs"' in html
    selected = re.search(r'<a href="([^"]+)" class="bar selected"', html).group(1)
    assert "year" not in parse_qs(urlsplit(unescape(selected)).query), "clicking it again unselects"


def test_no_results_page_offers_the_suggestion_and_hints(client):
    html = client.get("/?q=drougth&year=2021").get_data(as_text=True)
    assert "No paragraphs match" in html
    assert "Did you mean" in html and 'href="/?q=drought&amp;year=2021"' in html
    assert "Search without the filters" in html and "query help" in html
    assert 'class="hits"' not in html


def test_clear_all_removes_every_filter_but_keeps_the_query(client):
    html = client.get("/?q=drought&year=2016&publication=Nairobi+Herald").get_data(as_text=True)
    clear = re.search(r'<a class="clear" href="([^"]+)"', html).group(1)
    assert parse_qs(urlsplit(unescape(clear)).query) == {"q": ["drought"]}


def test_export_links_carry_the_search_but_not_the_page(client):
    html = client.get("/?q=drought&sort=oldest&page=1&per_page=2").get_data(as_text=True)
    exports = [l for l in links(html) if l.startswith("/export.")]
    assert sorted(urlsplit(l).path for l in exports) == ["/export.csv", "/export.json"]
    for link in exports:
        assert parse_qs(urlsplit(link).query) == {"q": ["drought"], "sort": ["oldest"]}


def test_search_box_keeps_the_filters_of_the_page(client):
    html = client.get("/?q=drought&year=2016&page=1").get_data(as_text=True)
    form = html[html.index('<form class="searchbox"'):html.index("</form>")]
    assert '<input type="hidden" name="year" value="2016">' in form
    assert 'name="q" type="search" value="drought"' in form and 'name="page"' not in form


def test_help_page_is_linked_from_the_search_box(client):
    assert 'href="/help"' in client.get("/").get_data(as_text=True)
    response = client.get("/help")
    assert response.status_code == 200 and b"<title>" in response.data


def help_query_rows(html: str) -> list[tuple[tuple[str, ...], str]]:
    """The rows of the help page's table, in the same shape as ``readme_query_rows``."""
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    rows = []
    for syntax, meaning in re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", body, re.S):
        codes = tuple(unescape(code) for code in re.findall(r"<code>(.*?)</code>", syntax))
        rows.append((codes, " ".join(unescape(re.sub(r"<[^>]+>", "", meaning)).split())))
    return rows


def test_help_page_lists_the_query_language_of_the_readme(client):
    readme = readme_query_rows()
    assert len(readme) >= 10  # the table was found and read
    html = client.get("/help").get_data(as_text=True)
    shown = {unescape(code) for code in re.findall(r"<code>(.*?)</code>", html)}
    for syntax, _ in readme:
        for example in syntax:
            assert example in shown, f"{example} is in README's query language, not on /help"
    assert help_query_rows(html) == readme


def test_every_page_has_its_own_title_and_landmarks(client):
    for url, title in (("/", "Hemeroteca"), ("/?q=drought", "drought · Hemeroteca"),
                       ("/documents/b_kenya_drought", "Drought leaves two million Kenyans short of food · Hemeroteca"),
                       ("/actors/Chile", "Chile · Hemeroteca")):
        html = client.get(url).get_data(as_text=True)
        assert f"<title>{title}</title>" in html, url
        assert '<main id="main"' in html and 'role="search"' in html and '<label for="q"' in html


# --- document and actor pages ------------------------------------------------------------------

def test_document_page_shows_metadata_source_actors_and_caption(client):
    html = client.get("/documents/c_saved_page_ukraine_brazil-a1?q=sanctions").get_data(as_text=True)
    assert "María Fernández" in html and "2021-11-18" in html
    assert 'href="https://frontline.example/ukraine-winter"' in html
    assert "<figcaption>" in html and "Caption" in html
    assert 'href="/actors/' in html
    assert 'href="/?q=sanctions"' in html, "a way back to the results"
    assert " autofocus" not in html, "autofocus would scroll away from the #p<n> target"


def test_actor_page_has_type_aliases_timeline_and_co_actor_links(client):
    html = client.get("/actors/Chile").get_data(as_text=True)
    assert "Place" in html and "Written as" in html
    bars = re.findall(r'<a href="([^"]+)" class="bar', html)
    assert bars and all(parse_qs(urlsplit(unescape(b)).query)["place"] == ["Chile"] for b in bars)
    co = [l for l in links(html) if l.startswith("/actors/") and "Chile" not in l]
    assert co
    both = re.findall(r'class="both" href="([^"]+)"', html)
    assert both and all(client.get(unescape(b)).status_code == 200 for b in both)


def test_actor_page_paginates_the_paragraphs(seed_client):
    html = seed_client.get("/actors/Nicolás Maduro").get_data(as_text=True)
    assert "Page 1 of" in html
    second = next(l for l in links(html) if "page=2" in l)
    page2 = seed_client.get(second).get_data(as_text=True)
    assert "Page 2 of" in page2 and 'rel="prev"' in page2


def test_more_like_this_page_names_its_paragraph(client):
    html = client.get("/?like=b_kenya_drought-p1").get_data(as_text=True)
    assert re.search(r"paragraphs? like <a href=\"/documents/b_kenya_drought#p1\">", html)
    assert "<title>Like Drought leaves two million Kenyans short of food · Hemeroteca</title>" in html
    assert "paragraph by paragraph" not in html, "a like search is not the blank page"


def test_actor_page_marks_the_actors_mentions_under_every_alias(seed_client):
    """The actor page is a search filtered by the actor: its mentions are why each paragraph is
    there, so each paragraph marks them, whatever alias it uses ("Mr Maduro", "Maduro")."""
    html = seed_client.get("/actors/Nicolás Maduro").get_data(as_text=True)
    hits = re.findall(r'<p class="text">(.*?)</p>', html, re.S)
    assert hits and all("<mark>" in hit for hit in hits)
    marked = {unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", html)}
    aliases = set(seed_client.get("/api/actors/Nicolás Maduro").get_json()["aliases"])
    assert marked <= aliases and len(marked) >= 2, marked


# --- issue 15: what the pages say, getting around, finish ---------------------------------------

def test_hit_chip_of_an_active_filter_says_that_it_removes_it(seed_client):
    """A hit's name has a control that filters by it; for a filter that is on, the control says
    it removes the filter (it used to say "Filter by" and silently drop it)."""
    html = seed_client.get("/", query_string={"q": "Guaidó", "actor": "Nicolás Maduro"}).get_data(as_text=True)
    controls = re.findall(r'<a class="filter" href="([^"]+)" title="([^"]+)" aria-label="([^"]+)"', html)
    assert controls
    for href, title, label in controls:
        params = parse_qs(urlsplit(unescape(href)).query)
        drops = "Nicolás Maduro" not in params.get("actor", [])
        assert drops == label.startswith("Remove the filter"), (href, label)
        assert unescape(title) == unescape(label)
        assert params["q"] == ["Guaidó"]


def test_every_name_in_a_hit_and_the_sidebar_links_to_its_page(client):
    html = client.get("/?q=Embrapa").get_data(as_text=True)
    hit = html[html.index('<ol class="hits"'):html.index("</ol>")]
    names = re.findall(r'<a class="name" href="(/actors/[^"]+)"', hit)
    filters = re.findall(r'<a class="filter" href="(/\?[^"]+)"', hit)
    assert names and len(names) == len(filters), "a page link and a filter control per name"
    assert all(client.get(unescape(n)).status_code == 200 for n in names)
    sidebar = html[html.index('data-facet="actor"'):html.index('data-facet="year"')]
    pages = re.findall(r'<a class="page" href="(/actors/[^"]+)"', sidebar)
    values = re.findall(r'class="filter"', sidebar)
    assert pages and len(pages) == len(values)


def test_home_page_counts_the_paragraphs_of_each_article(client):
    html = client.get("/").get_data(as_text=True)
    counts = {d["id"]: d["paragraphs"] for d in client.get("/api/documents").get_json()}
    shown = re.findall(r'<li><a href="/documents/([^"]+)">.*?· (\d+) ¶</span></li>', html)
    assert shown and all(int(n) == counts[doc_id] for doc_id, n in shown), shown


def test_paging_past_the_end_says_so_and_links_to_the_last_page(client):
    html = client.get("/?q=&per_page=5&page=99").get_data(as_text=True)
    assert "No paragraphs match" not in html
    assert "Page 99 is past the end." in html and "These 28 paragraphs fill 6 pages" in html
    last = re.search(r'<a href="([^"]+)">go to the last page \(6\)</a>', html).group(1)
    assert "Page 6 of 6" in client.get(unescape(last)).get_data(as_text=True)


def test_more_like_this_shows_its_paragraph_on_top(client):
    html = client.get("/?like=b_kenya_drought-p1").get_data(as_text=True)
    text = client.get("/api/documents/b_kenya_drought").get_json()["paragraphs"][0]["text"]
    source = html[html.index('<figure class="like-source">'):html.index("</figure>")]
    assert escape(text) in source
    assert html.index('class="like-source"') < html.index('class="hits"')


def test_hit_links_carry_the_whole_search_and_the_article_leads_back_to_it(client):
    search = {"q": "rains", "year": "2022", "sort": "newest", "per_page": "1", "page": "2"}
    html = client.get("/", query_string=search).get_data(as_text=True)
    hit = html[html.index('<ol class="hits"'):html.index("</ol>")]
    title = unescape(re.search(r'<a class="title" href="([^"]+)"', hit).group(1))
    assert {k: v[0] for k, v in parse_qs(urlsplit(title).query).items()} == search
    article = client.get(title.split("#")[0]).get_data(as_text=True)
    back = unescape(re.search(r'<p class="back"><a href="([^"]+)"', article).group(1))
    assert {k: v[0] for k, v in parse_qs(urlsplit(back).query).items()} == search
    assert "<mark>" in article


def test_hit_titles_are_headings_and_a_skip_link_leads_to_the_filters(client):
    html = client.get("/?q=drought").get_data(as_text=True)
    assert re.search(r'<h2 class="hit-title"><a class="title"', html)
    assert '<a class="skip-link" href="#filters">' in html
    assert '<aside class="facets" id="filters" tabindex="-1"' in html
    actor = client.get("/actors/Chile").get_data(as_text=True)
    assert re.search(r'<h3 class="hit-title"><a class="title"', actor), "under the page's h2"


def test_find_a_name_keeps_the_focus_in_its_box_without_js(client):
    html = client.get("/?sort=newest&actor_q=jose").get_data(as_text=True)
    assert re.search(r'<input id="actor_q"[^>]* autofocus', html)
    box = html[html.index('<form class="searchbox"'):html.index("</form>")]
    assert "autofocus" not in box, "one autofocus: the box the reader typed in"
    assert '<aside class="facets open" id="filters"' in html, "on a phone the filters stay open"


def test_filters_link_counts_the_filters_and_opens_them(client):
    html = client.get("/?q=&year=2021&kind=body").get_data(as_text=True)
    assert '<a class="jump-filters" href="#filters">Filters (2)</a>' in html


def test_date_form_sets_a_range_and_keeps_the_search(client):
    html = client.get("/?q=drought&sort=newest").get_data(as_text=True)
    form = html[html.index('<form class="date-range"'):]
    form = form[:form.index("</form>")]
    assert '<input type="hidden" name="q" value="drought">' in form
    assert 'name="date_from"' in form and 'name="date_to"' in form
    ranged = client.get("/?sort=newest&date_from=2016-01-01&date_to=2016-12-31").get_data(as_text=True)
    assert "<strong>5</strong> paragraphs" in ranged
    assert re.search(r'<span class="facet-name">Dates:</span> <span class="chip-value">2016-01-01 – 2016-12-31</span>', ranged)
    # the bars still show every year, the range's own ones marked
    assert 'aria-label="2016: ' in ranged and 'aria-label="2022: ' in ranged
    assert re.search(r'class="bar selected" aria-label="2016: \d+ paragraphs? \(selected\)"', ranged)


def test_chips_and_facets_show_labels_and_keep_the_cross_apart(client):
    html = client.get("/?q=&kind=pullquote").get_data(as_text=True)
    assert ('<span class="facet-name">Kind of paragraph:</span> <span class="chip-value">Pull-quote</span>'
            ' <span class="remove" aria-hidden="true">×</span>') in html
    facet = html[html.index('data-facet="kind"'):]
    assert set(re.findall(r'<span class="value">([^<]+)</span>', facet)) == {"Body text", "Caption", "Pull-quote"}
    assert ">pullquote<" not in html and ">body<" not in html


def test_clear_all_clears_every_facet_and_the_dates(client):
    html = client.get("/?q=rains&year=2022&kind=body&place=Brazil&date_from=2020-01-01").get_data(as_text=True)
    clear = re.search(r'<a class="clear" href="([^"]+)"', html).group(1)
    assert parse_qs(urlsplit(unescape(clear)).query) == {"q": ["rains"]}


def test_templates_name_no_facet():
    """The sidebar, chips and "Clear all" come from search/facets.py's FACETS: a new facet is
    one declaration there, so no template may list a facet by name."""
    from search.facets import FACET_NAMES
    templates = ROOT / "web" / "templates"
    for path in templates.glob("*.html"):
        code = " ".join(re.findall(r"{[{%](.*?)[}%]}", path.read_text(encoding="utf-8"), re.S))
        for name in FACET_NAMES:
            for pattern in (f"'{name}'", f'"{name}"', f"{name}=", f"selected.{name}"):
                assert pattern not in code, (path.name, pattern)


def test_not_found_page_has_a_search_box_and_a_way_back(client):
    response = client.get("/actors/Nobody At All", headers={"Referer": "http://localhost/?q=drought"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    main = html[html.index("<main"):]
    assert '<input id="q404" name="q" type="search" value="Nobody At All"' in main
    assert '<a href="http://localhost/?q=drought">← Back to where you were</a>' in main
    plain = client.get("/no/such/page").get_data(as_text=True)
    assert "There is no page at this address." in plain and 'id="q404"' in plain
    foreign = client.get("/nothing", headers={"Referer": "https://elsewhere.example/"}).get_data(as_text=True)
    assert "elsewhere.example" not in foreign, "only a way back into this site"
