"""Offline maps, without a browser: every script/stylesheet is local, exports are
self-contained, and data text is escaped.  (tests/browser/ proves it in Chromium.)"""

from __future__ import annotations

import re

import branca.colormap
import branca.utilities
import folium
import geopandas as gpd
import pytest
from folium.plugins import HeatMap
from shapely.geometry import box

from harm.ui import maps, palettes

XSS = "<script>alert(1)</script>"


@pytest.fixture
def areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["E01", "E02", "E03"],
            "name": [XSS, "Worcester & District", "No data"],
            "count": [4, 130, None],
            "gi": [3, -2, 0],
        },
        geometry=[
            box(383000, 253000, 385000, 255000),
            box(385000, 253000, 387000, 255000),
            box(387000, 253000, 389000, 255000),
        ],
        crs=27700,
    )


def full_map(areas: gpd.GeoDataFrame) -> maps.OfflineMap:
    m = maps.offline_map(attribution="Contains OS data <b>")
    bins = [0, 10, 50, 100, 500]
    layer = maps.choropleth_layer(
        areas, "count", colors=palettes.sequential(4), bins=bins,
        tooltip_fields=["name", "count"], tooltip_aliases=["Area <i>", "Incidents"],
        name="Incidents <b>",
    )
    layer.add_to(m)
    maps.legend_html("Incidents " + XSS, maps.bin_labels(bins), palettes.sequential(4),
                     note="Source: " + XSS).add_to(m)
    HeatMap([[52.2, -2.2, 1.0], [52.21, -2.21, 2.0]]).add_to(m)
    m.fit_bounds(layer.get_bounds())
    return m


