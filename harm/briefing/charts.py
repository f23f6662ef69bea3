"""Charts the pages draw in the browser but have no engine chart for (no Streamlit here):
the day x hour matrix, the hot-spot map as an Altair geoshape (for PNG/SVG), spend against outcomes.

Colours are the dashboard's colour-blind-safe palettes (:mod:`harm.ui.palettes`); the words in
legends and tooltips repeat what colour shows.
"""

from __future__ import annotations

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.ops import polylabel

from harm.timeofday import DAYS
from harm.ui.palettes import GI_STAR_CLASSES, OUTLINE, sequential

HOT_COLD = [(c, label, colour) for c, label, colour in GI_STAR_CLASSES if c != 0]
HOUR_TICKS = list(range(0, 24, 3))


def day_hour_chart(matrix: pd.DataFrame, *, value_title: str = "Incidents", width: int = 820,
                   height: int = 300) -> alt.Chart:
    """7 x 24 heat map of ``matrix`` (``day, hour, weight``): darker = more incidents."""
    data = matrix.assign(day=matrix["day"].astype(str),
                         label=[f"{d} {h:02d}:00–{h:02d}:59" for d, h in zip(matrix["day"], matrix["hour"])])
    return (alt.Chart(data).mark_rect(stroke="#ffffff", strokeWidth=1)
            .encode(x=alt.X("hour:O", title="Hour of the day (00 = midnight to 1 am)",
                            axis=alt.Axis(labelAngle=0, values=HOUR_TICKS, labelExpr="pad(datum.value, 2)")),
                    y=alt.Y("day:O", sort=list(DAYS), title=None),
                    color=alt.Color("weight:Q", title=value_title, scale=alt.Scale(range=sequential(9, "YlOrRd")),
                                    legend=alt.Legend(format=",.0f", gradientLength=max(120, height - 60))),
                    tooltip=[alt.Tooltip("label:N", title="Hour"),
                             alt.Tooltip("weight:Q", title=value_title, format=",.1f")])
            .properties(width=width, height=height))


def _features(frame: gpd.GeoDataFrame, columns: list[str]) -> list[dict]:
    """GeoJSON features in British National Grid metres (drawn with an identity projection)."""
    out = []
    for geometry, *values in zip(frame.geometry, *(frame[c] for c in columns)):
        if geometry is None or geometry.is_empty:
            continue
        out.append({"type": "Feature", "geometry": geometry.__geo_interface__,
                    "properties": {c: (None if pd.isna(v) else v) for c, v in zip(columns, values)}})
    return out


def hotspot_map_chart(cells: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, *, unit_word: str = "cell",
                      width: int = 780, height: int = 470) -> alt.LayerChart:
    """Gi* hot and cold spots (``cells``: ``name``, ``gi_bin``, ``count``, geometry in EPSG:27700)
    over the outlines and names of ``boundaries`` (``name``, geometry). Not-significant units are
    left blank so that the hot spots stand out; the legend names every class in words."""
    labels = {c: label for c, label, _ in HOT_COLD}
    shown = cells[cells["gi_bin"] != 0].copy()
    shown["class"] = shown["gi_bin"].map(labels)
    shown["count"] = shown["count"].astype(float).round(1)
    outline = gpd.GeoDataFrame({"name": boundaries["name"].astype(str).to_numpy()},
                               geometry=boundaries.geometry.simplify(150).to_numpy(), crs=boundaries.crs)
    base = (alt.Chart(alt.Data(values=_features(outline, ["name"])))
            .mark_geoshape(fill="#f7f7f7", stroke=OUTLINE, strokeWidth=0.8).project(type="identity", reflectY=True))
    spots = (alt.Chart(alt.Data(values=_features(shown, ["name", "class", "count"])))
             .mark_geoshape(stroke=None)
             .encode(color=alt.Color("properties.class:N", title=f"Gi* class ({unit_word}s)",
                                     scale=alt.Scale(domain=[label for _, label, _ in HOT_COLD],
                                                     range=[colour for _, _, colour in HOT_COLD]),
                                     legend=alt.Legend(orient="bottom", columns=2, labelLimit=400,
                                                       symbolType="square")),
                     tooltip=[alt.Tooltip("properties.name:N", title="Where"),
                              alt.Tooltip("properties.class:N", title="Class"),
                              alt.Tooltip("properties.count:Q", title="Incidents", format=",.1f")])
             .project(type="identity", reflectY=True))
    edges = (alt.Chart(alt.Data(values=_features(outline, ["name"])))
             .mark_geoshape(filled=False, stroke=OUTLINE, strokeWidth=1.2).project(type="identity", reflectY=True))
    points = gpd.GeoSeries([polylabel(g, tolerance=200) if g.geom_type == "Polygon" else
                            polylabel(max(g.geoms, key=lambda p: p.area), tolerance=200)
                            for g in boundaries.geometry], crs=boundaries.crs)
    names = pd.DataFrame({"name": [wrapped(n) for n in boundaries["name"].astype(str)], "x": points.x.to_numpy(),
                          "y": points.y.to_numpy(), "size": boundaries.geometry.area.to_numpy()})
    xmin, ymin, xmax, ymax = boundaries.total_bounds
    names["y"] = spread_labels(names, max((xmax - xmin) / width, (ymax - ymin) / height))
    text = (alt.Chart(names).mark_text(fontWeight="bold", color="#0b0c0c", stroke="#ffffff", strokeWidth=4,
                                       strokeOpacity=0.85, lineBreak="\n")
            .encode(longitude="x:Q", latitude="y:Q", text="name:N").project(type="identity", reflectY=True))
    text_fill = (alt.Chart(names).mark_text(fontWeight="bold", color="#0b0c0c", lineBreak="\n")
                 .encode(longitude="x:Q", latitude="y:Q", text="name:N").project(type="identity", reflectY=True))
    return alt.layer(base, spots, edges, text, text_fill).properties(width=width, height=height)


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
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                break
        ys[i] = y
        placed.append(box)
    return ys


