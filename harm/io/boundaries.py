"""A user's boundary file: zipped shapefile, GeoJSON or GeoPackage, in EPSG:27700 or WGS84.

:func:`inspect_boundaries` lists the attribute fields (and suggests which one names the
areas); :func:`read_boundary_file` reads the polygons with the chosen name field. The CRS is
read from the file; where it is missing it is inferred from the coordinate ranges and a note
says so. Invalid geometries are repaired (with a note). Every feature is loaded or listed
with a reason (no geometry, not a polygon, empty name); features that share a name are
merged into one area and counted as duplicates, so ``features read = loaded + rejected +
duplicates``.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from harm.areas import AreaSet
from harm.errors import HarmInputError
from harm.io.rejects import RejectLog
from harm.io.result import LoadResult

SUFFIXES = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GeoPackage", ".zip": "zipped shapefile",
            ".shp": "shapefile"}
FORMATS_FIX = "Use GeoJSON (.geojson), GeoPackage (.gpkg) or a zipped shapefile (.zip with .shp, .shx, .dbf, .prj)."


@dataclass
class BoundaryInspection:
    """What a boundary file holds, before the user picks the name field."""

    name: str
    format: str
    layer: str | None
    features: int
    crs: str | None
    fields: list[str]
    name_field: str | None  # suggested
    code_field: str | None  # suggested
    samples: dict[str, list[str]] = field(default_factory=dict)


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


def boundaries_from_path(path: Path, name_field: str) -> tuple[AreaSet, list[str]]:
    """A boundary file on disk as an area set named by ``name_field``, with the reader's notes."""
    path = Path(path)
    result = read_boundary_file(path.read_bytes(), path.name, name_field)
    return AreaSet("custom", result.frame, None, f"{path.name} ({name_field})"), list(result.notes)


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if suffix in SUFFIXES else ""


