"""The Hotspots page in a real Chromium with the network blocked: the map draws offline, the
night-time-economy preset changes it, a click in the day x hour matrix filters it, a click on
an area opens its drill-down, and no control raises an exception."""

from __future__ import annotations

import json
import re
import time

import pytest
from harness import rerun as harness_rerun
from harness import ARTIFACTS, MAP_IFRAME, MAP_PATH, open_page, screenshot, wait_for_map

pytestmark = pytest.mark.browser

LONG = 120_000
TALL = {"width": 1440, "height": 2600}

def rerun(page, action) -> None:
    harness_rerun(page, action, timeout_ms=LONG)


def warm_up(page, app_server) -> None:
    """Open the home page first: the server's first run reads the demo data."""
    open_page(page, app_server, "/", timeout_ms=LONG)


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def map_html(page) -> str:
    """The text the map shows (legend, labels, notes)."""
    return page.frame_locator(MAP_IFRAME).first.locator("body").inner_text()


def map_bytes(page) -> int:
    """Size of the map's document in the browser."""
    frame = page.locator(MAP_IFRAME).first.element_handle().content_frame()
    return len(frame.content().encode("utf-8"))


def wait_map_changed(page, before: str) -> str:
    page.wait_for_function(
        "([sel, before]) => { const f = document.querySelector(sel);"
        " const b = f && f.contentDocument && f.contentDocument.body;"
        " return b && b.innerText.includes('Gi*') !== undefined && b.innerText !== before; }",
        arg=[MAP_IFRAME, before], timeout=LONG)
    wait_for_map(page, timeout_ms=LONG)
    return map_html(page)


def expect_map_text(page, text: str) -> None:
    """Wait until the map (legend, labels, notes) shows ``text``."""
    page.wait_for_function(
        "([sel, text]) => { const f = document.querySelector(sel);"
        " const b = f && f.contentDocument && f.contentDocument.body;"
        " return b && b.innerText.includes(text); }", arg=[MAP_IFRAME, text], timeout=LONG)


def click_radio(page, key: str, label: str) -> None:
    rerun(page, lambda: page.locator(f".st-key-{key} label").filter(has_text=label).first.click())


def open_hotspots(page, app_server, query: str = "") -> None:
    warm_up(page, app_server)
    open_page(page, app_server, "/hotspots" + query, timeout_ms=LONG)
    wait_for_map(page, timeout_ms=LONG)


def test_map_draws_offline_with_csp_labels_and_legend(app_server, browser_page, blocked_requests):
    page = browser_page
    warm_up(page, app_server)
    started = time.perf_counter()
    open_page(page, app_server, "/hotspots", timeout_ms=LONG)
    paths = wait_for_map(page, timeout_ms=LONG)
    seconds = time.perf_counter() - started
    assert paths > 100  # grid cells of the whole force area
    frame = page.frame_locator(MAP_IFRAME).first
    labels = frame.locator(".harm-area-label").all_inner_texts()
    assert "Herefordshire" in labels and len(labels) == 9  # every CSP labelled
    assert "Gi* hot and cold spots" in frame.locator("body").inner_text()
    assert page.get_by_text("Synthetic demonstration data").first.is_visible()
    assert blocked_requests == []
    size = map_bytes(page)
    assert size < 3_000_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "hotspots-timing.json").write_text(json.dumps(
        {"seconds_to_drawn_map_after_overview": round(seconds, 2), "map_html_bytes": size}))
    screenshot(page, "hotspots")


def test_night_time_preset_changes_the_map(app_server, browser_page, blocked_requests):
    page = browser_page
    open_hotspots(page, app_server)
    before_html, before_count = map_html(page), metric(page, "Incidents shown")
    rerun(page, lambda: page.get_by_role("button", name="🌙 Night-time economy").first.click())
    after_html = wait_map_changed(page, before_html)
    assert "Fri, Sat" in after_html and "21:00" in after_html  # the legend says which nights
    after_count = metric(page, "Incidents shown")
    assert after_count != before_count
    assert float(after_count.replace(",", "")) < float(before_count.replace(",", "")) / 3
    assert blocked_requests == []
    screenshot(page, "hotspots-night-time-economy")


def matrix_canvas(page):
    return page.locator('.st-key-hs_matrix canvas, .st-key-hs_matrix svg.marks').first


