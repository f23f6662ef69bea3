"""The Hotspots page's wiring (AppTest, first render only; widgets are driven in
tests/browser/test_hotspots_browser.py)."""

import json
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def page():
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params.update({"level": "policing-area", "from": "2014-04", "to": "2014-10"})
    at.run()
    at.switch_page("pages/hotspots.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_first_render_shows_map_side_statistics_and_method(page):
    labels = [m.label for m in page.metric]
    assert labels[0].startswith("Incidents shown")
    assert any("busiest 5%" in label for label in labels) and any("busiest 10%" in label for label in labels)
    assert "Windows longer than 24 hours" in labels
    captions = " ".join(c.value for c in page.caption)
    assert "Without a time of day" in captions and "without a location" in captions
    assert "Getis-Ord Gi*" in captions and "Benjamini-Hochberg" in captions
    maps = page.get("component_instance")
    assert len(maps) == 1
    assert len(maps[0].proto.json_args.encode()) < 3_000_000


def test_matrix_is_7_by_24_and_selectable(page):
    charts = page.get("vega_lite_chart")
    matrix = next(c for c in charts
                  if any(p.get("name") == "cells" for p in json.loads(c.proto.spec).get("params", [])))
    (dataset,) = matrix.proto.datasets  # Streamlit sends the data apart from the spec (Arrow)
    table = pa.ipc.open_stream(dataset.data.data).read_all()
    assert table.num_rows == 168
    assert table.column("day").to_pylist()[::24] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_controls_and_downloads_are_there(page):
    keys = {w.key for w in page.radio}
    assert {"hs_time", "hs_geography", "hs_measure", "hs_statistic"} <= keys
    assert page.number_input(key="hs_cell") is not None
    assert {b.key for b in page.button} >= {"hs_nte", "hs_reset"}
    assert page.selectbox(key="hs_from").value == 0 and page.selectbox(key="hs_to").value == 24
    assert len(page.dataframe) >= 1  # the top hot spots


def _month_only_controls():
    from harm.ui.hotspot_page import controls

    c = controls(True, "csp", ())
    import streamlit as st

    st.write(f"RESULT {c.days} {c.hours} {c.time_method}")


def test_month_only_data_disables_day_and_hour_controls():
    at = AppTest.from_function(_month_only_controls, default_timeout=120)
    at.run()
    assert not at.exception
    assert at.selectbox(key="hs_from").disabled and at.selectbox(key="hs_to").disabled
    assert at.radio(key="hs_time").disabled
    assert at.button(key="hs_nte").disabled
    assert any("Days and hours are switched off" in i.value for i in at.info)
    assert any("RESULT ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun') 00-24 start" in m.value
               for m in at.markdown)