@contextmanager
def _on_disk(raw: bytes, name: str):
    """The bytes as a file GDAL can open; yields the path to read (inside a zip if needed)."""
    if not raw.strip():
        raise HarmInputError("the file is empty", where=name, fix=FORMATS_FIX)
    suffix = _suffix(name) or _sniff_suffix(raw, name)
    with tempfile.TemporaryDirectory(prefix="harm-boundaries-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(raw)
        if suffix == ".zip":
            yield _shapefile_in_zip(path, name)
        else:
            yield str(path)


def _sniff_suffix(raw: bytes, name: str) -> str:
    head = raw[:64].lstrip()
    if raw[:4] == b"PK\x03\x04":
        return ".zip"
    if raw[:16].startswith(b"SQLite format 3"):
        return ".gpkg"
    if head[:1] in (b"{", b"["):
        return ".geojson"
    raise HarmInputError("this is not a boundary file", where=name, fix=FORMATS_FIX)


def _shapefile_in_zip(path: Path, name: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if not m.startswith("__MACOSX/")]
    except zipfile.BadZipFile as exc:
        raise HarmInputError("the zip file is damaged", where=name, fix=FORMATS_FIX) from exc
    shapes = [m for m in members if m.lower().endswith(".shp")]
    if not shapes:
        inner = [m for m in members if Path(m).suffix.lower() in (".geojson", ".json", ".gpkg")]
        if inner:
            return f"/vsizip/{path}/{inner[0]}"
        raise HarmInputError("the zip file holds no shapefile (.shp)", where=name, fix=FORMATS_FIX)
    shape = shapes[0]
    stem = shape[:-4]
    lacking = [ext for ext in (".shx", ".dbf") if not any(m.lower() == (stem + ext).lower() for m in members)]
    if lacking:
        raise HarmInputError(f"the shapefile in the zip lacks its {' and '.join(lacking)} file", where=name,
                             fix="Zip all the shapefile's files together (.shp, .shx, .dbf and .prj).")
    return f"/vsizip/{path}/{shape}"


def _read(source: str, name: str, layer: str | None = None) -> tuple[gpd.GeoDataFrame, str | None]:
    import pyogrio

    try:
        layers = pyogrio.list_layers(source)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise HarmInputError(f"not a readable boundary file ({_first_line(exc)})", where=name, fix=FORMATS_FIX) from exc
    if len(layers) == 0:
        raise HarmInputError("the file has no layers", where=name, fix=FORMATS_FIX)
    if layer is None:
        polygonal = [str(n) for n, kind in layers if kind is None or "polygon" in str(kind).lower()
                     or str(kind).lower() == "unknown"]
        layer = polygonal[0] if polygonal else str(layers[0][0])
    try:
        frame = gpd.read_file(source, layer=layer)
    except Exception as exc:
        raise HarmInputError(f"not a readable boundary file ({_first_line(exc)})", where=name, fix=FORMATS_FIX) from exc
    return frame, (layer if len(layers) > 1 else None)


def _first_line(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return re.sub(r"/tmp/harm-boundaries-[^ ]*", "the file", text)[:160]


def suggest_fields(fields: list[str]) -> tuple[str | None, str | None]:
    """The field that most likely names each area (``...NM``, ``name``) and the one that codes it."""
    def pick(patterns):
        for pattern in patterns:
            for f in fields:
                if re.search(pattern, f, flags=re.IGNORECASE):
                    return f
        return None

    name = pick([r"^[a-z]{2,5}\d{2}nm$", r"nm$", r"^name$", r"name"])
    code = pick([r"^[a-z]{2,5}\d{2}cd$", r"cd$", r"^code$", r"code"])
    return name, code


def inspect_boundaries(raw: bytes, name: str) -> BoundaryInspection:
    """Read a boundary file's fields and size (the polygons are read again on import)."""
    with _on_disk(raw, name) as source:
        frame, layer = _read(source, name)
    fields = [c for c in frame.columns if c != "geometry"]
    if not fields:
        raise HarmInputError("the boundary file has no attribute fields to name the areas by", where=name,
                             fix="Add a field with each area's name.")
    name_field, code_field = suggest_fields(fields)
    samples = {f: [str(v) for v in frame[f].head(3).tolist()] for f in fields}
    return BoundaryInspection(name, SUFFIXES.get(_suffix(name), "boundary file"), layer, len(frame),
                              frame.crs.to_string() if frame.crs is not None and _declares_crs(raw, name) else None,
                              fields,
                              name_field or fields[0], code_field, samples)


def read_boundary_file(raw: bytes, name: str, name_field: str, code_field: str | None = None) -> LoadResult:
    """Polygons named by ``name_field`` (codes from ``code_field``, else the names), in BNG.

    ``LoadResult.frame`` is a GeoDataFrame with ``code``, ``name``, ``geometry`` (EPSG:27700).
    """
    with _on_disk(raw, name) as source:
        frame, layer = _read(source, name)
    fields = [c for c in frame.columns if c != "geometry"]
    for label, chosen in (("name", name_field), ("code", code_field)):
        if chosen and chosen not in fields:
            raise HarmInputError(f"there is no field '{chosen}' to take the {label}s from", where=name,
                                 fix=f"Pick one of: {', '.join(fields)}.")
    notes = [f"{name}: read layer '{layer}'."] if layer else []
    if len(frame) == 0:
        raise HarmInputError("the boundary file has no features", where=name, fix=FORMATS_FIX)
    frame, crs_note = _to_bng(frame, name, declared=_declares_crs(raw, name))
    if crs_note:
        notes.append(f"{name}: {crs_note}")

    log = RejectLog(name, np.arange(len(frame)) + 1)  # feature numbers, first = 1
    names = frame[name_field].astype("string").fillna("").str.strip()
    geometry = frame.geometry
    log.reject(geometry.isna().to_numpy() | geometry.is_empty.to_numpy(), "geometry", "", "feature has no geometry")
    kinds = geometry.geom_type.fillna("").astype("str").to_numpy()
    polygonal = np.isin(kinds, ["Polygon", "MultiPolygon", "GeometryCollection"])
    log.reject(~polygonal, "geometry", kinds, "not a polygon")
    log.reject((names == "").to_numpy(), name_field, names, "empty name")

    keep = log.ok
    geoms = geometry.values[keep]
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        notes.append(f"{name}: {int(invalid.sum())} invalid geometr{'y was' if invalid.sum() == 1 else 'ies were'} "
                     "repaired.")
    geoms = _polygon_parts(geoms)
    still_empty = shapely.is_empty(geoms)
    if still_empty.any():
        bad = np.flatnonzero(keep)[still_empty]
        mask = np.zeros(len(frame), dtype=bool)
        mask[bad] = True
        log.reject(mask, "geometry", kinds, "no polygon left after repair")
        keep = log.ok
        geoms = geoms[~still_empty]
    codes = (frame[code_field].astype("string").fillna("").str.strip() if code_field else names)[keep]
    areas = gpd.GeoDataFrame({"code": codes.to_numpy(dtype=object), "name": names[keep].to_numpy(dtype=object)},
                             geometry=geoms, crs=BNG)
    if not len(areas):
        raise HarmInputError("the boundary file has no usable polygons", where=name,
                             fix="Check the file holds polygons with names in the chosen field.")
    areas, merged, merged_rows = _merge_same_names(areas, np.flatnonzero(keep) + 1)
    rejects = log.frame()
    if merged:
        shown = ", ".join(str(n) for n in merged_rows[:10]) + (" ..." if len(merged_rows) > 10 else "")
        notes.append(f"{name}: {merged} feature(s) shared a name with an earlier one and were merged into that "
                     f"area (features {shown}).")
    result = LoadResult(areas, rejects, len(frame), merged, notes)
    result.check()
    return result


def _declares_crs(raw: bytes, name: str) -> bool:
    """False for a GeoJSON without a ``crs`` member: GDAL then says WGS84 whatever the numbers are
    (RFC 7946), but files saved in British National Grid often lack the member too."""
    is_geojson = _suffix(name) in (".geojson", ".json") or raw[:64].lstrip()[:1] in (b"{", b"[")
    return not is_geojson or b'"crs"' in raw


def _to_bng(frame: gpd.GeoDataFrame, name: str, declared: bool = True) -> tuple[gpd.GeoDataFrame, str]:
    note = ""
    if frame.crs is None or not declared:
        usable = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
        if not len(usable):
            raise HarmInputError("the boundary file has no geometry", where=name, fix=FORMATS_FIX)
        try:
            crs, note = infer_crs(usable)
        except HarmInputError as exc:
            raise HarmInputError(exc.what, where=name, fix=exc.fix) from exc
        frame = frame.set_crs(crs, allow_override=True)
    try:
        return frame.to_crs(BNG), note
    except Exception as exc:  # pyproj errors for exotic or broken CRS definitions
        raise HarmInputError(f"its coordinate reference system cannot be converted ({_first_line(exc)})", where=name,
                             fix="Save it in EPSG:27700 (British National Grid) or EPSG:4326 (WGS84).") from exc


def _polygon_parts(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygonal parts (repair can leave lines or points in a collection)."""
    out = geoms.copy()
    for i, geom in enumerate(geoms):
        if geom is not None and geom.geom_type == "GeometryCollection":
            parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
            out[i] = shapely.union_all(parts) if parts else shapely.Polygon()
    return out


def _merge_same_names(areas: gpd.GeoDataFrame, feature_numbers: np.ndarray):
    repeated = areas["name"].duplicated().to_numpy()
    if not repeated.any():
        return areas.reset_index(drop=True), 0, np.array([], dtype="int64")
    merged = areas.dissolve(by="name", sort=False, aggfunc={"code": "first"}).reset_index()
    merged = gpd.GeoDataFrame(merged[["code", "name"]], geometry=merged.geometry.values, crs=BNG)
    return merged, int(repeated.sum()), feature_numbers[repeated]
