"""The Commissioning page in a real browser with the network blocked: every chart draws with its PNG,
SVG and CSV buttons; the year, split and as-of controls work; the spend template downloads; a user's
spend table loads with its rejects listed."""

from __future__ import annotations

import pytest
from harness import choose, download, drawn_charts, export_buttons, open_page, screenshot, wait_for_idle

pytestmark = pytest.mark.browser


def open_commissioning(page, app_server) -> None:
    open_page(page, app_server, "/commissioning", timeout_ms=120_000)


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_commissioning_page_on_demo_data(app_server, browser_page, blocked_requests, console_errors):
    page = browser_page
    open_commissioning(page, app_server)
    n = drawn_charts(page)
    assert n == 7
    assert export_buttons(page) == {"png": n, "svg": n, "chartcsv": n}
    text = main_text(page)
    assert "Synthetic demonstration data" in text
    assert "£371,377" in text and "£381,377" in text and "3 of 9" in text
    assert "Caution." in text and "case mix" in text and "time lags" in text
    assert "Illustrative." in text and "Drug Treatment Outcomes Research Study" in text
    headings = page.locator('[data-testid="stMain"] h2, [data-testid="stMain"] h3')
    for i in range(headings.count()):  # 1440x900, one screenshot per section
        headings.nth(i).scroll_into_view_if_needed()
        headings.nth(i).evaluate("el => el.scrollIntoView({block: 'start'})")
        screenshot(page, f"commissioning-demo-{i}")

    name, framework = download(page, "csv-spend_framework")
    assert name == "pcc-substance-misuse-framework-2019-21.csv"
    assert "£30,377" in framework.decode("utf-8") and framework.decode("utf-8").count("TBC") >= 3

    # controls: year, split, as-of date, outcome, evidence
    choose(page, "spend_year", "2016/17")
    page.get_by_text("Spend against outcomes, 2016/17").first.wait_for()
    wait_for_idle(page)
    name, table = download(page, "csv-spend_outcomes")
    assert name == "spend-against-outcomes-2016-17-la.csv"
    assert table.decode("utf-8").splitlines()[0].startswith(
        "area,year,spend,population,spend_per_head,in_treatment,completions,cost_per_completion")
    page.locator(".st-key-spend_split").get_by_text("Programme").click()
    page.get_by_text("Spend by programme and financial year").first.wait_for()
    wait_for_idle(page)
    name, by_programme = download(page, "chartcsv-spend_over_time")
    assert name.startswith("spend-by-programme-") and "drug intervention programme" in by_programme.decode("utf-8")
    choose(page, "spend_outcome", "Drug offences per 1,000 residents")
    page.get_by_text("Drug and alcohol spend per head against drug offences per 1,000 residents").first.wait_for()
    wait_for_idle(page)
    assert drawn_charts(page) == 7
    page.locator(".st-key-spend_evidence").get_by_text("£21 per £1 over 10 years").click()
    page.get_by_text("Benefit to society (over 10 years)", exact=True).first.wait_for()
    wait_for_idle(page)
    year_segment = page.locator('.st-key-spend_as_of [role="spinbutton"]').nth(2)  # DD / MM / YYYY
    year_segment.click()
    page.keyboard.type("2020")
    page.keyboard.press("Enter")
    page.get_by_text("Contracts and when they end").click()  # leaving the field commits the date
    page.get_by_text("Contracts ending within 12 months of 01 Apr 2020").first.wait_for()
    wait_for_idle(page)
    screenshot(page, "commissioning-controls")
    assert blocked_requests == []
    assert not [e for e in console_errors if e.startswith("pageerror")], console_errors


def test_template_downloads_and_a_users_table_loads_with_rejects(app_server, browser_page, blocked_requests,
                                                                 tmp_path):
    page = browser_page
    open_commissioning(page, app_server)
    page.get_by_text("Spend data: demo or your own table").click()
    name, template = download(page, "spend_template_csv")
    assert name == "spend-table-template.csv"
    lines = template.decode("utf-8").splitlines()
    assert lines[0] == "year,area,funder,programme,provider,category,amount,contract_start,contract_end,outcome,note"
    assert len(lines) == 4
    name, workbook = download(page, "spend_template_xlsx")
    assert name == "spend-table-template.xlsx" and workbook[:2] == b"PK"

    mine = tmp_path / "my-spend.csv"
    mine.write_text("\n".join(lines + ["2019/21,Herefordshire,PCC grant,drug intervention programme,,"
                                       "criminal justice,1000,,,,",
                                       "2018/19,Atlantis,PCC grant,x,,treatment,1000,,,,"]) + "\n")
    page.locator(".st-key-spend_source").get_by_text("My spend table (CSV or XLSX)").click()
    page.locator('.st-key-spend_file input[type=file]').wait_for(state="attached")
    wait_for_idle(page)
    page.locator('.st-key-spend_file input[type=file]').set_input_files(str(mine))
    page.get_by_text("2 row(s) were not loaded").first.wait_for()
    wait_for_idle(page)
    text = main_text(page)
    assert "read 5, loaded 3, rejected 2" in text
    name, rejects = download(page, "csv-spend_rejects")
    assert name == "spend-import-rejects.csv"
    rejects = rejects.decode("utf-8")
    assert "year must be a financial year" in rejects and "unknown area 'Atlantis'" in rejects
    assert "Load the Public Health Grant received" in text
    drawn_charts(page)
    page.get_by_text("2 row(s) were not loaded").first.scroll_into_view_if_needed()
    page.get_by_text("2 row(s) were not loaded").first.evaluate("el => el.scrollIntoView({block: 'center'})")
    screenshot(page, "commissioning-user-table")
    assert blocked_requests == []
