"""Proof that offline maps draw with every non-loopback request blocked.

A throwaway Streamlit app (in a temp folder, with the repo's ``static/`` and
``.streamlit/``) renders ``harm.ui.maps.offline_map`` with a two-square choropleth,
a legend and a HeatMap through ``st_folium``; the standalone export is opened from a
file with the network blocked too.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from harness import REPO_ROOT, copy_app_support, open_page, screenshot, wait_for_map

pytestmark = pytest.mark.browser

XSS_NAME = "<script>alert(1)</script>"

APP = textwrap.dedent(
    f"""
    import sys
    sys.path.insert(0, {str(REPO_ROOT)!r})

    import geopandas as gpd
    import streamlit as st
    from folium.plugins import HeatMap
    from shapely.geometry import box
    from streamlit_folium import st_folium

    from harm.ui import maps, palettes

    st.set_page_config(page_title="Offline map smoke test", layout="wide")
    st.title("Offline map smoke test")

    # Two 2 km squares near Worcester, in British National Grid like the real areas.
    areas = gpd.GeoDataFrame(
        {{"code": ["E01", "E02"], "name": [{XSS_NAME!r}, "Worcester & District"],
         "count": [4, 130]}},
        geometry=[box(383000, 253000, 385000, 255000), box(385000, 253000, 387000, 255000)],
        crs=27700,
    )
    bins = [0, 10, 50, 100, 500]
    colors = palettes.sequential(4)
    m = maps.offline_map(attribution="Boundaries: test data",
                         osm_tiles=st.query_params.get("tiles") == "osm")
    layer = maps.choropleth_layer(
        areas, "count", colors=colors, bins=bins,
        tooltip_fields=["name", "count"], tooltip_aliases=["Area", "Incidents"],
        keep_fields=["code"], name="Incidents",
    )
    layer.add_to(m)
    maps.legend_html("Incidents", maps.bin_labels(bins), colors).add_to(m)
    points = areas.to_crs(4326).geometry.centroid
    HeatMap([[p.y, p.x, 1.0] for p in points], radius=40,
            gradient=palettes.HEAT_GRADIENT).add_to(m)
    m.fit_bounds(layer.get_bounds())
    st_folium(m, returned_objects=[], height=520, use_container_width=True, key="smoke")
    st.caption("done")
    """
)


@pytest.fixture(scope="module")
def smoke_app(tmp_path_factory: pytest.TempPathFactory, start_app) -> str:
    app_dir = tmp_path_factory.mktemp("offline-map-app")
    (app_dir / "app.py").write_text(APP, "utf-8")
    copy_app_support(app_dir)
    return start_app(app_dir)


def _tooltip_texts(frame, paths) -> list[str]:
    texts = []
    for i in range(paths.count()):
        paths.nth(i).hover()
        tip = frame.locator(".leaflet-tooltip").last
        tip.wait_for(state="visible")
        texts.append(tip.inner_text())
    return texts


def test_offline_map_draws_in_streamlit_with_internet_blocked(
    smoke_app, browser_page, blocked_requests, console_errors
):
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    open_page(page, smoke_app, "/")
    n_paths = wait_for_map(page)
    assert n_paths >= 2, f"expected both squares drawn, found {n_paths} paths"

    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
    assert frame.locator(".harm-legend").inner_text().startswith("Incidents")
    assert frame.locator("canvas.leaflet-heatmap-layer").count() == 1

    # Data text is shown as text: the tooltip reads "<script>..." and nothing runs.
    texts = _tooltip_texts(frame, frame.locator("path.leaflet-interactive"))
    assert any(XSS_NAME in t for t in texts), texts
    assert any("Worcester & District" in t for t in texts), texts
    assert dialogs == []

    shot = screenshot(page, "offline_map_smoke")
    assert shot.stat().st_size > 10_000
    assert blocked_requests == [], f"needed the internet: {blocked_requests}"
    assert not [e for e in console_errors if e.startswith("pageerror")], console_errors


def test_map_with_tiles_still_draws_when_tiles_are_blocked(
    smoke_app, browser_page, blocked_requests
):
    """Tiles are the one thing allowed from the internet; blocked, the map still works.

    Also proves the request guard is live: the tile requests are caught and recorded.
    """
    page = browser_page
    open_page(page, smoke_app, "/?tiles=osm")
    assert wait_for_map(page) >= 2
    hosts = {urlsplit(u).hostname for u in blocked_requests}
    assert blocked_requests, "expected the OpenStreetMap tile requests to be blocked"
    assert hosts == {"tile.openstreetmap.org"}, hosts


def test_standalone_export_opens_from_file_offline(
    tmp_path: Path, browser_page, blocked_requests, console_errors
):
    import geopandas as gpd
    from folium.plugins import HeatMap
    from shapely.geometry import box

    from harm.ui import maps, palettes

    areas = gpd.GeoDataFrame(
        {"name": [XSS_NAME, "B"], "count": [4, 130]},
        geometry=[box(-2.25, 52.18, -2.22, 52.20), box(-2.22, 52.18, -2.19, 52.20)],
        crs=4326,
    )
    m = maps.offline_map()
    layer = maps.choropleth_layer(areas, "count", colors=palettes.sequential(3),
                                  bins=[0, 10, 100, 1000], tooltip_fields=["name"])
    layer.add_to(m)
    maps.legend_html("Incidents", ["0–9", "10–99", "100–1,000"],
                     palettes.sequential(3)).add_to(m)
    HeatMap([[52.19, -2.22, 1.0]]).add_to(m)
    m.fit_bounds(layer.get_bounds())
    html = maps.standalone_html(m)
    assert maps.external_urls(html) == []
    path = tmp_path / "map.html"
    path.write_text(html, "utf-8")

    page = browser_page
    page.goto(path.as_uri())
    paths = page.locator("path.leaflet-interactive")
    paths.first.wait_for(state="visible")
    assert paths.count() == 2
    assert page.locator(".harm-legend").inner_text().startswith("Incidents")
    screenshot(page, "offline_map_standalone")
    assert blocked_requests == [], f"needed the internet: {blocked_requests}"
    assert console_errors == [], console_errors
