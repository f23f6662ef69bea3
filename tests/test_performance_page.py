"""AppTest: the Performance page's wiring on its first render. The numbers are tested in
tests/test_performance*.py; interactions (changing the as-of month, hovering the SPC chart)
in tests/browser/test_performance_browser.py.

AppTest runs a page chosen with ``switch_page`` without ``app.py``'s sidebar, so each test
renders the default page first (the sidebar builds the context from the URL), then the
Performance page.

The panel table and the six-month table are ``st.table`` (HTML: cells wrap, screen readers
read them): ``at.table``; the exceptions list is ``st.dataframe``: ``at.dataframe``.
"""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TABLE_1 = {  # FACTS.md table 1, as printed
    "Herefordshire": ("4729", "5230", "-9.6%", "-17.3%"),
    "North Warwickshire": ("9692", "10234", "-5.3%", "-9.1%"),
    "North Worcestershire": ("9213", "8527", "8.0%", "-11.5%"),
    "Shropshire": ("7013", "6853", "2.3%", "-9.5%"),
    "South Warwickshire": ("6629", "7352", "-9.8%", "-18.2%"),
    "South Worcestershire": ("9234", "8632", "7.0%", "-7.4%"),
    "Telford & Wrekin": ("6011", "5769", "4.2%", "-5.0%"),
}


def performance_page(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    at.switch_page("pages/performance.py").run()
    assert not at.exception, at.exception
    return at


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


@pytest.fixture(scope="module")
def table_1_page():
    return performance_page({"level": "policing-area", "as_of": "2014-10", "measure": "violence"})


def test_table_1_on_the_page(table_1_page):
    at = table_1_page
    assert at.title[0].value == "Performance"
    assert any("Synthetic demonstration data" in i.value for i in at.info)
    assert at.selectbox(key="perf_as_of").value == "2014-10"
    assert at.selectbox(key="perf_measure").value == "violence"
    assert at.subheader[0].value == "All violence: year to date, Apr 2014 to Oct 2014 (2014/15)"
    table = at.table[0].value.set_index("Area")
    for area, (ytd, last, pct, v4) in TABLE_1.items():
        assert (table.loc[area, "YTD"], table.loc[area, "YTD last year"], table.loc[area, "% change"],
                table.loc[area, "% v 4-yr avg"]) == (ytd, last, pct, v4)
    assert table.loc["Herefordshire", "Change v last year"] == "▼ statistically significant decrease"
    assert table.loc["North Worcestershire", "Change v last year"] == "▲ statistically significant increase"
    assert table.loc["Shropshire", "Change v last year"] == "● no significant change"
    assert list(table.index[-2:]) == ["(no location)", "Total"]
    assert table.loc["Total", "YTD"] == "52645"
    assert {"Rate per 1,000", "p", "adjusted p", "p (4-yr)", "adjusted p (4-yr)"} <= set(table.columns)
    text = captions(at)
    assert "The total row includes the incidents that are in no area (124 with no location" in text
    assert "Benjamini-Hochberg adjustment across the 7 area rows" in text
    assert "the sidebar's period, offence groups and markers do not" in text


def test_downloads_trends_spc_six_months_and_exceptions(table_1_page):
    at = table_1_page
    ids = [b.proto.id for b in at.get("download_button")]
    assert any(i.endswith("csv-violence-ytd-2014-10-policing-areas") for i in ids)
    assert any(i.endswith("xlsx-violence-ytd-2014-10-policing-areas") for i in ids)
    assert any(i.endswith("csv-exceptions-all-measures-2014-10-policing-areas") for i in ids)
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(charts) == 2
    facet, spc_chart = charts
    assert "facet" in facet and facet["facet"]["field"] == "area"
    tooltip_fields = {t["field"] for t in spc_chart["layer"][4]["encoding"]["tooltip"]}
    assert {"explanation", "rule", "signal", "upper", "lower"} <= tooltip_fields
    assert spc_chart["layer"][4]["encoding"]["shape"]["field"] == "rule"  # not colour alone
    headers = [s.value for s in at.subheader]
    assert "Last six months (May 2014 to Oct 2014) against the six before (Nov 2013 to Apr 2014)" in headers
    assert headers[-1] == "Exceptions to brief on"
    six = at.table[1].value
    assert list(six["Area"].iloc[[0, -1]]) == ["Herefordshire", "Total"]
    exceptions = at.dataframe[0].value
    assert list(exceptions.columns) == ["Month", "Measure", "Area", "Comparison", "Finding", "adjusted p"]
    assert set(exceptions["Month"]) <= {"2014-10", "2014-09", "2014-08", "2014-07", "2014-06", "2014-05"}
    assert "▼ statistically significant decrease (-9.6%)" in set(
        exceptions.loc[(exceptions["Area"] == "Herefordshire") & (exceptions["Measure"] == "All violence"), "Finding"])
    assert at.button(key="perf_table_1").label.startswith("October 2014")


def test_four_year_columns_say_n_a_and_why():
    at = performance_page({"level": "force", "as_of": "2013-10", "measure": "violence"})
    table = at.table[0].value.set_index("Area")
    assert set(table.loc[["West Mercia", "Warwickshire", "Total"], "% v 4-yr avg"]) == {"n/a"}
    assert table.loc["Total", "Change v 4-year average"] == "– n/a: only 3 previous years of data"
    assert "The 4-year columns are n/a: only 3 previous years of data" in captions(at)


def test_bad_url_values_fall_back_to_the_defaults():
    at = performance_page({"as_of": "2099-01", "measure": "<script>"})
    assert at.selectbox(key="perf_as_of").value == "2020-03"  # the last complete month of the demo data
    assert at.selectbox(key="perf_measure").value == "violence"


def test_chosen_areas_only_and_their_total():
    at = performance_page({"level": "policing-area", "areas": "Shropshire|Herefordshire", "as_of": "2014-10"})
    table = at.table[0].value
    assert list(table["Area"]) == ["Herefordshire", "Shropshire", "Total"]
    assert table["YTD"].iloc[-1] == str(4729 + 7013)
    assert "The total row is the total of the selected areas only." in captions(at)


def test_drugs_marker_carries_the_recording_caution():
    at = performance_page({"level": "force", "as_of": "2020-03", "measure": "drugs-marker"})
    assert at.subheader[0].value == "Drug-related (marker): year to date, Apr 2019 to Mar 2020 (2019/20)"
    assert any("October 2017 sharply reduced drugs-marker use" in w.value for w in at.warning)
    ids = [b.proto.id for b in at.get("download_button")]
    assert any(i.endswith("csv-drugs-marker-ytd-2020-03-forces") for i in ids)
