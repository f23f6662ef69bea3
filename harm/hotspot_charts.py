"""Altair charts of the Hotspots page, as plain functions a briefing pack, ``python -m harm
chart`` or a notebook can call (no streamlit here).

- :func:`hotspot_matrix_chart` — the 7 x 24 day x hour matrix (Monday first, hours 0-23);
- :func:`monthly_trend_chart`, :func:`top_offences_chart` — a unit's drill-down;
- :func:`hotspot_geoshape_chart` — the hot-spot map as an Altair geoshape (exports to PNG/SVG
  with ``harm.charts.to_png`` / ``to_svg``, no browser needed);
- :func:`hotspots_by_hour_chart` — small multiples: the hot spots hour by hour through a night.

Maps use British National Grid metres with an identity projection (north up), so they draw
exactly what the engine counted, whatever the winding of the polygons.
"""

from __future__ import annotations

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd

from harm.map_charts import BNG_PROJECTION, boundary_layers, class_colour, features, layer_data
from harm.problem_profile import GI_CLASS_LABELS, ProblemProfile, units_for_map
from harm.timeofday import DAYS
from harm.ui.palettes import GI_STAR_CLASSES, OUTLINE

#: Fit the width to the container; the height stays the plot's.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
GI_ORDER = [label for _, label, _ in GI_STAR_CLASSES]
GI_COLOURS = [colour for _, _, colour in GI_STAR_CLASSES]
MATRIX_SCHEME = "yelloworangered"


# --- time -------------------------------------------------------------------------------


def hotspot_matrix_chart(matrix: pd.DataFrame, *, value_title: str = "Incidents",
                         selectable: bool = False, width: int = 820,
                         height: int = 230, hour_step: int = 1) -> alt.Chart:
    """The 7 x 24 day x hour heat map of ``matrix`` (``problem_profile.day_hour_matrix``:
    ``day, hour, weight`` and optionally ``selected``). Hours outside the days and hours chosen
    are grey. ``hour_step`` labels every n-th hour (3 for large type on a slide).

    With ``selectable`` the chart has a point selection ``cells`` on ``day`` and ``hour``
    (click to add or remove a cell, double-click to clear) for cross-filtering the map.
    """
    selected = matrix["selected"] if "selected" in matrix else pd.Series(True, index=matrix.index)
    data = pd.DataFrame({
        "day": matrix["day"].astype(str).to_numpy(),
        "hour": matrix["hour"].to_numpy(),
        "weight": np.round(matrix["weight"].to_numpy(dtype="float64"), 3),
        "selected": selected.to_numpy(dtype=bool),
    })
    data["label"] = [f"{d} {h:02d}:00–{h:02d}:59" for d, h in zip(data["day"], data["hour"])]
    data["shown"] = np.where(data["selected"], "yes", "no: outside the days and hours chosen")
    base = alt.Chart(data).encode(
        x=alt.X("hour:O", title="Hour of the day (00 = midnight to 00:59)",
                axis=alt.Axis(labelAngle=0, values=list(range(0, 24, hour_step)),
                              labelExpr="pad(datum.value, 2)")),
        y=alt.Y("day:O", sort=list(DAYS), title=None),
        tooltip=[alt.Tooltip("label:N", title="Hour"),
                 alt.Tooltip("weight:Q", title=value_title, format=",.1f"),
                 alt.Tooltip("shown:N", title="Counted")],
    )
    colour = alt.condition("datum.selected",
                           alt.Color("weight:Q", title=value_title, scale=alt.Scale(scheme=MATRIX_SCHEME)),
                           alt.value("#e5e5e5"))
    chart = base.mark_rect(stroke="#ffffff", strokeWidth=1).encode(color=colour)
    if selectable:
        cells = alt.selection_point(name="cells", fields=["day", "hour"], toggle="true",
                                    clear="dblclick")
        chart = chart.add_params(cells).encode(
            opacity=alt.condition(cells, alt.value(1.0), alt.value(0.35)))
    return chart.properties(height=height, width=width, autosize=FIT_WIDTH)


