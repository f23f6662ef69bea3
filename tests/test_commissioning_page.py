"""AppTest: the Commissioning page's wiring on its first render. The numbers are tested in
tests/test_spend*.py, test_funnel.py and test_roi.py; interactions in
tests/browser/test_commissioning_browser.py.

AppTest runs a page chosen with ``switch_page`` after the default page has built the sidebar's
context; widget values of the page are set through ``session_state`` before that run.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def commissioning(state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    assert not at.exception
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page("pages/commissioning.py").run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def demo_page():
    return commissioning()


def test_first_render_on_demo_data(demo_page):
    at = demo_page
    assert any("Synthetic demonstration data" in i.value for i in at.info)
    shown = metrics(at)
    assert shown["Ring-fenced budget (published)"] == "£371,377"
    assert shown["Sum of the lines with an amount"] == "£381,377"
    assert shown["Lines to be confirmed"] == "3 of 9"
    assert shown["Contracts ending within 12 months of 01 Apr 2019"] == "19"
    assert [h.value for h in at.header] == ["Spend over time", "Public Health Grant spent on drug and alcohol",
                                            "PCC commissioning framework 2019–21", "Spend against outcomes, 2019/20",
                                            "Return on investment"]


def test_every_chart_and_table_has_its_downloads(demo_page):
    at = demo_page
    charts = at.get("vega_lite_chart")
    assert len(charts) == 7
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("⬇ PNG") == labels.count("⬇ SVG") == 7
    assert labels.count("⬇ XLSX") == len(at.dataframe) == 5  # one per table
    assert "⬇ Template (CSV)" in labels


def test_caution_illustrative_and_evidence_are_beside_the_numbers(demo_page):
    at = demo_page
    warnings = " ".join(w.value for w in at.warning)
    assert "ignores case mix" in warnings and "time lags" in warnings
    assert "Illustrative only" in warnings
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # markdown escapes
    assert "Drug Treatment Outcomes Research Study (DTORS)" in text and "Assumption:" in text
    assert "Change in spend: +10% of" in text
    tbc = " ".join(c.value for c in at.caption)
    assert "to be confirmed" in tbc and "Naloxone for first responders" in tbc


def test_csp_level_and_an_earlier_year():
    at = commissioning({"spend_level": "csp", "spend_year": "2016/17"})
    assert "Spend against outcomes, 2016/17" in [h.value for h in at.header]
    table = next(d.value for d in at.dataframe if "spend_per_head" in d.value.columns)
    assert len(table) == 9  # the nine CSPs
    assert set(table["year"]) == {"2016/17"}
