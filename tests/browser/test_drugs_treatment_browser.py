"""The Drugs and Treatment pages in a real browser with the network blocked: every chart draws and
has its PNG, SVG and CSV buttons; downloads carry suppressed cells; the real OHID / NDTMS files load
through the Treatment page's uploader."""

from __future__ import annotations

import pytest
from harness import choose, download, drawn_charts, export_buttons, open_page, screenshot, wait_for_idle

pytestmark = pytest.mark.browser

REAL_FILES = ["unmet_opiates.csv", "ViewIt Export Data_LAs.csv", "ViewIt Export Data_England.csv"]


def open_deep(page, app_server: str, path: str) -> None:
    """Open a page by its link (works as the first request of a fresh server too)."""
    open_page(page, app_server, path, timeout_ms=120_000)


def section_screenshots(page, prefix: str) -> None:
    """One 1440x900 screenshot per section (Streamlit scrolls inside stMain, so a 'full page' shot shows
    only the top): the page top, then each header scrolled to the top of the window."""
    page.locator('[data-testid="stMain"] h1').first.scroll_into_view_if_needed()
    screenshot(page, f"{prefix}-0-top")
    headers = page.locator('[data-testid="stMain"] h2')
    for i in range(headers.count()):
        headers.nth(i).evaluate("el => el.scrollIntoView({block: 'start'})")
        screenshot(page, f"{prefix}-{i + 1}")


def test_drugs_page_draws_every_chart_offline(app_server, browser_page, blocked_requests, console_errors):
    page = browser_page
    open_deep(page, app_server, "/drugs?from=2010-04&to=2020-03")
    n = drawn_charts(page)
    assert n == 8
    assert export_buttons(page) == {"png": n, "svg": n, "chartcsv": n}
    assert page.get_by_text("Synthetic demonstration data").first.is_visible()
    warning = page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
    assert "Step change in drugs-marker use from October 2017" in warning
    assert "not a fall in drug-related crime" in warning
    png = download(page, "png-drugs_marker")[1]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    funnel_csv = download(page, "chartcsv-drugs_funnel")[1].decode("utf-8")
    assert "Tested on arrest" in funnel_csv and "Synthetic demonstration" in funnel_csv
    section_screenshots(page, "drugs")
    # a control: the year-to-date table switches to trafficking, and its download name says so
    choose(page, "drugs_measure", "Trafficking of drugs")
    page.locator('[class*="st-key-csv-trafficking-ytd-2020-03"]').first.wait_for(state="attached")
    wait_for_idle(page)
    assert page.locator('[class*="st-key-csv-drug-offences-ytd-2020-03"]').count() == 0
    assert drawn_charts(page) == n
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(page, "drugs-page-1920")
    assert blocked_requests == []
    assert not [e for e in console_errors if e.startswith("pageerror")], console_errors


def test_drugs_page_by_csp_shows_suppressed_testing_cells(app_server, browser_page, blocked_requests):
    page = browser_page
    open_deep(page, app_server, "/drugs?level=csp&from=2017-04&to=2017-04")
    drawn_charts(page)
    table = download(page, "csv-drug-testing-by-area-2017-04-2017-04-csp")[1].decode("utf-8")
    assert "<5" in table  # North Warwickshire's single month
    assert blocked_requests == []


def test_treatment_page_on_demo_data(app_server, browser_page, blocked_requests, console_errors):
    page = browser_page
    open_deep(page, app_server, "/treatment")
    n = drawn_charts(page)
    assert n == 7
    assert export_buttons(page) == {"png": n, "svg": n, "chartcsv": n}
    choose(page, "treatment_year", "2016/17")
    page.locator(".st-key-treatment_forces").get_by_text("2016/17:").first.wait_for()
    forces = page.locator(".st-key-treatment_forces").inner_text()
    assert "West Mercia" in forces and "5,000" in forces and "3,000" in forces  # FACTS.md, 2016/17
    choose(page, "treatment_outcome", "Waited over 3 weeks")
    page.locator(".st-key-csv-waiting-opiate-2016-17-la").wait_for(state="attached")
    assert drawn_charts(page) == 7
    completions = download(page, "csv-successful-completions-2016-17-la")[1].decode("utf-8")
    assert "Worcestershire,2016/17,opiate" in completions
    section_screenshots(page, "treatment-demo")
    assert blocked_requests == []
    assert not [e for e in console_errors if e.startswith("pageerror")], console_errors


def test_treatment_page_loads_the_real_ohid_files(app_server, browser_page, blocked_requests, real_dir,
                                                  console_errors):
    page = browser_page
    open_deep(page, app_server, "/treatment")
    page.get_by_text("Files from OHID Fingertips / NDTMS ViewIt").click()
    wait_for_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
        [str(real_dir / "drug_treatment" / name) for name in REAL_FILES])
    page.get_by_text("NDTMS ViewIt England").first.wait_for()
    wait_for_idle(page)
    assert page.get_by_text("rounded to the nearest 5").first.is_visible()
    # the newest year of the files comes first: 2021/22, whose completions ViewIt writes NULL
    page.get_by_text("No successful completions for 2021/22").first.wait_for(state="visible")
    metric = page.locator('[data-testid="stMetric"]').first.inner_text()
    assert "In treatment, 2021/22" in metric and "1,465" in metric  # Barnet, all substances (intreatment_allintx)
    n = drawn_charts(page)
    assert n == 4  # numbers in treatment (2) and unmet need (2): no completions or re-presentations in 2021/22
    assert export_buttons(page) == {"png": n, "svg": n, "chartcsv": n}
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Barnet" in body and "Middlesbrough" in body  # ViewIt's authority; Fingertips 2020/21 authorities
    assert "Synthetic demonstration data" not in body
    choose(page, "treatment_year", "2016/17")
    page.get_by_text("In treatment, 2016/17").first.wait_for()
    assert drawn_charts(page) == 7
    completions = download(page, "csv-successful-completions-2016-17-la")[1].decode("utf-8")
    assert completions.splitlines()[0] == ("area,period,substance,in_treatment,completions,completion_rate,ci_low,"
                                           "ci_high,england_rate,vs_england")
    assert "Barnet,2016/17,opiate,575,50,8.7," in completions
    choose(page, "treatment_need_year", "2019/20")
    need = download(page, "csv-unmet-need-ocu-2019-20-la")[1].decode("utf-8")
    assert "Worcestershire,2019/20,2635" in need
    section_screenshots(page, "treatment-real")
    assert blocked_requests == []
    assert not [e for e in console_errors if e.startswith("pageerror")], console_errors
