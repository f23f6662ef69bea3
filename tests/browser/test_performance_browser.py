"""The Performance page in a real Chromium with the network blocked: the panel's table 1,
the trend small multiples, the SPC chart with its hover text, the six-month table and the
exceptions; driving the as-of month, the table-1 button and rebasing."""

from __future__ import annotations

import pytest
from harness import choose, download, open_page, screenshot, wait_for_idle

pytestmark = pytest.mark.browser

TABLE_1_URL = "/performance?level=policing-area&as_of=2014-10&measure=violence"
TALL = {"width": 1440, "height": 4600}


def warm_up(page, app_server) -> None:
    """Open the home page first: the server's first run reads the demo data."""
    open_page(page, app_server, "/", timeout_ms=120_000)


def tables(page):
    return page.locator('[data-testid="stTable"]')


def row_cells(page, table_index: int, area: str) -> list[str]:
    row = tables(page).nth(table_index).locator("tr", has_text=area).first
    return [c.strip() for c in row.locator("td, th").all_inner_texts()]


def subheaders(page) -> list[str]:
    return [t.strip() for t in page.locator('[data-testid="stHeadingWithActionElements"] h3').all_inner_texts()]


def wait_for_subheader(page, text: str) -> None:
    """Wait until the first subheader reads ``text`` (a widget change reruns the script a
    moment after the click, so the page may still be idle from before)."""
    page.wait_for_function(
        "text => { const h = document.querySelector('[data-testid=\"stHeadingWithActionElements\"] h3');"
        " return h && h.innerText.trim() === text; }", arg=text, timeout=120_000)
    wait_for_idle(page, timeout_ms=120_000)


def hover_special_cause(page, chart) -> str:
    """Sweep the pointer over the SPC plot until a point's tooltip names a special cause."""
    box = chart.bounding_box()
    tooltip = page.locator("#vg-tooltip-element")
    for y in range(int(box["y"] + 60), int(box["y"] + 380), 4):
        for x in range(int(box["x"] + 60), int(box["x"] + box["width"] - 20), 6):
            page.mouse.move(x, y)
            if tooltip.count() and tooltip.is_visible():
                text = tooltip.inner_text()
                if "Special cause" in text:
                    return text
    return ""


def test_table_1_trends_and_spc_offline(app_server, browser_page, blocked_requests, console_errors):
    page = browser_page
    warm_up(page, app_server)
    open_page(page, app_server, TABLE_1_URL, timeout_ms=120_000)

    assert subheaders(page)[0] == "All violence: year to date, Apr 2014 to Oct 2014 (2014/15)"
    header = [c.strip() for c in tables(page).first.locator("thead th").all_inner_texts()]
    assert header[:8] == ["Area", "YTD", "YTD last year", "% change", "Change v last year", "4-year average",
                          "% v 4-yr avg", "Change v 4-year average"]
    expected = {
        "Herefordshire": ["4729", "5230", "-9.6%", "▼ statistically significant decrease", "5718.3", "-17.3%"],
        "North Worcestershire": ["9213", "8527", "8.0%", "▲ statistically significant increase", "10410.3", "-11.5%"],
        "Shropshire": ["7013", "6853", "2.3%", "● no significant change", "7749.3", "-9.5%"],
        "Telford & Wrekin": ["6011", "5769", "4.2%", "▲ statistically significant increase", "6327.3", "-5.0%"],
    }
    for area, cells in expected.items():
        assert row_cells(page, 0, area)[1:7] == cells, area
    assert row_cells(page, 0, "Total")[:2] == ["Total", "52645"]
    assert page.get_by_text("The total row includes the incidents that are in no area").count() == 1

    charts = page.locator('[data-testid="stVegaLiteChart"]')
    assert charts.count() == 2
    for i in range(2):
        assert charts.nth(i).locator("canvas, svg").count() >= 1
    screenshot(page, "performance_table_1")  # 1440x900

    spc = charts.nth(1)
    spc.scroll_into_view_if_needed()
    tip = hover_special_cause(page, spc)
    assert "Special cause" in tip and "What it means" in tip, tip
    assert any(words in tip for words in ("process limit", "run of 7", "two thirds of the way")), tip
    screenshot(page, "performance_spc_tooltip")

    assert tables(page).count() == 2  # the panel table and the six-month table
    assert page.locator('[data-testid="stDataFrame"]').count() == 1  # the exceptions
    page.set_viewport_size(TALL)
    page.wait_for_timeout(500)
    screenshot(page, "performance_full")  # 1440x4600: the whole page
    assert blocked_requests == [], f"needed the internet: {blocked_requests}"
    assert not [e for e in console_errors if e.startswith("pageerror")], console_errors


