"""Bring your own data in a real browser (network blocked): upload a real data.police.uk file and a
boundary file on the Data page, see the reconciliation, download the rejects, and see the
Overview and Hotspots pages switch to the imported data and areas.

The server runs on a store of its own (a temporary HARM_DATA_DIR that borrows the already
generated demo data), so nothing here touches other tests' data sets.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from harness import DEFAULT_TIMEOUT_MS, REPO_ROOT, open_page, screenshot, start_streamlit, wait_for_idle, wait_for_map

pytestmark = pytest.mark.browser
STREET = "street_crime/2024-01-west-mercia-street.csv"
BOUNDARIES = "boundaries/Police_Force_Areas_December_2023_EW_BSC.gpkg"
LONG_MS = max(DEFAULT_TIMEOUT_MS, 120_000)


@pytest.fixture(scope="module")
def server_store(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser-store")


@pytest.fixture(scope="module")
def data_server(tmp_path_factory, server_store):
    from harm.demo import load_demo_incidents

    load_demo_incidents()  # generated once in the test store; the server's own store borrows it
    folder = server_store
    (folder / "demo").symlink_to(Path(os.environ["HARM_DATA_DIR"]) / "demo", target_is_directory=True)
    server = start_streamlit(REPO_ROOT, extra_env={"HARM_DATA_DIR": str(folder)})
    yield server.url
    server.stop()


def metric(page, label: str) -> str:
    return page.locator('[data-testid="stMetric"]').filter(has_text=label).first.inner_text().splitlines()[-1]


def count_rows(path: Path) -> tuple[int, int]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    ids = [r["Crime ID"] for r in rows if r["Crime ID"].strip()]
    return len(rows), len(set(ids))


def go_to(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
    page.wait_for_function("t => document.querySelector('h1') && document.querySelector('h1').innerText.includes(t)",
                           arg=title, timeout=LONG_MS)
    wait_for_idle(page, timeout_ms=LONG_MS)


def test_upload_street_csv_and_boundaries_then_pages_follow(browser_page, data_server, blocked_requests, real_dir,
                                                            tmp_path):
    street, boundaries = real_dir / STREET, real_dir / BOUNDARIES
    for path in (street, boundaries):
        if not path.is_file():
            pytest.skip(f"{path} is absent")
    rows, distinct = count_rows(street)
    broken = tmp_path / "export;semicolons.csv"
    broken.write_text("Crime ID;Month;Crime type\n1;2024-01;Drugs\n", encoding="utf-8")
    page = browser_page

    # start at "/" (on a fresh server Streamlit 1.67 runs a first request for /data as an old-style
    # pages/ script, without app.py's sidebar), then follow the navigation like a user
    open_page(page, data_server, "/", timeout_ms=LONG_MS)
    go_to(page, "Data")
    page.locator(".st-key-data_incident_files input[type=file]").set_input_files([str(street), str(broken)])
    # the unusable file gets one clear message; the usable one is listed and can be imported
    alert = page.locator('[data-testid="stAlertContentError"]').filter(has_text="semicolons")
    alert.first.wait_for(timeout=LONG_MS)
    wait_for_idle(page, timeout_ms=LONG_MS)
    assert alert.count() == 1
    assert "export;semicolons.csv: the columns are separated by semicolons" in alert.inner_text()
    assert page.locator(".st-key-data_import_incidents button").is_enabled()
    name = page.locator(".st-key-data_incident_name input")
    name.fill("West Mercia January 2024")
    name.press("Tab")
    wait_for_idle(page)
    page.locator(".st-key-data_import_incidents button").click()
    page.get_by_text("Reconciliation").first.wait_for(timeout=LONG_MS)
    wait_for_idle(page, timeout_ms=LONG_MS)

    # the reconciliation: rows read = loaded + rejected + duplicates, as counted independently
    read, loaded = (int(metric(page, x).replace(",", "")) for x in ("Rows read", "Loaded"))
    rejected, duplicates = (int(metric(page, x).replace(",", "")) for x in ("Rejected", "Duplicates"))
    assert read == rows and loaded == distinct and read == loaded + rejected + duplicates
    assert page.get_by_text("now in use on every page").first.is_visible()
    screenshot(page, "data-import-reconciliation")
    page.set_viewport_size({"width": 1440, "height": 2200})  # the whole report, rejects included
    screenshot(page, "data-import-reconciliation-tall")
    page.set_viewport_size({"width": 1440, "height": 900})

    # the rejects download: file, row, column, value, reason for every row not loaded
    with page.expect_download() as download:
        page.locator(".st-key-csv-last-import-rejects button").click()
    assert download.value.suggested_filename.endswith(".csv")
    text = Path(download.value.path()).read_text("utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["file", "row", "column", "value", "reason"]
    assert len(lines) - 1 == rejected + duplicates
    assert {line[0] for line in lines[1:]} == {street.name}

    # the boundary file: name field suggested, imported, now the area level everywhere
    page.get_by_role("tab", name="Import boundaries").click()
    page.locator(".st-key-data_boundary_file input[type=file]").set_input_files(str(boundaries))
    field = page.locator(".st-key-data_boundary_name_field input[role=combobox]")
    field.wait_for(timeout=LONG_MS)
    wait_for_idle(page, timeout_ms=LONG_MS)
    assert field.input_value() == "PFA23NM"
    set_name = page.locator(".st-key-data_boundary_set_name input")
    set_name.fill("Police force areas 2023")
    set_name.press("Tab")
    wait_for_idle(page)
    page.locator(".st-key-data_import_boundaries button").click()
    page.get_by_text("Imported the boundary set").first.wait_for(timeout=LONG_MS)
    wait_for_idle(page, timeout_ms=LONG_MS)
    assert metric(page, "Loaded") == "43"
    level = page.locator(".st-key-filter_area_level_label input[role=combobox]")
    assert level.input_value() == "Imported: Police force areas 2023"
    page.get_by_role("tab", name="Stored data sets").click()
    screenshot(page, "data-stored-data-sets")

    # Overview follows: the imported incidents, counted in the imported areas
    go_to(page, "Overview")
    assert metric(page, "Records in the data set") == f"{loaded:,}"
    assert page.get_by_text("Synthetic demonstration data").count() == 0
    assert page.get_by_text("West Mercia January 2024").first.is_visible()
    assert level.input_value() == "Imported: Police force areas 2023"
    assert wait_for_map(page, timeout_ms=LONG_MS) >= 1
    screenshot(page, "data-overview-imported")

    # Hotspots follows too
    go_to(page, "Hotspots")
    assert page.get_by_text("Synthetic demonstration data").count() == 0
    assert page.get_by_text("West Mercia January 2024").first.is_visible()
    assert page.get_by_text("Month precision only").first.is_visible()
    wait_for_map(page, timeout_ms=LONG_MS)
    screenshot(page, "data-hotspots-imported")
    assert "data=west-mercia-january-2024" in page.url
    assert blocked_requests == []


def test_force_extract_is_mapped_confirmed_and_the_mapping_saved(browser_page, data_server, server_store, tmp_path):
    import pandas as pd

    extract = tmp_path / "wm-extract.xlsx"
    pd.DataFrame({
        "Occurrence Ref": ["WM/1", "WM/2", "WM/3", "WM/1"],
        "Committed Date": ["25/12/2024", "26/12/2024", "31/02/2024", "25/12/2024"],
        "Committed Time": ["22:30", "01:15", "10:00", "22:30"],
        "HO Class": ["Violence with injury", "Possession of drugs", "Shoplifting", "Violence with injury"],
        "Alcohol Flag": ["Y", "N", "N", "Y"],
        "Easting": ["385000", "386000", "384000", "385000"],
        "Northing": ["255000", "256000", "254000", "255000"],
    }).to_excel(extract, index=False)
    page = browser_page
    open_page(page, data_server, "/", timeout_ms=LONG_MS)
    go_to(page, "Data")
    page.locator(".st-key-data_incident_files input[type=file]").set_input_files(str(extract))
    preview = page.get_by_text("would load")
    preview.first.wait_for(timeout=LONG_MS)
    wait_for_idle(page, timeout_ms=LONG_MS)
    # the mapping is suggested from the headers; the preview reconciles the first rows
    assert "2 would load, 1 would be rejected, duplicates: 1" in preview.first.inner_text()
    combo = page.locator("[class*='st-key-data_map_'][class*='_crime_id'] input[role=combobox]")
    assert combo.input_value() == "Occurrence Ref"
    name = page.locator("[class*='st-key-data_map_'][class*='_name'] input").first
    name.fill("WM records extract")
    name.press("Tab")
    wait_for_idle(page)
    screenshot(page, "data-mapping-step")
    page.locator(".st-key-data_import_incidents button").click()
    page.get_by_text("Reconciliation").first.wait_for(timeout=LONG_MS)
    wait_for_idle(page, timeout_ms=LONG_MS)
    assert [metric(page, x) for x in ("Rows read", "Loaded", "Rejected", "Duplicates")] == ["4", "2", "1", "1"]
    page.get_by_role("tab", name="Stored data sets").click()
    saved_line = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="Saved mappings").last
    assert saved_line.is_visible() and "WM records extract" in saved_line.inner_text()
    screenshot(page, "data-mapping-saved")
    saved = json.loads((server_store / "mappings" / "wm-records-extract.json").read_text("utf-8"))
    assert saved["columns"]["crime_id"] == "Occurrence Ref" and saved["day_first"] is True


def test_workbook_sheet_is_chosen_and_a_spend_table_is_kept(browser_page, data_server, server_store, tmp_path):
    import pandas as pd

    from harm.spend.reader import template_csv

    workbook = tmp_path / "wm-workbook.xlsx"
    with pd.ExcelWriter(workbook) as writer:
        pd.DataFrame({"About this extract": ["Produced by the crime registrar"]}).to_excel(
            writer, index=False, sheet_name="Notes")
        pd.DataFrame({"Occurrence Ref": ["WB/1", "WB/2", "WB/3"],
                      "Committed Date": ["25/12/2024", "26/12/2024", "27/12/2024"],
                      "HO Class": ["Violence with injury", "Possession of drugs", "Violence without injury"],
                      "Easting": ["385000", "386000", "384000"], "Northing": ["255000", "256000", "254000"],
                      }).to_excel(writer, index=False, sheet_name="Crimes")
    page = browser_page
    open_page(page, data_server, "/", timeout_ms=LONG_MS)
    go_to(page, "Data")
    page.locator(".st-key-data_incident_files input[type=file]").set_input_files(str(workbook))
    sheet = page.locator("[class*='st-key-data_sheet_'] input[role=combobox]")
    sheet.wait_for(timeout=LONG_MS)
    wait_for_idle(page, timeout_ms=LONG_MS)
    assert sheet.input_value() == "Notes (1 data row)"  # the first sheet with data, until the user says
    sheet.click()
    page.get_by_role("option", name="Crimes (3 data rows)").click()
    preview = page.get_by_text("3 would load")
    preview.first.wait_for(timeout=LONG_MS)
    wait_for_idle(page, timeout_ms=LONG_MS)
    name = page.locator("[class*='st-key-data_map_'][class*='_name'] input").first
    name.fill("WM workbook")
    name.press("Tab")
    wait_for_idle(page)
    sheet.scroll_into_view_if_needed()
    screenshot(page, "data-workbook-sheet")
    page.locator(".st-key-data_import_incidents button").click()
    page.get_by_text("Reconciliation").first.wait_for(timeout=LONG_MS)
    wait_for_idle(page, timeout_ms=LONG_MS)
    assert [metric(page, x) for x in ("Rows read", "Loaded", "Rejected", "Duplicates")] == ["3", "3", "0", "0"]
    saved = json.loads((server_store / "mappings" / "wm-workbook.json").read_text("utf-8"))
    assert saved["sheet"] == "Crimes"  # python -m harm import FILE --mapping "WM workbook" reads the same sheet

    # a spend table kept in the store, then offered by name on the Commissioning page
    spend = tmp_path / "our-spend.csv"
    spend.write_bytes(template_csv())
    lines = spend.read_text("utf-8").strip().count("\n")
    page.get_by_role("tab", name="Import treatment, testing or spend").click()
    page.locator(".st-key-data_table_kind label").filter(has_text="Spend").click()
    wait_for_idle(page)
    page.locator(".st-key-data_table_files_spend input[type=file]").set_input_files(str(spend))
    wait_for_idle(page, timeout_ms=LONG_MS)
    page.locator(".st-key-data_import_table button").click()
    page.get_by_text("Imported into the spend data set").first.wait_for(timeout=LONG_MS)  # replaces the last report
    wait_for_idle(page, timeout_ms=LONG_MS)
    read, loaded = (int(metric(page, x).replace(",", "")) for x in ("Rows read", "Loaded"))
    rejected = int(metric(page, "Rejected").replace(",", ""))
    assert read == lines and read == loaded + rejected
    screenshot(page, "data-table-import")
    go_to(page, "Commissioning")
    page.get_by_text("Spend data: demo or your own table").first.click()
    assert page.locator(".st-key-spend_source label").filter(has_text="imported on the Data page").count() == 1


def test_stored_treatment_and_testing_sets_are_chosen_on_their_pages(browser_page, data_server, tmp_path,
                                                                     blocked_requests):
    import sys

    sys.path.insert(0, str(REPO_ROOT / "tests"))
    from user_tables import TESTING_ROWS, TREATMENT_ROWS, drug_testing_file, treatment_file

    files = {"treatment": tmp_path / "ndtms-2019-20.csv", "testing": tmp_path / "custody-tests.csv"}
    files["treatment"].write_bytes(treatment_file())
    files["testing"].write_bytes(drug_testing_file())
    page = browser_page
    open_page(page, data_server, "/", timeout_ms=LONG_MS)
    go_to(page, "Data")
    page.get_by_role("tab", name="Import treatment, testing or spend").click()
    for kind, label in (("treatment", "Drug and alcohol treatment"), ("testing", "Drug testing on arrest")):
        page.locator(".st-key-data_table_kind label").filter(has_text=label).click()
        wait_for_idle(page)
        page.locator(f".st-key-data_table_files_{kind} input[type=file]").set_input_files(str(files[kind]))
        wait_for_idle(page, timeout_ms=LONG_MS)
        page.locator(".st-key-data_import_table button").click()
        page.get_by_text(f"Imported into the {kind} data set").first.wait_for(timeout=LONG_MS)
        wait_for_idle(page, timeout_ms=LONG_MS)
        page.get_by_role("tab", name="Import treatment, testing or spend").click()

    go_to(page, "Treatment")
    stored = page.locator(".st-key-treatment_source label").filter(has_text="imported on the Data page")
    from harness import rerun

    rerun(page, stored.click)
    assert page.get_by_text("Data set ndtms-2019-20").first.is_visible()
    total = sum(row[3] for row in TREATMENT_ROWS)
    assert metric(page, "In treatment, 2019/20") == f"{total:,}"
    assert page.locator('[data-testid="stMain"]').get_by_text("Synthetic demonstration data").count() == 0
    screenshot(page, "treatment-stored-set")

    go_to(page, "Drugs")
    stored = page.locator(".st-key-drugs_testing_source label").filter(has_text="imported on the Data page")
    stored.scroll_into_view_if_needed()
    rerun(page, stored.click)
    caption = page.get_by_text("Drug testing: Data set custody-tests").first
    caption.scroll_into_view_if_needed()
    assert caption.is_visible()
    screenshot(page, "drugs-stored-testing")
    with page.expect_download() as download:  # the by-area table of the user's tests, as shown
        page.locator('[class*="st-key-csv-drug-testing-by-area"] button').first.click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert {r["area"]: r["tests"] for r in rows}["All areas"] == str(sum(row[2] for row in TESTING_ROWS))
    assert blocked_requests == []
