"""The spine in a real browser: every page opens, the Overview map draws offline, the URL follows."""

import json
import time
from urllib.parse import urlsplit

import pytest
from harness import ARTIFACTS, MAP_IFRAME, choose, download, open_page, screenshot, wait_for_map

pytestmark = pytest.mark.browser


def test_overview_map_draws_with_network_blocked(app_server, browser_page, blocked_requests):
    started = time.perf_counter()
    open_page(browser_page, app_server, "/")
    polygons = wait_for_map(browser_page)
    seconds = time.perf_counter() - started
    assert polygons == 9  # the nine CSPs
    assert browser_page.get_by_text("Synthetic demonstration data").first.is_visible()
    assert blocked_requests == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "overview-timing.json").write_text(json.dumps({"seconds_to_drawn_map": round(seconds, 2)}))
    screenshot(browser_page, "overview")


def test_area_level_change_redraws_map_and_updates_url(app_server, browser_page):
    open_page(browser_page, app_server, "/")
    wait_for_map(browser_page)
    choose(browser_page, "filter_area_level_label", "Local policing area")
    browser_page.wait_for_function("location.search.includes('level=policing-area')")
    frame = browser_page.frame_locator(MAP_IFRAME).first
    frame.locator("path.leaflet-interactive").nth(6).wait_for()
    assert frame.locator("path.leaflet-interactive").count() == 7
    assert "Local policing area" in browser_page.locator('[data-testid="stMetric"]').nth(2).inner_text()


def test_link_reproduces_the_view(app_server, browser_page):
    open_page(browser_page, app_server, "/?level=policing-area&from=2014-04&to=2014-10&areas=Herefordshire")
    wait_for_map(browser_page)
    shown = browser_page.locator('[data-testid="stMetric"]').filter(has_text="Records shown").inner_text()
    count = int(shown.splitlines()[-1].replace(",", ""))
    assert 4729 < count < 4729 * 1.1  # table 1's Herefordshire YTD plus its drug offences
    screenshot(browser_page, "overview-herefordshire-ytd")


def test_every_page_opens_without_exception(app_server, browser_page):
    open_page(browser_page, app_server, "/")
    links = browser_page.locator('[data-testid="stSidebarNav"] a')
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    if not hrefs:  # Streamlit hides the navigation while there is a single page
        hrefs = [app_server.rstrip("/") + "/"]
    pages_with_maps = []
    for href in hrefs:
        open_page(browser_page, href, "")
        name = urlsplit(href).path.strip("/") or "overview"
        for index in range(browser_page.locator(MAP_IFRAME).count()):
            assert wait_for_map(browser_page, index=index) > 0
            pages_with_maps.append(name)
        screenshot(browser_page, "page-" + name)
    assert len(hrefs) == 8 and len(set(pages_with_maps)) >= 2  # Overview and Hotspots draw maps


def test_deep_link_is_the_first_request_a_fresh_server_gets(browser_page):
    """A saved link to a page, opened right after a restart, shows that page with the sidebar.

    (Streamlit 1.67 runs a page file on its own until app.py has called st.navigation once.)
    """
    from harness import start_streamlit

    server = start_streamlit()
    try:
        open_page(browser_page, server.url, "/performance?level=policing-area")
        assert browser_page.locator("h1").first.inner_text() == "Performance"
        level = browser_page.locator(".st-key-filter_area_level_label input[role=combobox]")
        assert level.input_value() == "Local policing area"
    finally:
        server.stop()


def test_overview_map_downloads_as_offline_html_and_png(app_server, browser_page, blocked_requests):
    import io

    from PIL import Image

    open_page(browser_page, app_server, "/?level=policing-area&from=2014-04&to=2014-10")
    wait_for_map(browser_page)
    name, html = download(browser_page, "overview_map_html", timeout_ms=120_000)
    assert name == "incidents-count-map-2014-04-2014-10-policing-area.html"
    text = html.decode("utf-8")
    assert "L.map(" in text and "Herefordshire" in text
    assert "https://cdn" not in text and "<script src=\"http" not in text
    name, png = download(browser_page, "overview_map_png", timeout_ms=120_000)
    assert name == "incidents-count-map-2014-04-2014-10-policing-area.png"
    assert Image.open(io.BytesIO(png)).size[0] > 800
    assert blocked_requests == []