def test_as_of_month_and_the_table_1_button(app_server, browser_page, blocked_requests):
    page = browser_page
    warm_up(page, app_server)
    open_page(page, app_server, "/performance?level=policing-area&measure=violence", timeout_ms=120_000)
    assert subheaders(page)[0] == "All violence: year to date, Apr 2019 to Mar 2020 (2019/20)"  # last full month
    choose(page, "perf_as_of", "September 2014 (2014/15)")
    wait_for_subheader(page, "All violence: year to date, Apr 2014 to Sep 2014 (2014/15)")
    assert subheaders(page)[0] == "All violence: year to date, Apr 2014 to Sep 2014 (2014/15)"
    assert "as_of=2014-09" in page.url
    page.get_by_role("button", name="October 2014: the 2014 panel paper's table 1").click()
    wait_for_subheader(page, "All violence: year to date, Apr 2014 to Oct 2014 (2014/15)")
    assert subheaders(page)[0] == "All violence: year to date, Apr 2014 to Oct 2014 (2014/15)"
    assert row_cells(page, 0, "South Warwickshire")[1:4] == ["6629", "7352", "-9.8%"]
    choose(page, "perf_as_of", "October 2013 (2013/14)")
    wait_for_subheader(page, "All violence: year to date, Apr 2013 to Oct 2013 (2013/14)")
    cell = row_cells(page, 0, "Herefordshire")[7]
    assert cell == "– n/a: only 3 previous years of data"
    assert page.get_by_text("The 4-year columns are n/a: only 3 previous years of data").count() == 1
    assert blocked_requests == []


def test_rebasing_the_drugs_marker_at_october_2017(app_server, browser_page, blocked_requests):
    page = browser_page
    warm_up(page, app_server)
    open_page(page, app_server, "/performance?level=force&measure=drugs-marker&as_of=2020-03", timeout_ms=120_000)
    plain = page.locator('[data-testid="stMarkdownContainer"] li').all_inner_texts()
    assert any(t.startswith("Run of 7 on one side of the average") for t in plain), plain
    page.get_by_text("Recalculate the limits from a month").click()
    page.locator(".st-key-perf_rebase").wait_for(timeout=120_000)  # the month to restart at appears
    page.get_by_text("Limits recalculated from 2017-10.").first.wait_for(timeout=120_000)
    wait_for_idle(page, timeout_ms=120_000)
    assert page.get_by_text("Limits recalculated from 2017-10.").count() >= 1
    page.set_viewport_size(TALL)
    page.wait_for_timeout(500)
    screenshot(page, "performance_rebased_drugs_marker")
    assert blocked_requests == []


def test_changing_the_measure_and_the_downloads(app_server, browser_page, blocked_requests, console_errors):
    page = browser_page
    warm_up(page, app_server)
    open_page(page, app_server, TABLE_1_URL, timeout_ms=120_000)

    table_csv = download(page, "csv-violence-ytd-2014-10-policing-areas")[1].decode("utf-8")
    lines = table_csv.splitlines()
    assert lines[0].startswith("area,ytd,ytd_last_year,pct_change,p_value,p_adj,change,avg_4yr,pct_vs_4yr_avg,")
    assert any(line.startswith("Herefordshire,4729,5230,-9.6,") for line in lines), lines[:3]
    xlsx = download(page, "xlsx-violence-ytd-2014-10-policing-areas")[1]
    assert xlsx[:2] == b"PK"  # a zip: an Excel workbook
    assert download(page, "png-perf_spc")[0].startswith("violence-spc-total-policing-areas-2010-04-to-2014-10")
    spc_csv = download(page, "chartcsv-perf_spc")[1].decode("utf-8")
    assert "month,value,mean,lower,upper,special_cause" in spc_csv
    assert download(page, "svg-perf_trend")[0].startswith("violence-per-month-policing-areas-")

    choose(page, "perf_measure", "Possession of drugs")
    wait_for_subheader(page, "Possession of drugs: year to date, Apr 2014 to Oct 2014 (2014/15)")
    assert subheaders(page)[0] == "Possession of drugs: year to date, Apr 2014 to Oct 2014 (2014/15)"
    assert "measure=possession" in page.url
    assert row_cells(page, 0, "Total")[0] == "Total"
    assert download(page, "csv-possession-ytd-2014-10-policing-areas")[0] == \
        "possession-ytd-2014-10-policing-areas.csv"
    screenshot(page, "performance_possession")
    assert blocked_requests == []
    assert not [e for e in console_errors if e.startswith("pageerror")], console_errors
