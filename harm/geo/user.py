"""A user's boundary file: GeoJSON, GeoPackage or zipped shapefile, in BNG or WGS84."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely

from harm.areas import AreaSet
from harm.errors import HarmInputError

BNG = "EPSG:27700"


def infer_crs(frame: gpd.GeoDataFrame) -> tuple[str, str]:
    """Guess a missing CRS from the coordinate ranges; return it with a note for the user."""
    minx, miny, maxx, maxy = frame.total_bounds
    if -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90:
        return "EPSG:4326", "The file has no CRS; its coordinates look like longitude/latitude (WGS84)."
    if 0 <= minx and maxx <= 700000 and 0 <= miny and maxy <= 1300000:
        return BNG, "The file has no CRS; its coordinates look like British National Grid metres."
    raise HarmInputError("the file has no coordinate reference system and its coordinates are neither "
                         "WGS84 nor British National Grid", fix="Save it with a CRS (EPSG:27700 or EPSG:4326).")


def read_boundaries(path: Path, name_field: str) -> AreaSet:
    """Read polygons, check the name field, reproject to BNG and repair invalid geometry."""
    path = Path(path)
    source = f"zip://{path}" if path.suffix.lower() == ".zip" else path
    try:
        frame = gpd.read_file(source)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise HarmInputError(f"not a readable boundary file ({str(exc).splitlines()[0]})", where=path.name,
                             fix="Use GeoJSON, GeoPackage or a zipped shapefile.") from exc
    if name_field not in frame.columns:
        fields = ", ".join(c for c in frame.columns if c != "geometry")
        raise HarmInputError(f"there is no field '{name_field}'", where=path.name, fix=f"Pick one of: {fields}.")
    notes = []
    if frame.crs is None:
        crs, note = infer_crs(frame)
        frame = frame.set_crs(crs)
        notes.append(note)
    frame = frame.to_crs(BNG)
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        frame.loc[invalid, "geometry"] = shapely.make_valid(frame.geometry[invalid].values)
        notes.append(f"{int(invalid.sum())} invalid geometries were repaired.")
    areas = gpd.GeoDataFrame({"code": frame[name_field].astype(str), "name": frame[name_field].astype(str)},
                             geometry=frame.geometry.values, crs=BNG)
    return AreaSet("custom", areas, None, f"{path.name} ({name_field})")
