"""Area sets (built-in levels or a user's boundary file) and assigning incidents to them."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from harm.geo import levels as geo_levels

OUTSIDE = "(outside areas)"
NO_LOCATION = "(no location)"


@dataclass(frozen=True)
class AreaSet:
    """Polygons to count incidents in: ``areas`` has ``code``, ``name``, ``geometry`` (EPSG:27700)."""

    level: str
    areas: gpd.GeoDataFrame
    population: pd.Series | None = None  # residents, indexed by code
    label: str = ""

    @property
    def names(self) -> list[str]:
        return list(self.areas["name"])

    def population_by_name(self) -> pd.Series | None:
        if self.population is None:
            return None
        return self.population.reindex(self.areas["code"]).set_axis(self.areas["name"])

    def study_area(self):
        """The union of all polygons (the study area for grids and hot spots)."""
        return shapely.union_all(self.areas.geometry.values)


def load_area_set(level: str) -> AreaSet:
    """A built-in level: ``force``, ``policing-area``, ``csp``, ``lad`` or ``lsoa``."""
    areas = geo_levels.boundaries(level)[["code", "name", "geometry"]]
    return AreaSet(level, areas, geo_levels.population(level), geo_levels.LEVEL_LABELS[level])


def locate(x: np.ndarray, y: np.ndarray, areas: gpd.GeoDataFrame) -> np.ndarray:
    """Index (row position in ``areas``) of the polygon each point falls in; -1 outside or NaN.

    Where polygons overlap, the first one in ``areas`` wins. Each distinct point is looked up
    once (data.police.uk points are snapped to a few anonymised locations, so many repeat).
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    out = np.full(len(x), -1, dtype="int64")
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return out
    codes, unique_x, unique_y = _unique_points(x[ok], y[ok])
    if len(unique_x) < 0.9 * ok.sum():
        out[ok] = _locate_points(unique_x, unique_y, areas)[codes]
    else:
        out[ok] = _locate_points(x[ok], y[ok], areas)
    return out


def _unique_points(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``codes`` such that ``(unique_x[codes], unique_y[codes]) == (x, y)``."""
    x_codes, x_values = pd.factorize(x)
    y_codes, y_values = pd.factorize(y)
    pair = x_codes.astype("int64") * len(y_values) + y_codes
    codes, pairs = pd.factorize(pair)
    return codes, x_values[pairs // len(y_values)], y_values[pairs % len(y_values)]


def _locate_points(x: np.ndarray, y: np.ndarray, areas: gpd.GeoDataFrame) -> np.ndarray:
    points = shapely.points(x, y)
    tree = shapely.STRtree(areas.geometry.values)
    point_idx, area_idx = tree.query(points, predicate="intersects")
    first = pd.DataFrame({"p": point_idx, "a": area_idx}).groupby("p")["a"].min()
    found = np.full(len(x), -1, dtype="int64")
    found[first.index.to_numpy()] = first.to_numpy()
    return found


def labels_from_index(index: np.ndarray, has_location: np.ndarray, names: list[str]) -> pd.Series:
    """Area names from polygon indices, with the two reconciling labels for the rest."""
    categories = list(names) + [OUTSIDE, NO_LOCATION]
    codes = np.where(index >= 0, index, len(names))
    codes = np.where(has_location, codes, len(names) + 1)
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories))


def assign(incidents: pd.DataFrame, area_set: AreaSet) -> pd.Series:
    """The name of the area each incident falls in (categorical, same order as ``incidents``).

    Built-in levels go through each incident's LSOA (one point-in-polygon pass, cached in
    the ``lsoa_code`` column); a user's boundaries are matched point in polygon.
    """
    x, y = incidents["x"].to_numpy(), incidents["y"].to_numpy()
    has_location = np.isfinite(x) & np.isfinite(y)
    if area_set.level in geo_levels.LEVELS and area_set.level != "lsoa":
        return _assign_via_lsoa(incidents, area_set, has_location)
    return labels_from_index(locate(x, y, area_set.areas), has_location, area_set.names)


def _assign_via_lsoa(incidents, area_set: AreaSet, has_location) -> pd.Series:
    key = "policing_area" if area_set.level == "policing-area" else area_set.level
    lookup = geo_levels.lsoa_lookup().set_index("lsoa_code")[f"{key}_code"]
    position = pd.Series(np.arange(len(area_set.areas)), index=area_set.areas["code"])
    lsoa_to_pos = lookup.map(position)
    lsoa = incidents["lsoa_code"]
    if isinstance(lsoa.dtype, pd.CategoricalDtype):  # map the ~1,000 categories, not every row
        category_pos = pd.Series(lsoa.cat.categories.astype("object")).map(lsoa_to_pos).fillna(-1)
        codes = lsoa.cat.codes.to_numpy()
        index = np.where(codes >= 0, category_pos.to_numpy("int64")[codes], -1)
    else:
        index = lsoa.astype("object").map(lsoa_to_pos).fillna(-1).to_numpy("int64")
    return labels_from_index(index, has_location, area_set.names)


def attach_lsoa(incidents: pd.DataFrame) -> pd.DataFrame:
    """Set ``lsoa_code`` from each incident's point (built-in 2011 LSOAs); NA outside them."""
    lsoas = geo_levels.boundaries("lsoa")
    index = locate(incidents["x"].to_numpy(), incidents["y"].to_numpy(), lsoas)
    codes = np.asarray(lsoas["code"], dtype=object)
    values = np.where(index >= 0, codes[np.clip(index, 0, None)], None)
    out = incidents.copy()
    out["lsoa_code"] = pd.Categorical(values, categories=list(lsoas["code"]))
    return out
