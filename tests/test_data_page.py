"""AppTest: the Data page and the store-backed sidebar on first render.

Uploading, the mapping step and switching are driven in a real browser
(tests/browser/test_data_browser.py); under st.navigation AppTest checks first render only.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from harm import store
from harm.io import police_uk
from harm.io.importer import FileInput, import_boundaries, import_incidents

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run(page: str, query: dict | None = None) -> tuple[AppTest, AppTest]:
    """The default page first (its sidebar builds the context from the URL), then ``page``.

    Returns the AppTest after each run's state is checked: (first render, page render)."""
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    sidebar = {"dataset": at.selectbox(key="filter_dataset").value,
               "level": at.selectbox(key="filter_area_level_label").value,
               "records": next((m.value for m in at.metric if m.label == "Records in the data set"), None)}
    at.switch_page(page).run()
    return sidebar, at


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(map(str, parts))


def test_data_page_first_render_with_an_empty_store(store_with_demo):
    sidebar, at = run("pages/data.py")
    assert not at.exception, at.exception
    assert at.title[0].value == "Data"
    assert [t.label for t in at.tabs] == ["Import incidents", "Import boundaries", "Import treatment, testing or spend",
                                         "Stored data sets"]
    assert "data.police.uk" in text_of(at)
    assert "Nothing imported yet" in text_of(at)
    assert sidebar["dataset"] == "demo"


def small_street_file() -> FileInput:
    header = ",".join(police_uk.COLUMNS)
    rows = ["a1,2024-01,West Mercia Police,West Mercia Police,-2.2200,52.1900,x,E,n,Drugs,,",
            "a2,2024-02,West Mercia Police,West Mercia Police,-2.2200,52.1900,x,E,n,Violence and sexual offences,,",
            ",2024-02,West Mercia Police,West Mercia Police,-2.2,52.19,x,E,n,Anti-social behaviour,,"]
    return FileInput("2024-01-west-mercia-street.csv", "\n".join([header, *rows, ""]).encode())


def test_stored_data_sets_are_listed_and_used_by_the_sidebar(store_with_demo):
    import_incidents([small_street_file()], "Street <i>Jan</i>")
    areas = gpd.GeoDataFrame({"nm": ["Worcester box"]}, geometry=[box(380000, 250000, 390000, 260000)],
                             crs="EPSG:27700")
    import_boundaries(FileInput("box.geojson", areas.to_json().encode()), "My box", "nm")
    slug = store.get_dataset("Street <i>Jan</i>").slug
    sidebar, at = run("pages/data.py", {"data": slug, "level": "custom:my-box"})
    assert not at.exception, at.exception
    # the first render (Overview) already uses the stored data set and the imported areas
    assert sidebar == {"dataset": slug, "level": "Imported: My box", "records": "2"}
    stored = at.dataframe[0].value
    assert list(stored["name"]) == ["Demo data (synthetic)", "Street <i>Jan</i>", "My box"] or \
        set(stored["name"]) == {"Demo data (synthetic)", "Street <i>Jan</i>", "My box"}
    in_use = dict(zip(stored["name"], stored["in use"]))
    assert in_use == {"Demo data (synthetic)": False, "Street <i>Jan</i>": True, "My box": True}
    # the name from the file is escaped wherever markdown shows it
    assert "<i>" not in text_of(at).replace("\\<i\\>", "")


HOSTILE = "![pixel](http://tracker.example/p.png) **Town**"


def test_area_names_from_a_boundary_file_stay_literal_text_on_the_pages(store_with_demo):
    """A name from a user's file must not become a link, an image (a request off this computer) or formatting."""
    import_incidents([small_street_file()], "Street")
    areas = gpd.GeoDataFrame({"nm": [HOSTILE]}, geometry=[box(380000, 250000, 390000, 260000)], crs="EPSG:27700")
    import_boundaries(FileInput("box.geojson", areas.to_json().encode()), "Boxes", "nm")
    query = {"data": store.get_dataset("Street").slug, "level": "custom:boxes", "areas": HOSTILE}
    sidebar, at = run("pages/overview.py", query)
    assert not at.exception, at.exception
    filters = next(c.value for c in at.caption if "Filters:" in c.value)
    assert r"\!\[pixel\]\(http\:" in filters and r"\*\*Town\*\*" in filters
    for page in ("pages/performance.py", "pages/hotspots.py", "pages/briefing.py", "pages/drugs.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        shown = text_of(at) + "\n".join(str(e.value) for e in [*at.error, *at.warning, *at.success, *at.subheader])
        assert "](http" not in shown.replace(r"\]\(http", ""), page