def test_clicking_a_matrix_cell_filters_the_map(app_server, browser_page):
    page = browser_page
    open_hotspots(page, app_server)
    before_html, before_count = map_html(page), metric(page, "Incidents shown")
    chart = matrix_canvas(page)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    # Saturday (second row from the bottom), around 22:00: the plot sits left of the legend
    # and above the hour axis; aim inside it.
    x = box["x"] + box["width"] * 0.78
    y = box["y"] + box["height"] - 48 - 1.5 * 31
    rerun(page, lambda: page.mouse.click(x, y))
    info = page.get_by_text("The map is filtered to the matrix cells you picked")
    info.wait_for(timeout=LONG)
    picked = re.search(r"picked: (\w{3} \d\d:00)", info.inner_text()).group(1)
    after_html = wait_map_changed(page, before_html)
    assert picked in after_html  # the map's legend names the matrix cell
    after = float(metric(page, "Incidents shown").replace(",", ""))
    assert 0 < after < float(before_count.replace(",", "")) / 50  # one hour of 168
    screenshot(page, "hotspots-matrix-filter")


def test_clicking_an_area_opens_its_drilldown(app_server, browser_page):
    page = browser_page
    open_hotspots(page, app_server)
    click_radio(page, "hs_geography", "CSPs")
    frame = page.frame_locator(MAP_IFRAME).first
    frame.locator(MAP_PATH).nth(8).wait_for(timeout=LONG)
    assert frame.locator(MAP_PATH).count() == 9
    # the western-most CSP (Herefordshire or Shropshire): away from the legend (top right)
    page.locator(MAP_IFRAME).first.evaluate("e => e.scrollIntoView({block: 'center'})")
    boxes = [frame.locator(MAP_PATH).nth(i).bounding_box() for i in range(9)]
    west = min(boxes, key=lambda b: b["x"] + b["width"] / 2)
    rerun(page, lambda: page.mouse.click(west["x"] + west["width"] / 2, west["y"] + west["height"] / 2))
    heading = page.get_by_text(re.compile(r"^Drill-down: "))
    heading.wait_for(timeout=LONG)
    name = heading.inner_text().removeprefix("Drill-down: ").strip()
    assert name in ("Herefordshire", "Shropshire")
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    assert charts.count() >= 4  # drill-down day x hour, monthly, offences + the matrix
    assert page.get_by_text(f"{name}: incidents per month").count() or page.locator(
        "canvas, svg").count()
    screenshot(page, "hotspots-drilldown")
    page.set_viewport_size(TALL)
    screenshot(page, "hotspots-drilldown-tall")


def test_no_control_raises(app_server, browser_page):
    page = browser_page
    open_hotspots(page, app_server)
    # days, an hour window that wraps midnight, time method
    rerun(page, lambda: page.locator(".st-key-hs_days button").filter(has_text="Mon").first.click())
    for key, option in (("hs_from", "22:00"), ("hs_to", "03:00")):
        box = page.locator(f".st-key-{key} input[role=combobox]")
        box.click()
        rerun(page, lambda o=option: page.locator('[role="option"]').filter(has_text=o).first.click())
    expect_map_text(page, "Tue, Wed, Thu, Fri, Sat, Sun, 22:00-02:59")
    click_radio(page, "hs_time", "Start time")
    # geography, cell size, measure, statistic
    click_radio(page, "hs_geography", "LSOAs")
    click_radio(page, "hs_measure", "Rate")
    click_radio(page, "hs_statistic", "Counts")
    expect_map_text(page, "Rate per 1,000 residents by LSOA")
    click_radio(page, "hs_geography", "Grid cells")
    cell = page.locator(".st-key-hs_cell input")
    cell.fill("1000")
    rerun(page, lambda: cell.press("Enter"))
    assert "1,000 m" in page.locator('[data-testid="stMain"]').inner_text()
    click_radio(page, "hs_statistic", "Gi*")
    # heat layer (sampled), the hour slider, small multiples, the preset and reset
    rerun(page, lambda: page.locator(".st-key-hs_heat label").first.click())
    expect_map_text(page, "Heat layer: a random sample")
    rerun(page, lambda: page.get_by_role("button", name="🌙 Night-time economy").first.click())
    slider = page.locator('.st-key-hs_hour input[type="range"]').first
    slider.focus()
    rerun(page, lambda: slider.press("ArrowRight"))
    expect_map_text(page, "only 21:00-21:59")
    page.get_by_text(re.compile("Hot spots hour by hour")).first.click()
    rerun(page, lambda: page.locator(".st-key-hs_multiples label").first.click())
    page.locator(".st-key-png-hs_multiples_chart").wait_for(timeout=LONG)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2  # the matrix + the multiples
    screenshot(page, "hotspots-controls")
    rerun(page, lambda: page.get_by_role("button", name="Whole week").first.click())
    # the base map switch (tiles are the only thing that may come from the internet)
    rerun(page, lambda: page.locator(".st-key-hs_map_tiles label").first.click())
    wait_for_map(page, timeout_ms=LONG)