def wrapped(name: str, width: int = 12) -> str:
    """A place name broken into lines of about ``width`` characters (map labels overlap less)."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def label_groups(data: pd.DataFrame, x: str, y: str, name: str = "area") -> list[str]:
    """One label per point; a point whose label would sit on the label of a point just above it is
    named in that point's label instead ("North Worcestershire / South Worcestershire") and gets "" itself."""
    xs, ys = data[x].to_numpy(float), data[y].to_numpy(float)
    dx, dy = max(np.ptp(xs), 1e-9) if len(xs) else 1, max(np.ptp(ys), 1e-9) if len(ys) else 1
    labels = [str(n) for n in data[name]]
    leader = list(range(len(data)))
    order = np.argsort(-ys, kind="stable")
    for i, a in enumerate(order):
        for b in order[:i]:
            if leader[b] == b and abs(xs[a] - xs[b]) / dx < 0.12 and abs(ys[a] - ys[b]) / dy < 0.07:
                leader[a] = b
                labels[b] += " / " + labels[a]
                labels[a] = ""
                break
    return labels


def spend_outcomes_chart(frame: pd.DataFrame, *, width: int = 820, height: int = 420) -> alt.LayerChart:
    """Spend per head (x) against the successful-completion rate (y), one labelled point per area.

    ``frame``: ``area, spend_per_head, completion_rate, in_treatment, completions, cost_per_completion``.
    """
    data = frame.dropna(subset=["spend_per_head", "completion_rate"]).reset_index(drop=True)
    data = data.assign(label=label_groups(data, "spend_per_head", "completion_rate"))
    base = alt.Chart(data).encode(
        x=alt.X("spend_per_head:Q", title="Drug and alcohol spend per resident (£)",
                scale=alt.Scale(zero=False, nice=True),
                axis=alt.Axis(tickMinStep=0.5, labelExpr="'£' + format(datum.value, ',.2f')")),
        y=alt.Y("completion_rate:Q", title="Successful completions",
                scale=alt.Scale(zero=False, nice=True), axis=alt.Axis(format=".0%")))
    points = base.mark_point(filled=True, size=160, color="#0072b2").encode(
        tooltip=[alt.Tooltip("area:N", title="Area"),
                 alt.Tooltip("spend_per_head:Q", title="Spend per resident (£)", format=",.2f"),
                 alt.Tooltip("completion_rate:Q", title="Successful completions", format=".1%"),
                 alt.Tooltip("completions:Q", title="Completions", format=",.0f"),
                 alt.Tooltip("in_treatment:Q", title="In treatment", format=",.0f"),
                 alt.Tooltip("cost_per_completion:Q", title="Spend per completion (£)", format=",.0f")])
    labels = base.mark_text(align="left", dx=12, dy=-2, color="#0b0c0c").encode(text="label:N")
    return alt.layer(points, labels).properties(width=width, height=height)


def completion_rates(outcomes: pd.DataFrame) -> pd.Series:
    """Successful completions / people in treatment (NaN where either is hidden or zero)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = outcomes["completions"].astype(float) / outcomes["in_treatment"].astype(float)
    return rate.where(outcomes["in_treatment"].astype(float) > 0)
