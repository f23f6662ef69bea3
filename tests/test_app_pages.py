"""AppTest: page wiring on first render. The numbers are tested in the engine's tests.

Interactions (changing a sidebar widget, the URL following it) are tested in a real browser
(tests/browser/): under st.navigation, AppTest 1.67 does not keep the main script's sidebar
across reruns.
"""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_overview_renders_demo_data_with_label(demo_incidents):
    at = run_app()
    assert not at.exception
    assert metric(at, "Records in the data set") == f"{len(demo_incidents):,}"
    assert metric(at, "Period covered") == "2010-04 – 2020-03"
    assert any("Synthetic demonstration data" in i.value for i in at.info)
    maps = at.get("iframe")  # a plain iframe of the folium page (no clicks read on this map)
    assert len(maps) == 1
    page = maps[0].proto.srcdoc  # the self-contained page of the "Map HTML" download
    assert "<script src=" not in page and "<link" not in page  # Leaflet inlined: no requests
    assert "L.map(" in page and "jquery" not in page.lower()
    assert maps[0].proto.alt == "Map: Incidents by community safety partnership: count (2010-04 to 2020-03)"


def test_url_reproduces_the_view():
    at = run_app({"level": "policing-area", "from": "2014-04", "to": "2014-10", "areas": "Herefordshire"})
    assert not at.exception
    assert at.selectbox(key="filter_area_level_label").value == "Local policing area"
    assert at.multiselect(key="filter_areas").value == ["Herefordshire"]
    # Herefordshire violence Apr–Oct 2014 is 4,729 (table 1) plus its drug offences
    shown = int(metric(at, "Records shown with the filters").replace(",", ""))
    assert 4729 < shown < 4729 * 1.1


def test_bad_url_values_are_ignored_not_fatal():
    at = run_app({"level": "galaxy", "from": "1999-01", "areas": "<script>x</script>"})
    assert not at.exception
    assert at.selectbox(key="filter_area_level_label").value == "Community Safety Partnership"
    assert at.multiselect(key="filter_areas").value == []
