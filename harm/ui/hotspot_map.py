"""The Hotspots page's map: units coloured by Gi* class, count or rate; CSP boundaries
drawn and labelled; an optional heat layer; everything offline and kept small.

Size: areas are all drawn (1,120 LSOAs is ~0.5 MB); grid cells only when they hold
incidents or a significant Gi* class, at most ``problem_profile.MAP_CELL_CAP`` of them,
and the heat layer at most ``HEAT_POINT_CAP`` points, so the page stays under 3 MB
whatever the number of incidents. The map says when it leaves cells out or samples points.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element
from folium.plugins import HeatMap

from harm.classify import break_labels, quantile_breaks
from harm.problem_profile import ProblemProfile, heat_points, units_for_map
from harm.ui import palettes
from harm.ui.maps import choropleth_layer, legend_html, offline_map

ATTRIBUTION = "Boundaries: ONS, contains OS data © Crown copyright and database right"
LABEL_CSS = """
.harm-area-label { font: 600 12px/1.2 "Source Sans Pro", Arial, sans-serif; color: #0b0c0c;
  white-space: nowrap; pointer-events: none; transform: translate(-50%, -50%);
  display: inline-block; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }
.harm-area-label-icon { pointer-events: none; }
"""


@dataclass(frozen=True)
class MapInfo:
    """What the map shows, for captions and tests."""

    units_drawn: int
    units_with_data: int  # candidates: all areas, or cells with incidents or a Gi* class
    heat_points: int  # 0 without the heat layer
    heat_total: int  # incidents the heat layer could show


def value_column(profile: ProblemProfile) -> str:
    """What colours the map: ``gi_bin``, ``rate_per_1000`` or ``count``."""
    if profile.selection.statistic == "gi":
        return "gi_bin"
    if profile.selection.measure == "rate" and "rate_per_1000" in profile.results:
        return "rate_per_1000"
    return "count"


def legend_title(profile: ProblemProfile) -> str:
    value = value_column(profile)
    what = {"gi_bin": "Gi* hot and cold spots", "rate_per_1000": "Rate per 1,000 residents",
            "count": "Incidents"}[value]
    if value == "gi_bin" and profile.gi_on == "rate_per_1000":
        what += " (of rates)"
    return f"{what} by {profile.units.label}"


def hotspot_map(profile: ProblemProfile, incidents, boundaries: gpd.GeoDataFrame, *,
                tiles: bool = False, heat: bool = False, highlight: str | None = None,
                notes: tuple[str, ...] = ()) -> tuple[folium.Map, MapInfo]:
    """The folium map of ``profile``; ``boundaries`` (CSPs) are outlined and labelled.

    ``highlight`` outlines one unit (the one being drilled into); ``notes`` are extra lines
    for the legend (e.g. the days and hours shown).
    """
    m = offline_map(osm_tiles=tiles, attribution=ATTRIBUTION, zoom_snap=0.25, zoom_delta=0.5)
    m.get_root().header.add_child(Element(f"<style>{LABEL_CSS}</style>"), name="harm_area_labels")
    positions, candidates = units_for_map(profile)
    legend_notes = list(notes)
    if positions.size:
        units_layer(profile, positions).add_to(m)
    if profile.units.kind == "grid" and positions.size < candidates:
        legend_notes.append(f"Showing {positions.size:,} of {candidates:,} cells with incidents "
                            "or a Gi* class: hot and cold spots first, then the busiest.")
    if profile.units.kind == "grid":
        legend_notes.append("Empty, not significant cells are not drawn.")
    boundary_layer(boundaries).add_to(m)
    for label in boundary_labels(boundaries):
        label.add_to(m)
    if highlight is not None:
        layer = highlight_layer(profile, highlight)
        if layer is not None:
            layer.add_to(m)
    shown, total = 0, 0
    if heat:
        points, total = heat_points(incidents, profile)
        shown = len(points)
        if shown:
            HeatMap(points[["lat", "lon", "weight"]].to_numpy().tolist(), name="Incidents (heat)",
                    radius=12, blur=15, min_opacity=0.25, gradient=palettes.HEAT_GRADIENT).add_to(m)
        if shown < total:
            legend_notes.append(f"Heat layer: a random sample of {shown:,} of {total:,} incidents "
                                "(fixed seed), to keep the map fast.")
    labels, colours = map_legend(profile, positions)
    legend_html(legend_title(profile), labels, colours, note=" ".join(legend_notes) or None,
                position="topright").add_to(m)
    minx, miny, maxx, maxy = _bounds_wgs84(profile)
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding_bottom_right=(140, 0))  # room for the legend
    return m, MapInfo(int(positions.size), int(candidates), shown, total)


def units_layer(profile: ProblemProfile, positions: np.ndarray) -> folium.GeoJson:
    """The coloured units with tooltips (name, count, rate, z, class) and their id for clicks."""
    results = profile.results.iloc[positions].reset_index(drop=True)
    gdf = profile.units.geometries(positions)
    for column in ("count", "rate_per_1000", "gi_z", "gi_bin", "gi_class"):
        if column in results:
            gdf[column] = results[column].to_numpy()
    value = value_column(profile)
    weighted = bool((results["count"] % 1 != 0).any())
    fields, aliases = ["name", "count"], [_unit_word(profile), "Incidents"]
    formats = {"count": "{:,.1f}" if weighted else "{:,.0f}", "gi_z": "{:+.2f}", "rate_per_1000": "{:,.1f}"}
    if "rate_per_1000" in gdf:
        fields.append("rate_per_1000")
        aliases.append("Rate per 1,000 residents")
    fields += ["gi_z", "gi_class"]
    aliases += ["Gi* z-score", "Gi* class"]
    grid = profile.units.kind == "grid"
    style = dict(line_color="#8a8a8a" if grid else palettes.OUTLINE, weight=0.3 if grid else 0.6,
                 fill_opacity=0.85 if grid else 0.75, coord_decimals=5)
    if value == "gi_bin":
        return choropleth_layer(gdf, "gi_bin", colors=palettes.GI_STAR_COLORS, tooltip_fields=fields,
                                tooltip_aliases=aliases, tooltip_formats=formats, keep_fields=["unit"],
                                name=legend_title(profile), **style)
    bins = _breaks(gdf[value].to_numpy())
    return choropleth_layer(gdf, value, colors=_sequential(len(bins) - 1), bins=bins,
                            tooltip_fields=fields, tooltip_aliases=aliases, tooltip_formats=formats,
                            keep_fields=["unit"], name=legend_title(profile), **style)


def map_legend(profile: ProblemProfile, positions: np.ndarray) -> tuple[list[str], list[str]]:
    """Legend labels and colours matching :func:`units_layer`."""
    value = value_column(profile)
    if value == "gi_bin":
        return palettes.gi_star_legend()
    values = profile.results[value].to_numpy()[positions]
    bins = _breaks(values)
    fmt = "{:,.1f}" if value == "rate_per_1000" or (values % 1 != 0).any() else "{:,.0f}"
    return break_labels(bins, fmt), _sequential(len(bins) - 1)


def boundary_layer(boundaries: gpd.GeoDataFrame) -> folium.GeoJson:
    """CSP outlines: not filled and not clickable, so clicks reach the units below."""
    wgs = boundaries.to_crs(4326)
    geoms = shapely.transform(np.asarray(wgs.geometry.values), lambda xy: np.round(xy, 5))
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": json.loads(shapely.to_geojson(g))}
        for g in geoms if g is not None and not g.is_empty]}
    return folium.GeoJson(
        data, name="CSP boundaries", interactive=False, control=False,
        style_function=lambda _: {"fill": False, "color": "#0b0c0c", "weight": 2, "opacity": 0.9},
    )


def boundary_labels(boundaries: gpd.GeoDataFrame) -> list[folium.Marker]:
    """A text label inside each boundary (data text escaped)."""
    points = gpd.GeoSeries(shapely.point_on_surface(boundaries.geometry.values),
                           crs=boundaries.crs).to_crs(4326)
    return [
        folium.Marker([round(p.y, 5), round(p.x, 5)], interactive=False, icon=folium.DivIcon(
            html=f'<span class="harm-area-label">{html.escape(str(name))}</span>',
            class_name="harm-area-label-icon", icon_size=(0, 0)))
        for name, p in zip(boundaries["name"], points)
    ]


def highlight_layer(profile: ProblemProfile, unit: str) -> folium.GeoJson | None:
    where = np.flatnonzero(profile.units.table["unit"].to_numpy() == str(unit))
    if where.size == 0:
        return None
    geom = profile.units.geometries(where).to_crs(4326).geometry.iloc[0]
    return folium.GeoJson(
        {"type": "Feature", "properties": {}, "geometry": json.loads(shapely.to_geojson(geom))},
        name="Selected", interactive=False, control=False,
        style_function=lambda _: {"fill": False, "color": "#0b0c0c", "weight": 4, "dashArray": "6 4"},
    )


def _unit_word(profile: ProblemProfile) -> str:
    return "Cell (south-west corner)" if profile.units.kind == "grid" else profile.units.label


def _breaks(values: np.ndarray) -> list[float]:
    breaks = quantile_breaks(values[np.isfinite(values)])
    return [float(b) for b in breaks]


def _sequential(k: int) -> list[str]:
    return palettes.sequential(max(3, k))[-k:] if k > 0 else []


def _bounds_wgs84(profile: ProblemProfile) -> tuple[float, float, float, float]:
    units = profile.units
    if units.kind == "grid":
        box = shapely.box(*units.grid.study_area.bounds)
    else:
        box = shapely.box(*units.areas.total_bounds)
    return tuple(gpd.GeoSeries([box], crs="EPSG:27700").to_crs(4326).total_bounds)
