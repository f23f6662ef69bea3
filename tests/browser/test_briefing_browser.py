"""Exports and the Briefing page in a real Chromium with the network blocked: a chart downloaded as
PNG and SVG from the Overview, panel mode at 1920 x 1080 (one slide per screen, type never under
18 pt = 24 px, next / previous), and the pack downloaded as PowerPoint and HTML."""

from __future__ import annotations

import io

import pytest
from harness import SCREENSHOTS, download, open_page, screenshot, wait_for_idle

pytestmark = pytest.mark.browser

SLOW_MS = 240_000
BIG_SCREEN = {"width": 1920, "height": 1080}
#: Every text element of a panel slide, with its computed size and whether it is shown.
TEXT_SIZES_JS = """
() => {
  const out = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    out.push([el.tagName, el.textContent.trim().slice(0, 40), parseFloat(style.fontSize)]);
  }
  return out;
}
"""


def click(page, key: str) -> None:
    """Click the button with widget key ``key`` (a button with help text draws a second, hidden copy)."""
    page.locator(f".st-key-{key} button").first.click()


def test_overview_chart_downloads_as_png_and_svg(app_server, browser_page, blocked_requests):
    from PIL import Image

    page = browser_page
    open_page(page, app_server, "/?level=policing-area&from=2014-04&to=2014-10", timeout_ms=SLOW_MS)
    png_name, png = download(page, "png-overview_trend", timeout_ms=SLOW_MS)
    svg_name, svg = download(page, "svg-overview_trend", timeout_ms=SLOW_MS)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] >= 1600  # 2x for print
    assert png_name == "incidents-per-month-2014-04-2014-10-policing-area.png"
    assert svg_name == "incidents-per-month-2014-04-2014-10-policing-area.svg"
    text = svg.decode("utf-8")
    assert text.lstrip().startswith("<svg") and "Synthetic demonstration data" in text
    assert blocked_requests == []


def panel_checks(page) -> dict:
    """What a panel member would notice: small type, a slide running off the screen, scaled charts."""
    sizes = page.evaluate(TEXT_SIZES_JS)
    small = [s for s in sizes if s[2] < 24]
    footer_bottom = page.locator(".pack.panel footer").bounding_box()
    images = page.evaluate("""() => [...document.querySelectorAll('.pack.panel img')].map(
        i => [i.getBoundingClientRect().width, i.naturalWidth / 2, i.getBoundingClientRect().bottom])""")
    return {"small": small, "footer_bottom": footer_bottom["y"] + footer_bottom["height"], "images": images,
            "sidebar": page.locator('section[data-testid="stSidebar"]').is_visible()}


def test_panel_mode_and_pack_download(app_server, browser_page, blocked_requests):
    from pptx import Presentation

    page = browser_page
    open_page(page, app_server, "/?level=csp", timeout_ms=SLOW_MS)  # app.py's sidebar first
    page.set_viewport_size(BIG_SCREEN)
    open_page(page, app_server, "/briefing?level=csp", timeout_ms=SLOW_MS)
    page.locator(".st-key-brief_headline_hotspots input").fill("Friday and Saturday nights, town centres")
    page.keyboard.press("Enter")
    wait_for_idle(page, timeout_ms=SLOW_MS)
    click(page, "brief_down_performance")  # performance after trend-spc
    page.get_by_text("1. All violence per month: trend and process limits").wait_for(timeout=SLOW_MS)
    wait_for_idle(page, timeout_ms=SLOW_MS)
    screenshot(page, "briefing-edit-1920")  # the choosing, ordering and headline controls with the preview
    click(page, "brief_start")

    titles = []
    for number in range(1, 6):
        page.get_by_text(f"Slide {number} of 5").wait_for(timeout=SLOW_MS)  # the rerun after a click
        wait_for_idle(page, timeout_ms=SLOW_MS)
        page.locator(".pack.panel h1").wait_for(timeout=SLOW_MS)
        titles.append(page.locator(".pack.panel h1").inner_text())
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"briefing-panel-{number}.png"))  # what the screen shows
        checks = panel_checks(page)
        assert checks["small"] == [], checks["small"]
        assert checks["footer_bottom"] <= BIG_SCREEN["height"], f"slide {number} runs off the screen"
        assert not checks["sidebar"]
        for shown, natural, bottom in checks["images"]:
            assert shown == pytest.approx(natural, abs=1)  # charts at their natural size: 24 px type stays 24 px
        assert "Source: Synthetic demonstration" in page.locator(".pack.panel footer").inner_text()
        if number < 5:
            click(page, "brief_next")
            wait_for_idle(page, timeout_ms=SLOW_MS)
    assert titles[0].endswith("per month: trend and process limits") and titles[1].startswith("All violence: year")
    assert page.get_by_text("Friday and Saturday nights, town centres").count() == 0  # slide 5 now
    click(page, "brief_prev")
    page.get_by_text("Slide 4 of 5").wait_for(timeout=SLOW_MS)

    click(page, "brief_exit")
    page.locator(".st-key-brief_pptx").wait_for(timeout=SLOW_MS)
    wait_for_idle(page, timeout_ms=SLOW_MS)
    name, pptx = download(page, "brief_pptx", timeout_ms=SLOW_MS)
    assert name == "briefing-2020-03-csp-demo.pptx"
    deck = Presentation(io.BytesIO(pptx))
    assert len(deck.slides) == 5
    hotspots = deck.slides[2]
    words = [s.text_frame.text for s in hotspots.shapes if s.has_text_frame]
    assert "Friday and Saturday nights, town centres" in words
    assert sum(1 for s in hotspots.shapes if s.shape_type == 13) == 2  # two pictures
    assert sum(1 for s in deck.slides[1].shapes if s.has_table) == 1
    _, html = download(page, "brief_html", timeout_ms=SLOW_MS)
    assert b"https://" not in html and b"http://" not in html
    assert blocked_requests == []
