"""What a new user met (issue 15), checked in headless Chromium over the real HTTP server: what
each page says, getting around (state kept both ways, actor pages, keyboard, phone, dates) and
the finish (error pages, labels). Each test reads the page as the reader sees it.

Screenshots for the README land in tests/screenshots/ (seed-*.png: the seed corpus).
"""
from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest

from .conftest import DESKTOP, PHONE, screenshot, set_viewport
from .test_walkthrough import css, css_all, params, total, wait_for

pytestmark = pytest.mark.browser

try:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
except ImportError:
    ActionChains = By = Keys = None

MADURO = "Nicolás Maduro"


def top(driver, element) -> float:
    """Where ``element`` starts, in CSS pixels from the top of the page."""
    return driver.execute_script("return arguments[0].getBoundingClientRect().top + window.scrollY;", element)


def active(driver):
    return driver.switch_to.active_element


def inside(driver, element, selector: str) -> bool:
    return driver.execute_script("return !!arguments[0].closest(arguments[1]);", element, selector)


def fetch_json(driver, path: str):
    """``path`` of the same server, fetched by the page as a script would."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.json()).then(done);", path)


def hit_texts(driver) -> list[str]:
    return [p.text for p in css_all(driver, ".hit .text")]


@pytest.fixture
def desktop(browser):
    set_viewport(browser, DESKTOP)
    yield browser
    set_viewport(browser, DESKTOP)


# --- 1. pages that said something wrong --------------------------------------------------------

def test_a_hits_chip_for_an_active_filter_says_it_removes_it(desktop, seed_server):
    desktop.get(seed_server.url + "/?q=" + quote("Guaidó") + "&actor=" + quote(MADURO))
    chips = css_all(desktop, ".hit .actors li.chip")
    assert chips
    for chip in chips:
        name = chip.find_element(By.CSS_SELECTOR, "a.name").text
        control = chip.find_element(By.CSS_SELECTOR, "a.filter")
        if name == MADURO:
            assert control.get_attribute("aria-label") == f"Remove the filter {MADURO}"
            assert control.text == "×" and "filtering" in chip.get_attribute("class")
        else:
            assert control.get_attribute("aria-label") == f"Filter by {name}" and control.text == "+"
    found = total(desktop)
    css(desktop, ".hit li.filtering a.filter").click()
    wait_for(lambda: "actor" not in params(desktop))
    assert total(desktop) > found and params(desktop)["q"] == ["Guaidó"], "it did what it said"


def test_home_page_gives_each_articles_paragraph_count(desktop, seed_server):
    desktop.get(seed_server.url + "/")
    counts = {d["id"]: d["paragraphs"] for d in fetch_json(desktop, "/api/documents")}
    items = css_all(desktop, ".documents li")
    assert items
    for li in items:
        doc_id = urlsplit(li.find_element(By.TAG_NAME, "a").get_attribute("href")).path.rsplit("/", 1)[1]
        assert li.text.endswith(f"· {counts[doc_id]} ¶"), li.text
    assert not any(li.text.endswith(" 0 ¶") for li in items)


def test_paging_past_the_end_says_so_and_leads_to_the_last_page(desktop, seed_server):
    desktop.get(seed_server.url + "/?q=Maduro&page=99")
    text = css(desktop, ".results").text
    assert "No paragraphs match" not in text
    found = total(desktop)
    last = -(-found // 10)
    assert f"Page 99 is past the end." in text and f"These {found} paragraphs fill {last} pages" in text
    desktop.find_element(By.LINK_TEXT, f"go to the last page ({last})").click()
    wait_for(lambda: params(desktop).get("page") == [str(last)])
    assert css(desktop, ".pagination [aria-current]").text == f"Page {last} of {last}"
    assert len(css_all(desktop, ".hit")) == found - 10 * (last - 1)


def test_more_like_this_shows_the_paragraph_it_starts_from_on_top(desktop, seed_server):
    desktop.get(seed_server.url + "/?q=" + quote("Guaidó"))
    first = hit_texts(desktop)[0]
    css(desktop, ".hit a.like").click()
    wait_for(lambda: "like" in params(desktop))
    source = css(desktop, ".like-source")
    assert source.find_element(By.TAG_NAME, "blockquote").text == first
    assert top(desktop, source) < top(desktop, css(desktop, ".hit"))
    assert first not in hit_texts(desktop), "the paragraph itself is not one of its likes"


# --- 2. getting around -------------------------------------------------------------------------

def test_the_article_and_back_keep_the_whole_search(desktop, seed_server):
    search = {"q": "Maduro", "place": "Venezuela", "year": "2019", "sort": "newest", "page": "2",
              "per_page": "3"}
    desktop.get(seed_server.url + "/?" + "&".join(f"{k}={quote(v)}" for k, v in search.items()))
    before = hit_texts(desktop)
    assert before and css(desktop, ".pagination [aria-current]").text.startswith("Page 2 of")
    css(desktop, ".hit a.title").click()
    wait_for(lambda: "/documents/" in desktop.current_url)
    assert {k: v[0] for k, v in params(desktop).items()} == search
    back = css(desktop, ".back a")
    assert back.text.startswith("← Results for") and "Maduro" in back.text
    back.click()
    wait_for(lambda: urlsplit(desktop.current_url).path == "/")
    assert {k: v[0] for k, v in params(desktop).items()} == search
    assert hit_texts(desktop) == before


def test_actor_pages_open_from_a_hit_and_the_sidebar_and_mark_the_actors_mentions(desktop, seed_server):
    desktop.get(seed_server.url + "/?q=" + quote("Guaidó"))
    name = css(desktop, ".hit .actors a.name")
    who = name.text
    name.click()
    wait_for(lambda: "/actors/" in desktop.current_url)
    assert css(desktop, "#actor-name").text == who
    aliases = fetch_json(desktop, "/api/actors/" + quote(who))["aliases"]
    hits = css_all(desktop, ".hit")
    assert hits and all(h.find_elements(By.CSS_SELECTOR, ".text mark") for h in hits), "every paragraph marks them"
    marked = {m.text for m in css_all(desktop, ".hit .text mark")}
    assert marked <= set(aliases) and len(marked) >= 2, marked
    screenshot(desktop, "seed-actor-desktop")

    desktop.get(seed_server.url + "/?q=" + quote("Guaidó"))
    page = css(desktop, '[data-facet="place"] li a.page')
    place = page.find_element(By.XPATH, "preceding-sibling::a").text
    page.click()
    wait_for(lambda: "/actors/" in desktop.current_url)
    assert css(desktop, "#actor-name").text == place


def test_the_keyboard_reaches_the_filters_in_a_few_tabs(desktop, seed_server):
    desktop.get(seed_server.url + "/?q=" + quote("Guaidó"))
    assert active(desktop).get_attribute("id") == "q"
    for tabs in range(1, 7):
        active(desktop).send_keys(Keys.TAB)
        if (active(desktop).get_attribute("href") or "").endswith("#filters"):
            break
    else:
        pytest.fail("no way to the filters within 6 Tabs of the search box")
    assert active(desktop).text.startswith("Filters (")
    active(desktop).send_keys(Keys.ENTER)
    ActionChains(desktop).send_keys(Keys.TAB).perform()
    assert inside(desktop, active(desktop), "#filters"), "the next Tab is in the filters"
    # the skip links at the top lead there too
    desktop.get(seed_server.url + "/?q=" + quote("Guaidó"))
    skip = css(desktop, 'a.skip-link[href="#filters"]')
    assert skip.get_attribute("textContent") == "Skip to filters"
    # hit titles are headings, so a screen reader can jump from hit to hit
    hits = css_all(desktop, ".hit")
    assert len(css_all(desktop, ".hit h2 a.title")) == len(hits)


def test_enter_in_find_a_name_keeps_the_focus_there(desktop, seed_server):
    desktop.get(seed_server.url + "/?q=" + quote("Guaidó"))
    css(desktop, "#actor_q").send_keys("lop", Keys.ENTER)
    wait_for(lambda: all("Lóp" in li.text for li in css_all(desktop, '[data-facet="actor"] li') if li.is_displayed()))
    assert active(desktop).get_attribute("id") == "actor_q"
    active(desktop).send_keys("e")
    assert css(desktop, "#actor_q").get_attribute("value") == "lope", "typing goes on where it was"


def test_enter_in_find_a_name_keeps_the_focus_there_without_js(browser_nojs, seed_server):
    driver = browser_nojs
    driver.get(seed_server.url + "/?q=" + quote("Guaidó"))
    css(driver, "#actor_q").send_keys("lop", Keys.ENTER)
    wait_for(lambda: params(driver).get("actor_q") == ["lop"])
    assert active(driver).get_attribute("id") == "actor_q"
    assert all("Lóp" in li.text for li in css_all(driver, '[data-facet="actor"] li'))


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_phone_the_header_is_compact_and_filters_open_near_the_top(browser, browser_nojs, seed_server,
                                                                        javascript):
    driver = browser if javascript else browser_nojs
    set_viewport(driver, PHONE)
    try:
        driver.get(seed_server.url + "/?q=" + quote("Guaidó"))
        assert css(driver, "header.site").size["height"] <= 60, "one row: name and search box"
        assert top(driver, css(driver, ".hit")) < PHONE[1] * 0.4, "the first hit starts high up"
        assert not css(driver, '[data-facet="actor"]').is_displayed(), "filters closed at first"
        button = css(driver, ".jump-filters")
        assert button.text == "Filters (0)" and top(driver, button) < 150
        button.click()
        wait_for(lambda: css(driver, '[data-facet="actor"]').is_displayed())
        assert top(driver, css(driver, "#filters")) < 150, "they open at the top, not below the hits"
        if javascript:
            driver.execute_script("window.scrollTo(0, 0);")  # the header above the open filters
            screenshot(driver, "seed-filters-phone", PHONE)  # it restores the desktop size
            set_viewport(driver, PHONE)
        css(driver, '[data-facet="year"] li a.filter').click()
        wait_for(lambda: "year" in params(driver))
        assert css(driver, ".jump-filters").text == "Filters (1)"
        assert top(driver, css(driver, ".hit")) < 400
    finally:
        set_viewport(driver, DESKTOP)


def test_on_a_phone_named_with_is_near_the_top_of_an_actor_page(desktop, seed_server):
    set_viewport(desktop, PHONE)
    desktop.get(seed_server.url + "/actors/" + quote(MADURO))
    assert top(desktop, css(desktop, "#co-heading")) < PHONE[1], "on the first screen"
    assert top(desktop, css(desktop, "#co-heading")) < top(desktop, css(desktop, ".hit"))
    screenshot(desktop, "seed-actor-phone", PHONE)


def _bar(driver, year: int):
    return css(driver, f'.results .timeline a.bar[data-year="{year}"]')


def _count(bar) -> int:
    return int(re.search(r": (\d+) paragraph", bar.get_attribute("aria-label")).group(1))


def test_dragging_across_the_timeline_picks_a_date_range(desktop, seed_server):
    desktop.get(seed_server.url + "/?q=Maduro")
    expected = sum(_count(_bar(desktop, year)) for year in (2019, 2021))  # 2020 has none
    ActionChains(desktop).click_and_hold(_bar(desktop, 2019)).move_by_offset(20, 0) \
        .move_to_element(_bar(desktop, 2021)).release().perform()
    wait_for(lambda: "date_from" in params(desktop))
    assert params(desktop) == {"q": ["Maduro"], "date_from": ["2019-01-01"], "date_to": ["2021-12-31"]}
    assert total(desktop) == expected
    chip = css(desktop, ".selected-filters a.chip")
    assert chip.text == "Dates: 2019-01-01 – 2021-12-31 ×"
    marked = [b.get_attribute("data-year") for b in css_all(desktop, ".results .timeline a.bar.selected")]
    assert marked == ["2019", "2021"], "the range's bars are marked; the others stay to widen it"
    screenshot(desktop, "seed-date-range-desktop")


def test_a_click_then_a_shift_click_picks_a_date_range(desktop, seed_server):
    desktop.get(seed_server.url + "/?q=Maduro")
    _bar(desktop, 2016).click()
    wait_for(lambda: params(desktop).get("year") == ["2016"])
    ActionChains(desktop).key_down(Keys.SHIFT).click(_bar(desktop, 2019)).key_up(Keys.SHIFT).perform()
    wait_for(lambda: "date_from" in params(desktop))
    assert params(desktop) == {"q": ["Maduro"], "date_from": ["2016-01-01"], "date_to": ["2019-12-31"]}
    assert len(desktop.window_handles) == 1, "no new window for the Shift+click"


def test_the_dates_form_picks_a_range_without_javascript(browser_nojs, seed_server):
    driver = browser_nojs
    driver.get(seed_server.url + "/?q=Maduro&sort=newest")
    form = css(driver, "form.date-range")
    form.find_element(By.NAME, "date_from").send_keys("05012019")   # typed as the en-US field reads it
    form.find_element(By.NAME, "date_to").send_keys("12312021")
    form.find_element(By.TAG_NAME, "button").click()
    wait_for(lambda: "date_from" in params(driver))
    assert params(driver) == {"q": ["Maduro"], "sort": ["newest"], "date_from": ["2019-05-01"],
                              "date_to": ["2021-12-31"]}
    assert css(driver, ".selected-filters a.chip").text == "Dates: 2019-05-01 – 2021-12-31 ×"


# --- 3. finish ---------------------------------------------------------------------------------

def test_chips_and_facets_use_labels_and_keep_the_cross_apart(desktop, live_server):
    desktop.get(live_server.url + "/?kind=pullquote")
    chip = css(desktop, ".selected-filters a.chip")
    assert chip.text == "Kind of paragraph: Pull-quote ×"
    kinds = [v.text for v in css_all(desktop, '[data-facet="kind"] .value')]
    assert sorted(kinds) == ["Body text", "Caption", "Pull-quote"]
    assert css(desktop, ".hit .kind-badge").text.lower() == "pull-quote"


def test_a_harmless_slip_in_the_address_shows_the_nearest_page(desktop, seed_server):
    desktop.get(seed_server.url + "/?q=Maduro&per_page=0")
    assert params(desktop)["per_page"] == ["1"] and len(css_all(desktop, ".hit")) == 1
    desktop.get(seed_server.url + "/?q=Maduro&page=-3")
    assert "page" not in params(desktop) and css(desktop, ".pagination [aria-current]").text.startswith("Page 1 of")
    desktop.get(seed_server.url + "/?q=Maduro&date_from=2019-02-30")
    error = css(desktop, ".error").text
    assert error == "“2019-02-30” is not a date. Write dates as year-month-day, such as 2019-05-01."
    desktop.find_element(By.LINK_TEXT, "Search again without it").click()
    wait_for(lambda: "date_from" not in params(desktop))
    assert total(desktop) > 0


def test_the_not_found_page_has_a_search_box_and_a_way_back(desktop, live_server):
    desktop.get(live_server.url + "/?q=drought")
    desktop.execute_script("window.location.href = '/actors/Nobody%20At%20All';")
    wait_for(lambda: "/actors/" in desktop.current_url)
    assert css(desktop, "main h1").text == "Not found"
    box = css(desktop, "main #q404")
    assert box.get_attribute("value") == "Nobody At All"
    desktop.find_element(By.LINK_TEXT, "← Back to where you were").click()
    wait_for(lambda: params(desktop).get("q") == ["drought"])
    desktop.get(live_server.url + "/no/such/page")
    css(desktop, "main #q404").send_keys("rains", Keys.ENTER)
    wait_for(lambda: params(desktop).get("q") == ["rains"])
    assert total(desktop) > 0
