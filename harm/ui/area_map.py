"""A choropleth of an area set (counts or rates) drawn offline with folium.

The map is a plain ``st.iframe`` of the same self-contained page the "Map HTML" download
gives (Leaflet inlined), not ``st_folium``: no page reads clicks on it, and an iframe that
requests nothing from the server draws while the server is still busy with the rest of the
page (streamlit-folium is not even imported). Use ``st_folium`` where clicks matter (the
Hotspots map).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from harm.areas import AreaSet
from harm.charts import ChartMeta
from harm.classify import break_labels, quantile_breaks
from harm.ui import palettes
from harm.ui.exports import map_downloads
from harm.ui.maps import choropleth_layer, legend_html, offline_map, standalone_html

VALUE_LABELS = {"count": "Incidents", "rate_per_1000": "Rate per 1,000 residents"}
BOUNDARY_ATTRIBUTION = "Boundaries: ONS, contains OS data © Crown copyright and database right"


def base_map_toggle(key: str) -> bool:
    return st.toggle("Base map (OpenStreetMap tiles, needs internet)", value=False, key=f"{key}_tiles")


def area_map(area_set: AreaSet, table: pd.DataFrame, value: str, *, title: str, tiles: bool = False):
    """The folium map: ``table`` has ``area`` (names of ``area_set``) and ``value`` columns."""
    gdf = area_set.areas.merge(table.drop(columns=["code"], errors="ignore"), left_on="name", right_on="area", how="left")
    fmt = "{:,.1f}" if value == "rate_per_1000" else "{:,.0f}"
    breaks = quantile_breaks(gdf[value])
    classes = len(breaks) - 1
    colours = palettes.sequential(max(3, classes))[-classes:]
    fields = ["name", "count"] + (["rate_per_1000"] if "rate_per_1000" in gdf else [])
    aliases = ["Area", "Incidents"] + (["Rate per 1,000"] if "rate_per_1000" in gdf else [])
    m = offline_map(osm_tiles=tiles, attribution=BOUNDARY_ATTRIBUTION)
    choropleth_layer(gdf, value, colors=colours, bins=breaks, tooltip_fields=fields,
                     tooltip_aliases=aliases, tooltip_formats={"rate_per_1000": "{:,.1f}"},
                     name=VALUE_LABELS.get(value, value), keep_fields=["code"]).add_to(m)
    labels, swatches = break_labels(breaks, fmt), list(colours)
    if gdf[value].isna().any():
        labels.append("Not selected")
        swatches.append(palettes.NO_DATA)
    legend_html(title, labels, swatches).add_to(m)
    minx, miny, maxx, maxy = area_set.areas.to_crs("EPSG:4326").total_bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def _static_map(areas, value: str):
    from harm.map_charts import area_geoshape_chart  # Altair, imported when a download is asked for

    return area_geoshape_chart(areas, value)


def area_choropleth(area_set: AreaSet, table: pd.DataFrame, value: str, *, key: str, title: str,
                    meta: ChartMeta | None = None, name: str | None = None) -> None:
    """Draw the map in the page, with its downloads (offline HTML, PNG, SVG) when ``meta`` and
    ``name`` are given. Screen readers read the iframe as "Map: <what it shows>"."""
    tiles = base_map_toggle(key)
    m = area_map(area_set, table, value, title=title, tiles=tiles)
    described = f"{meta.title} ({meta.period})" if meta is not None and meta.period else title
    st.iframe(standalone_html(m), height=520, alt=f"Map: {described}")
    if meta is not None and name:
        areas = area_set.areas.merge(table.drop(columns=["code"], errors="ignore"), left_on="name",
                                     right_on="area", how="left")
        map_downloads(m, lambda: _static_map(areas, value), meta, name=name, key=key)