def monthly_trend_chart(monthly: pd.DataFrame, *, value_title: str = "Incidents") -> alt.Chart:
    """Incidents per month (``month`` datetime, ``count``) as a line with points."""
    return (alt.Chart(monthly).mark_line(point=True, color="#0072b2")
            .encode(x=alt.X("month:T", title="Month"),
                    y=alt.Y("count:Q", title=value_title, scale=alt.Scale(zero=True)),
                    tooltip=[alt.Tooltip("month:T", title="Month", format="%b %Y"),
                             alt.Tooltip("count:Q", title=value_title, format=",.1f")])
            .properties(height=220, width=420, autosize=FIT_WIDTH))


def top_offences_chart(offences: pd.DataFrame, *, value_title: str = "Incidents") -> alt.Chart:
    """Horizontal bars of ``offence`` by ``count`` (``offence_group``, ``share`` in the tooltip)."""
    return (alt.Chart(offences).mark_bar(color="#0072b2")
            .encode(x=alt.X("count:Q", title=value_title),
                    y=alt.Y("offence:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)),
                    tooltip=[alt.Tooltip("offence_group:N", title="Group"),
                             alt.Tooltip("offence:N", title="Offence"),
                             alt.Tooltip("count:Q", title=value_title, format=",.1f"),
                             alt.Tooltip("share:Q", title="Share", format=".1%")])
            .properties(height=220, width=420, autosize=FIT_WIDTH))


# --- maps -------------------------------------------------------------------------------


def map_values(profile: ProblemProfile, positions: np.ndarray | None = None) -> gpd.GeoDataFrame:
    """The drawn units of ``profile`` (as the folium map: every area, or the cells with
    incidents or a Gi* class) with name, count, rate, z and class, in EPSG:27700."""
    if positions is None:
        positions, _ = units_for_map(profile)
    results = profile.results.iloc[positions].reset_index(drop=True)
    gdf = profile.units.geometries(positions)
    for column in ("count", "rate_per_1000", "gi_z", "gi_bin"):
        if column in results:
            gdf[column] = results[column].to_numpy()
    gdf["gi_class"] = gdf["gi_bin"].map(GI_CLASS_LABELS)
    return gdf


def hotspot_geoshape_chart(profile: ProblemProfile, boundaries: gpd.GeoDataFrame | None = None,
                           *, value: str | None = None, width: int = 560, height: int = 600,
                           labels: bool = True, label_px: int = 11,
                           significant_only: bool = False) -> alt.LayerChart:
    """The hot-spot map of ``profile`` as an Altair geoshape layer chart (PNG/SVG-able offline).

    ``value``: ``"gi_bin"`` (Gi* classes, ArcGIS ±3/±2/±1, colour-blind-safe red-blue),
    ``"count"`` or ``"rate_per_1000"`` (5 quantile classes, YlOrRd); by default what the page's
    map shows for the profile's statistic and measure. ``boundaries`` (e.g. CSPs) are outlined
    and labelled on top. Grid maps draw the cells the folium map draws (at most
    ``problem_profile.MAP_CELL_CAP``); empty, not significant cells are left white.
    ``significant_only`` draws only the hot and cold spots, over the boundaries filled light
    grey (what a slide needs: the hot spots stand out).
    """
    if value is None:
        if profile.selection.statistic == "gi":
            value = "gi_bin"
        elif profile.selection.measure == "rate" and "rate_per_1000" in profile.results:
            value = "rate_per_1000"
        else:
            value = "count"
    if significant_only:
        value = "gi_bin"
        gdf = map_values(profile, np.flatnonzero(profile.results["gi_bin"].to_numpy() != 0))
    else:
        gdf = map_values(profile)
    if value not in gdf:
        raise ValueError(f"the profile has no {value!r} column")
    tooltip = [alt.Tooltip("properties.name:N", title="Area or cell"),
               alt.Tooltip("properties.count:Q", title="Incidents", format=",.1f")]
    if "rate_per_1000" in gdf:
        tooltip.append(alt.Tooltip("properties.rate_per_1000:Q", title="Rate per 1,000", format=",.1f"))
    tooltip += [alt.Tooltip("properties.gi_z:Q", title="Gi* z", format="+.2f"),
                alt.Tooltip("properties.gi_class:N", title="Gi* class")]
    columns = ["name", "count", "gi_z", "gi_bin", "gi_class"] + (
        ["rate_per_1000"] if "rate_per_1000" in gdf else [])
    if value == "gi_bin":
        order = [c for c in GI_ORDER if not significant_only or c != GI_CLASS_LABELS[0]]
        colour = alt.Color("properties.gi_class:N", title="Gi* hot and cold spots",
                           scale=alt.Scale(domain=order, range=[GI_COLOURS[GI_ORDER.index(c)] for c in order]),
                           legend=alt.Legend(orient="bottom", columns=2, symbolStrokeColor=OUTLINE,
                                             symbolType="square", labelLimit=400))
    else:
        colour = class_colour(gdf, value)
        columns.append("class_label")
    grid = profile.units.kind == "grid"
    units = (alt.Chart(layer_data(features(gdf, columns)))
             .mark_geoshape(stroke="#8a8a8a" if grid else OUTLINE, strokeWidth=0.2 if grid else 0.4)
             .encode(color=colour, tooltip=tooltip).project(**BNG_PROJECTION))
    under = _filled_boundaries(boundaries) if significant_only else _study_area_layer(profile)
    layers = [under, units, *boundary_layers(boundaries, labels=labels, label_px=label_px,
                                              width=width, height=height)]
    return alt.layer(*[layer for layer in layers if layer is not None]).properties(
        width=width, height=height)


def _filled_boundaries(boundaries: gpd.GeoDataFrame | None) -> alt.Chart | None:
    if boundaries is None or boundaries.empty:
        return None
    b = boundaries.to_crs(27700)
    return (alt.Chart(layer_data(features(b.assign(geometry=b.geometry.simplify(150)), ["name"])))
            .mark_geoshape(fill="#f7f7f7", stroke=None).project(**BNG_PROJECTION))


def _study_area_layer(profile: ProblemProfile) -> alt.Chart | None:
    """The study area in light grey under the cells (a grid draws only some cells)."""
    if profile.units.kind != "grid":
        return None
    area = gpd.GeoDataFrame({"name": ["study area"]}, geometry=[profile.units.grid.study_area],
                            crs=27700)
    return (alt.Chart(layer_data(features(area, ["name"])))
            .mark_geoshape(fill="#ffffff", stroke="#b1b4b6", strokeWidth=0.5)
            .project(**BNG_PROJECTION))


def hotspots_by_hour_chart(profiles: list[tuple[int, ProblemProfile]],
                           boundaries: gpd.GeoDataFrame | None = None, *, columns: int = 3,
                           width: int = 260, height: int = 280) -> alt.ConcatChart:
    """Small multiples: for each ``(hour, profile)`` (profiles built with
    ``Selection.of(..., clock_hour=hour)``), the units in a significant Gi* class, so the
    reader sees the hot spots move through the night. Boundaries are outlined, not labelled.
    """
    panels = []
    for hour, profile in profiles:
        results = profile.results
        significant = np.flatnonzero(results["gi_bin"].to_numpy() != 0)
        gdf = map_values(profile, significant)
        layers = [layer for layer in [_study_area_layer(profile)] if layer is not None]
        if len(gdf):
            layers.append(alt.Chart(layer_data(features(gdf, ["name", "count", "gi_z", "gi_class"])))
                          .mark_geoshape(stroke=None)
                          .encode(color=alt.Color("properties.gi_class:N", title="Gi* hot and cold spots",
                                                  scale=alt.Scale(domain=GI_ORDER, range=GI_COLOURS),
                                                  legend=alt.Legend(orient="bottom", columns=4)),
                                  tooltip=[alt.Tooltip("properties.name:N", title="Area or cell"),
                                           alt.Tooltip("properties.count:Q", title="Incidents", format=",.1f"),
                                           alt.Tooltip("properties.gi_class:N", title="Gi* class")])
                          .project(**BNG_PROJECTION))
        layers += boundary_layers(boundaries, labels=False)
        hot = int((results["gi_bin"] > 0).sum())
        title = f"{hour:02d}:00–{hour:02d}:59 · {results['count'].sum():,.0f} incidents · {hot:,} hot"
        panels.append(alt.layer(*layers).properties(width=width, height=height, title=title))
    rows = [alt.hconcat(*panels[i:i + columns]) for i in range(0, len(panels), columns)]
    return alt.vconcat(*rows).resolve_scale(color="shared")
