"""A researcher's walk through the site in headless Chromium, over the real HTTP server.

Search, click a facet, remove its chip, page, sort, open a paragraph in its article, open an
actor page, follow a co-occurring actor, export; each step checks what the user would see.
Screenshots at desktop and phone widths land in tests/screenshots/.
"""
from __future__ import annotations

import csv
import io
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from search.request import SearchRequest

from .conftest import PHONE, screenshot

pytestmark = pytest.mark.browser

try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
except ImportError:
    By = Keys = None


def params(driver) -> dict[str, list[str]]:
    return parse_qs(urlsplit(driver.current_url).query)


def css(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector)


def css_all(driver, selector):
    return driver.find_elements(By.CSS_SELECTOR, selector)


def total(driver) -> int:
    return int(css(driver, ".summary .total strong").text)


def wait_for(condition, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_search_facet_chip_page_sort(browser, live_server):
    browser.get(live_server.url + "/")
    assert browser.title == "Hemeroteca"
    assert browser.switch_to.active_element.get_attribute("id") == "q", "the query box has focus"
    assert css(browser, ".intro h1").is_displayed()
    screenshot(browser, "blank-desktop")

    # search: typed into the box, submitted with Enter
    browser.switch_to.active_element.send_keys("government", Keys.ENTER)
    wait_for(lambda: "q=government" in browser.current_url)
    assert browser.title.startswith("government")
    assert css(browser, "#q").get_attribute("value") == "government"
    found = total(browser)
    assert found > 1 and css_all(browser, ".hit mark")
    screenshot(browser, "results-desktop")
    screenshot(browser, "results-phone", PHONE)

    # click a facet value: the publication with the most hits
    css(browser, '[data-facet="publication"] li a').click()
    wait_for(lambda: "publication" in params(browser))
    narrowed = total(browser)
    assert narrowed < found
    chip = css(browser, ".selected-filters a.chip")
    assert re.fullmatch(r"Publications: \S.* ×", chip.text), chip.text

    # remove it with its chip
    chip.click()
    wait_for(lambda: "publication" not in params(browser))
    assert total(browser) == found and not css_all(browser, ".selected-filters")

    # page through everything, then sort
    browser.get(live_server.url + "/?sort=newest")
    assert total(browser) == 28
    css(browser, '.pagination a[rel="next"]').click()
    wait_for(lambda: params(browser).get("page") == ["2"])
    assert params(browser)["sort"] == ["newest"]
    assert css(browser, ".pagination [aria-current]").text == "Page 2 of 3"
    css(browser, ".sort a:not(.current)[href*=oldest]").click()
    wait_for(lambda: params(browser).get("sort") == ["oldest"])
    assert "page" not in params(browser), "a new sort starts at page 1"
    dates = [t.get_attribute("datetime") for t in css_all(browser, ".hit .meta time")]
    assert dates[0].startswith("2016") and dates == sorted(dates)


def test_timeline_bar_filters_to_its_year(browser, live_server):
    browser.get(live_server.url + "/?q=&sort=newest")
    bars = css_all(browser, ".results .timeline a.bar")
    assert [b.get_attribute("aria-label") for b in bars][0].startswith("2016: ")
    bar_2021 = next(b for b in bars if b.get_attribute("aria-label").startswith("2021"))
    bar_2021.click()
    wait_for(lambda: params(browser).get("year") == ["2021"])
    assert total(browser) == 6
    assert "selected" in css(browser, ".results .timeline a.bar.selected").get_attribute("class")


def test_paragraph_opens_in_its_article_as_the_target(browser, live_server):
    browser.get(live_server.url + "/?q=Embrapa")
    link = css(browser, ".hit .title")
    href = link.get_attribute("href")
    link.click()
    wait_for(lambda: "#p" in browser.current_url)
    anchor = urlsplit(href).fragment
    target = browser.execute_script("return document.querySelector(':target')")
    assert target is not None and target.get_attribute("id") == anchor
    assert css_all(browser, f"#{anchor} mark"), "the query is highlighted in the article"
    in_view = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight;", target)
    assert in_view, "the browser scrolled to the paragraph"
    assert browser.switch_to.active_element.get_attribute("id") != "q", "no autofocus jump here"
    screenshot(browser, "document-desktop")
    screenshot(browser, "document-phone", PHONE)


def test_actor_page_and_co_occurring_actor(browser, live_server):
    document = live_server.url + "/documents/d_chile_hack"
    browser.get(document)
    hrefs = [a.get_attribute("href") for a in css_all(browser, ".paragraph .actors a.chip")]
    # the first actor named in this article that is named alongside others
    chosen = next(h for h in hrefs if browser.get(h) or css_all(browser, ".co-actors li a.chip"))
    browser.get(document)
    chip = next(a for a in css_all(browser, ".paragraph .actors a.chip") if a.get_attribute("href") == chosen)
    name = chip.text
    chip.click()
    wait_for(lambda: "/actors/" in browser.current_url)
    assert css(browser, "#actor-name").text == name
    assert browser.title.startswith(name)
    assert css_all(browser, ".hits .hit")
    screenshot(browser, "actor-desktop")
    screenshot(browser, "actor-phone", PHONE)

    co_actor = css(browser, ".co-actors li a.chip")
    other = co_actor.text
    co_actor.click()
    wait_for(lambda: css(browser, "#actor-name").text == other)
    both = next(a for a in css_all(browser, ".co-actors a.both")
                if a.get_attribute("aria-label").endswith(f"and {name}"))
    both.click()
    wait_for(lambda: "actor" in params(browser) or "place" in params(browser))
    chips = [c.text for c in css_all(browser, ".selected-filters a.chip")]
    assert any(name in c for c in chips) and any(other in c for c in chips)
    assert total(browser) >= 1


def test_export_downloads_the_result_set(browser, live_server, downloads):
    browser.get(live_server.url + "/?q=drought")
    expected = total(browser)
    css(browser, ".export a[href*='export.csv']").click()
    path = wait_for(lambda: next((p for p in downloads.glob("hemeroteca-drought.csv")), None), 10)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == expected and rows[0]["doc_id"]
    body = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(document.querySelector(\".export a[href*='export.json']\").href)"
        ".then(r => r.text()).then(done);")
    assert json.loads(body)["total"] == expected


def test_more_like_this(browser, live_server):
    if "like" not in SearchRequest.__dataclass_fields__:
        pytest.skip("SearchRequest has no `like` yet: the link is there, the search ignores it")
    browser.get(live_server.url + "/?q=drought")
    css(browser, ".hit a.like").click()
    wait_for(lambda: "like" in params(browser))
    assert total(browser) >= 1 and "like" in css(browser, ".summary .total").text


def test_actor_filter_box_filters_as_you_type(browser, live_server):
    browser.get(live_server.url + "/?sort=newest")
    box = css(browser, "#actor_q")
    visible = lambda: [li.text for li in css_all(browser, '[data-facet="actor"] li') if li.is_displayed()]
    before = visible()
    box.send_keys("jose")
    after = wait_for(lambda: visible() if len(visible()) < len(before) else None)
    assert after and all("José" in text or "Jose" in text for text in after)


def test_pages_work_without_javascript(browser_nojs, live_server):
    driver = browser_nojs
    driver.get(live_server.url + "/?sort=newest")
    # the actor facet's filter box is a plain GET form without JS
    box = css(driver, "#actor_q")
    box.send_keys("jose", Keys.ENTER)
    wait_for(lambda: params(driver).get("actor_q") == ["jose"])
    names = [li.text for li in css_all(driver, '[data-facet="actor"] li')]
    assert names and all("Jos" in n for n in names)
    assert params(driver)["sort"] == ["newest"], "the search is kept"
    # show more expands a long list by a link
    driver.get(live_server.url + "/?sort=newest")
    hidden_before = len([li for li in css_all(driver, '[data-facet="place"] li') if not li.is_displayed()])
    more = css_all(driver, '[data-facet="place"] a.more')
    if hidden_before:
        more[0].click()
        wait_for(lambda: params(driver).get("more") == ["place"])
        assert all(li.is_displayed() for li in css_all(driver, '[data-facet="place"] li'))


def test_seed_corpus_screenshots_for_the_readme(browser, seed_server):
    browser.get(seed_server.url + "/?q=Guaid%C3%B3")
    assert total(browser) > 0
    screenshot(browser, "seed-search-desktop")
    screenshot(browser, "seed-search-phone", PHONE)
    browser.get(seed_server.url + "/")
    screenshot(browser, "seed-blank-desktop")
