"""Browser fixtures: the real app served by werkzeug on a free loopback port, and headless Chromium.

Needs Debian's chromium + chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver) and selenium
(the ``test`` extra). When one is missing the browser tests are skipped, unless
HEMEROTECA_REQUIRE_BROWSER=1 (CI sets it), which turns the skip into a failure.
Screenshots go to tests/screenshots/ (git-ignored).
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from conftest import REAL_SEEDS, TINY_SEEDS, make_app

# Read at import: the session fixture _standard_environ removes HEMEROTECA_* before tests run.
REQUIRE_BROWSER = os.environ.get("HEMEROTECA_REQUIRE_BROWSER") == "1"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
DESKTOP = (1280, 900)
PHONE = (375, 812)

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
except ImportError:  # the test extra is not installed
    webdriver = None


def _missing() -> str | None:
    if webdriver is None:
        return "selenium is not installed (pip install -e '.[test]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists() and not shutil.which(path.name):
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    if reason is None or REQUIRE_BROWSER:  # required: _browser_required fails them instead
        return
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


@pytest.fixture(scope="session", autouse=True)
def _browser_required():
    reason = _missing()
    if reason and REQUIRE_BROWSER:
        pytest.fail(f"HEMEROTECA_REQUIRE_BROWSER=1 but {reason}", pytrace=False)


class LiveServer:
    """The app served over real HTTP in a background thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture(scope="session")
def live_server(tiny_index):
    """The tiny corpus, served on a free port."""
    server = LiveServer(make_app(TINY_SEEDS, tiny_index))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def seed_server(seed_index):
    """The seed corpus (what the README's screenshots show), served on a free port."""
    server = LiveServer(make_app(REAL_SEEDS, seed_index))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


def _chrome(profile: Path, downloads: Path, javascript: bool = True):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium"))
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                 f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--hide-scrollbars"):
        options.add_argument(flag)
    prefs = {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    service = Service(executable_path=str(CHROMEDRIVER if CHROMEDRIVER.exists() else shutil.which("chromedriver")))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(20)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    set_viewport(driver, DESKTOP)
    return driver


@pytest.fixture(scope="session")
def browser(tmp_path_factory, downloads):
    """Headless Chromium with JavaScript on, sized as a desktop window."""
    driver = _chrome(tmp_path_factory.mktemp("chrome-profile"), downloads)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def browser_nojs(tmp_path_factory, downloads):
    """Headless Chromium with JavaScript off: every page must still work."""
    driver = _chrome(tmp_path_factory.mktemp("chrome-profile-nojs"), downloads, javascript=False)
    yield driver
    driver.quit()


def set_viewport(driver, size: tuple[int, int]) -> None:
    """Emulate a screen of ``size`` CSS pixels (a phone when narrow: the viewport meta applies)."""
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def screenshot(driver, name: str, size: tuple[int, int] = DESKTOP) -> Path:
    """Save the current page at ``size`` as tests/screenshots/<name>.png; restore the desktop size."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    set_viewport(driver, size)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    set_viewport(driver, DESKTOP)
    return path
