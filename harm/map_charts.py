"""Maps as Altair geoshape charts (PNG/SVG offline with vl-convert, no browser): the static
twin of every folium map, for reports and the briefing pack (no streamlit here).

Geometry is drawn in British National Grid metres with an identity projection (north up),
so a chart shows exactly the polygons the engine counted in.
"""

from __future__ import annotations

import json

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import polylabel

from harm.classify import break_labels, quantile_breaks
from harm.ui.palettes import OUTLINE, sequential

BNG_PROJECTION = {"type": "identity", "reflectY": True}
VALUE_TITLES = {"count": "Incidents", "rate_per_1000": "Rate per 1,000 residents"}


def features(gdf: gpd.GeoDataFrame, columns: list[str], decimals: int = 0) -> list[dict]:
    """GeoJSON features (BNG metres, rounded) with ``columns`` as properties."""
    geoms = shapely.transform(np.asarray(gdf.geometry.values), lambda xy: np.round(xy, decimals))
    rows = gdf[columns].to_dict("records")
    out = []
    for geom, row in zip(geoms, rows):
        if geom is None or geom.is_empty:
            continue
        props = {k: (None if isinstance(v, float) and not np.isfinite(v) else
                     v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        out.append({"type": "Feature", "properties": props,
                    "geometry": json.loads(shapely.to_geojson(geom))})
    return out


def layer_data(features: list[dict]) -> alt.InlineData:
    return alt.InlineData(values=features, format=alt.DataFormat(type="json"))


def class_colour(gdf: gpd.GeoDataFrame, value: str) -> alt.Color:
    """Colour by 5 quantile classes of ``value`` (YlOrRd, legend in words); sets ``gdf["class_label"]``."""
    values = gdf[value].to_numpy(dtype="float64")
    breaks = [float(b) for b in quantile_breaks(values[np.isfinite(values)])]
    classes = max(1, len(breaks) - 1)
    fmt = "{:,.1f}" if value == "rate_per_1000" or (values % 1 != 0).any() else "{:,.0f}"
    names = break_labels(breaks, fmt) if len(breaks) > 1 else ["all"]
    position = np.clip(np.searchsorted(breaks[1:-1], values, side="right"), 0, classes - 1) \
        if len(breaks) > 1 else np.zeros(len(values), dtype=int)
    gdf["class_label"] = [names[int(p)] for p in position]
    palette = sequential(max(3, classes))[-classes:]
    return alt.Color("properties.class_label:N", sort=names,
                     title="Rate per 1,000 residents" if value == "rate_per_1000" else "Incidents",
                     scale=alt.Scale(domain=names, range=palette),
                     legend=alt.Legend(orient="bottom", columns=3, symbolType="square"))


def area_geoshape_chart(areas: gpd.GeoDataFrame, value: str, *, width: int = 560, height: int = 600,
                        labels: bool = True) -> alt.LayerChart:
    """Areas (``name``, ``value``, geometry) coloured by quantile classes of ``value`` (``count``
    or ``rate_per_1000``), outlined and named: the Overview map as a static chart. Areas with no
    value (not selected) are drawn grey and said so in the legend."""
    gdf = areas.to_crs(27700).reset_index(drop=True)
    shown = gdf[gdf[value].notna()].copy()
    colour = class_colour(shown, value)
    layers = []
    if len(shown) < len(gdf):
        rest = gdf[gdf[value].isna()].assign(status="Not selected")
        layers.append(alt.Chart(layer_data(features(rest, ["name", "status"])))
                      .mark_geoshape(fill="#e5e5e5", stroke=OUTLINE, strokeWidth=0.4)
                      .encode(tooltip=[alt.Tooltip("properties.name:N", title="Area"),
                                       alt.Tooltip("properties.status:N", title="Value")])
                      .project(**BNG_PROJECTION))
    tooltip = [alt.Tooltip("properties.name:N", title="Area"),
               alt.Tooltip(f"properties.{value}:Q", title=VALUE_TITLES.get(value, value), format=",.1f")]
    layers.append(alt.Chart(layer_data(features(shown, ["name", value, "class_label"])))
                  .mark_geoshape(stroke=OUTLINE, strokeWidth=0.4).encode(color=colour, tooltip=tooltip)
                  .project(**BNG_PROJECTION))
    layers += boundary_layers(gdf, labels=labels, width=width, height=height)
    return alt.layer(*layers).properties(width=width, height=height)


def boundary_layers(boundaries: gpd.GeoDataFrame | None, *, labels: bool = True, label_px: int = 11,
                     width: int = 560, height: int = 600) -> list[alt.Chart]:
    """Outlines of ``boundaries`` and, with ``labels``, their names: wrapped, at the pole of
    inaccessibility of each area (inside even a crescent) and moved apart where they would overlap."""
    if boundaries is None or boundaries.empty:
        return []
    b = boundaries.to_crs(27700)
    outline = alt.Chart(layer_data(features(b, ["name"]))).mark_geoshape(
        filled=False, stroke="#0b0c0c", strokeWidth=1.5).project(**BNG_PROJECTION)
    layers = [outline]
    if labels:
        xmin, ymin, xmax, ymax = b.total_bounds
        label_data = pd.DataFrame({"name": [wrapped(n) for n in b["name"].astype(str)],
                                   "x": [label_point(g).x for g in b.geometry],
                                   "y": [label_point(g).y for g in b.geometry],
                                   "size": b.geometry.area.to_numpy()})
        label_data["y"] = spread_labels(label_data, max((xmax - xmin) / width, (ymax - ymin) / height), label_px)
        for halo in (True, False):
            style = dict(stroke="#ffffff", strokeWidth=3, strokeOpacity=0.8, strokeJoin="round") if halo else {}
            layers.append(alt.Chart(label_data).mark_text(
                fontSize=label_px, fontWeight="bold", color="#0b0c0c", lineBreak="\n", **style)
                .encode(longitude="x:Q", latitude="y:Q", text="name:N").project(**BNG_PROJECTION))
    return layers


def label_point(geometry) -> shapely.Point:
    """Where an area's name goes: the pole of inaccessibility of its largest part."""
    if geometry.geom_type == "MultiPolygon":
        geometry = max(geometry.geoms, key=lambda part: part.area)
    return polylabel(geometry, tolerance=200)


def wrapped(name: str, width: int = 12) -> str:
    """A place name broken into lines of about ``width`` characters (map labels overlap less)."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def spread_labels(labels: pd.DataFrame, metres_per_px: float, font_px: float = 24) -> np.ndarray:
    """Label ``y`` positions moved up or down (largest areas first stay put) so that no two labels'
    estimated boxes overlap. ``labels``: ``name`` (lines split by newline), ``x``, ``y``, ``size``."""
    placed: list[tuple[float, float, float, float]] = []
    ys = labels["y"].to_numpy(float).copy()
    for i in np.argsort(-labels["size"].to_numpy(float), kind="stable"):
        lines = str(labels["name"].iloc[i]).split("\n")
        w = max(len(line) for line in lines) * 0.62 * font_px * metres_per_px
        h = len(lines) * 1.15 * font_px * metres_per_px
        x = float(labels["x"].iloc[i])
        for step in [0, 1, -1, 2, -2, 3, -3, 4, -4]:
            y = ys[i] + step * 0.5 * h
            box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            if not any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in placed):
                break
        ys[i] = y
        placed.append(box)
    return ys