def test_rendered_map_links_only_local_files(areas):
    html = full_map(areas).get_root().render()
    assert maps.external_urls(html) == []
    srcs = re.findall(r'<script src="([^"]+)"', html) + re.findall(
        r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sorted(srcs) == ["/app/static/vendor/leaflet-heat/leaflet_heat.min.js",
                            "/app/static/vendor/leaflet/leaflet.css",
                            "/app/static/vendor/leaflet/leaflet.js"]
    for url in srcs:
        assert (maps.VENDOR_DIR / url.removeprefix("/app/static/vendor/")).is_file(), url


def test_a_map_with_a_popup_keeps_jquery_and_icon_assets_local(areas):
    """Popups need jQuery and icon markers their fonts: then the map keeps folium's 10 links."""
    m = full_map(areas)
    folium.Marker([52.2, -2.2], popup="A popup").add_to(m)
    html = m.get_root().render()
    assert maps.external_urls(html) == []
    srcs = re.findall(r'<script src="([^"]+)"', html) + re.findall(
        r'<link rel="stylesheet" href="([^"]+)"', html)
    assert len(srcs) == 11  # the Map's 10 links + Leaflet.heat
    assert "/app/static/vendor/jquery/jquery-3.7.1.min.js" in srcs
    for url in srcs:
        assert (maps.VENDOR_DIR / url.removeprefix("/app/static/vendor/")).is_file(), url


def test_links_streamlit_folium_collects_are_local(areas):
    """st_folium loads each element's default_js/default_css after render(); mimic it."""
    m = full_map(areas)
    m.get_root().render()
    m.render()
    links = []

    def walk(el):
        links.extend(u for _, u in getattr(el, "default_js", []))
        links.extend(u for _, u in getattr(el, "default_css", []))
        for child in el._children.values():
            walk(child)

    walk(m)
    assert links and all(u.startswith("/app/static/vendor/") for u in links), links
    # the class-level lists folium shares are untouched
    assert folium.Map.default_js[0][1].startswith("https://")


def test_every_cdn_url_is_vendored():
    used = [u for _, u in folium.Map.default_js + folium.Map.default_css + HeatMap.default_js]
    used.append("https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js")  # branca
    for url in used:
        assert url in maps.CDN_TO_VENDOR, url
    for path in maps.CDN_TO_VENDOR.values():
        assert (maps.VENDOR_DIR / path).is_file(), path


def test_manifest_lists_exactly_the_vendored_files():
    text = (maps.VENDOR_DIR / "MANIFEST.md").read_text("utf-8")
    listed = set(re.findall(r"^\| `([^`]+)` \| [\d,]+ \|", text, flags=re.MULTILINE))
    on_disk = {
        p.relative_to(maps.VENDOR_DIR).as_posix()
        for p in maps.VENDOR_DIR.rglob("*")
        if p.is_file() and p.name not in {"fetch_assets.py", "MANIFEST.md"}
        and "__pycache__" not in p.parts
    }
    assert listed == on_disk
    total = sum((maps.VENDOR_DIR / p).stat().st_size for p in on_disk)
    assert total < 2_000_000


def test_standalone_html_inlines_everything(areas):
    html = maps.standalone_html(full_map(areas))
    assert maps.external_urls(html) == []
    assert "<script src=" not in html
    assert 'rel="stylesheet"' not in html
    assert "/app/static/vendor" not in html
    assert "Leaflet 1.9.3" in html  # leaflet.js banner
    assert ".leaflet-pane" in html  # leaflet.css
    assert "simpleheat" in html  # Leaflet.heat
    assert "data:image/png;base64," in html  # leaflet.css images
    # no icon markers on this map: the ~1.4 MB of icon fonts stay out
    assert "fa-solid-900" not in html and len(html) < 1_000_000


def test_standalone_html_keeps_icon_assets_when_icons_are_used(areas):
    m = full_map(areas)
    folium.Marker([52.2, -2.2], icon=folium.Icon(icon="info-sign")).add_to(m)
    html = maps.standalone_html(m)
    assert maps.external_urls(html) == []
    assert "L.AwesomeMarkers" in html and "data:font/woff2;base64," in html


def test_tooltip_legend_and_names_are_escaped(areas):
    m = full_map(areas)
    html = m.get_root().render()
    assert XSS not in html
    assert "<b>" not in html.replace("<body>", "")
    layer = next(c for c in m._children.values() if isinstance(c, folium.GeoJson))
    props = [f["properties"] for f in layer.data["features"]]
    assert props[0]["_tt0"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert props[1]["_tt0"] == "Worcester &amp; District"
    assert props[1]["_tt1"] == "130" and props[2]["_tt1"] == "no data"
    tooltip = next(c for c in layer._children.values() if isinstance(c, folium.GeoJsonTooltip))
    assert tooltip.aliases == ["Area &lt;i&gt;", "Incidents"]
    assert layer.layer_name == "Incidents &lt;b&gt;"
    legend = next(c for c in m._children.values() if isinstance(c, maps.Legend))
    assert "&lt;script&gt;" in legend.html and XSS not in legend.html


def test_choropleth_colours_bins_categories_and_crs(areas):
    colors = palettes.sequential(4)
    layer = maps.choropleth_layer(areas, "count", colors=colors, bins=[0, 10, 50, 100, 500])
    fills = [f["properties"]["_fill"] for f in layer.data["features"]]
    assert fills == [colors[0], colors[3], palettes.NO_DATA]
    lon, lat = layer.data["features"][0]["geometry"]["coordinates"][0][0]
    assert -3 < lon < -1.5 and 51.5 < lat < 52.7  # reprojected from EPSG:27700
    gi = maps.choropleth_layer(areas, "gi", colors=palettes.GI_STAR_COLORS)
    assert [f["properties"]["_fill"] for f in gi.data["features"]] == [
        palettes.GI_STAR_COLORS[3], palettes.GI_STAR_COLORS[-2], palettes.GI_STAR_COLORS[0]]
    with pytest.raises(ValueError):
        maps.choropleth_layer(areas, "count", colors=colors, bins=[0, 10])
    with pytest.raises(ValueError):
        maps.choropleth_layer(areas, "count", colors=["red; background:url(x)"] * 4,
                              bins=[0, 1, 2, 3, 4])


def test_strict_mode_rejects_cdn_only_features(areas):
    m = full_map(areas)
    branca.colormap.linear.YlOrRd_09.scale(0, 10).add_to(m)
    with pytest.raises(maps.OfflineMapError, match="colour map"):
        m.get_root().render()
    m = full_map(areas)
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(maps.OfflineMapError, match="not vendored"):
        m.get_root().render()
    # non-strict: renders, and branca's own d3 link is still redirected
    m = maps.offline_map(strict=False)
    branca.colormap.linear.YlOrRd_09.scale(0, 10).add_to(m)
    html = m.get_root().render()
    assert maps.external_urls(html) == []
    assert "/app/static/vendor/d3-3/d3.min.js" in html


def test_tiles_are_off_by_default_and_optional():
    assert "tile.openstreetmap.org" not in maps.offline_map().get_root().render()
    html = maps.offline_map(osm_tiles=True).get_root().render()
    assert "tile.openstreetmap.org" in html and maps.external_urls(html) == []


def test_external_urls_finds_remote_scripts_and_links():
    page = (
        '<script src="https://cdn.example/a.js"></script>'
        '<script src="/app/static/vendor/leaflet/leaflet.js"></script>'
        '<link rel="stylesheet" href="//cdn.example/b.css"/>'
        '<script>var u = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";</script>'
    )
    assert maps.external_urls(page) == ["https://cdn.example/a.js", "//cdn.example/b.css"]


def test_palettes_are_colorbrewer_and_bin_labels():
    for name in ("YlOrRd", "Blues"):
        for k in range(3, 10):
            assert palettes.sequential(k, name) == branca.utilities.color_brewer(name, k)
    assert palettes.diverging(7) == branca.utilities.color_brewer("RdBu", 7)
    labels, colours = palettes.gi_star_legend()
    assert len(labels) == len(colours) == 7 and labels[0].startswith("Hot spot")
    assert maps.bin_labels([0, 10, 50, 100]) == ["0–9", "10–49", "50–100"]
    assert maps.bin_labels([0, 1, 2]) == ["0", "1–2"]
    assert maps.bin_labels([0, 0.5, 1.5], integer=False) == ["0 to <0.5", "0.5 to 1.5"]


def test_area_map_as_a_static_chart_for_documents():
    """The Overview map's PNG twin: every area drawn and named, not-selected areas grey."""
    import io

    import numpy as np
    from PIL import Image

    from harm.areas import load_area_set
    from harm.charts import ChartMeta, annotate, to_png
    from harm.map_charts import area_geoshape_chart

    areas = load_area_set("csp").areas.assign(count=np.arange(9) * 100.0)
    areas.loc[2, "count"] = np.nan
    chart = area_geoshape_chart(areas, "count", width=500, height=560)
    spec = chart.to_dict()
    drawn = [layer for layer in spec["layer"] if layer["mark"]["type"] == "geoshape"]
    rows = [layer["data"].get("values") or spec["datasets"][layer["data"]["name"]] for layer in drawn]
    values = [f["properties"] for features in rows for f in features]
    assert sorted({v["name"] for v in values}) == sorted(areas["name"])
    assert [v["status"] for v in values if "status" in v] == ["Not selected"]
    png = to_png(annotate(chart, ChartMeta("Incidents by CSP", demo=True)))
    width, height = Image.open(io.BytesIO(png)).size
    assert width > 900 and height > 1000  # 2x scale
