"""Boundary files a user brings: the real ONS files, CRS read or inferred, repairs, bad files."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon, box

from harm import store
from harm.areas import assign
from harm.cli import main as cli_main
from harm.errors import HarmInputError
from harm.io.boundaries import inspect_boundaries, read_boundary_file
from harm.io.importer import FileInput, import_boundaries, import_incidents

REAL = {
    "Local_Authority_Districts_(December_2019)_Boundaries_UK_BUC.geojson": ("lad19nm", "lad19cd", 382, "EPSG:4326"),
    "Local_Authority_Districts_December_2017_Super_Generalised_Clipped_Boundaries_in_Great_Britain.geojson":
        ("lad17nm", "lad17cd", 380, None),  # no "crs" member: inferred from the coordinates
    "Police_Force_Areas_December_2023_EW_BSC.gpkg": ("PFA23NM", "PFA23CD", 43, "EPSG:27700"),
}


@pytest.fixture(autouse=True)
def own_store(tmp_path, monkeypatch):
    monkeypatch.setenv("HARM_DATA_DIR", str(tmp_path / "store"))


def geojson_bytes(frame: gpd.GeoDataFrame, *, drop_crs: bool = False) -> bytes:
    data = json.loads(frame.to_json())
    if drop_crs:
        data.pop("crs", None)
    return json.dumps(data).encode()


def squares(crs="EPSG:27700", names=("North", "South")) -> gpd.GeoDataFrame:
    boxes = [box(380000, 260000, 390000, 270000), box(380000, 250000, 390000, 260000)]
    frame = gpd.GeoDataFrame({"area_nm": list(names), "area_cd": ["A1", "A2"]}, geometry=boxes, crs="EPSG:27700")
    return frame.to_crs(crs)


@pytest.mark.parametrize("file_name", sorted(REAL))
def test_every_real_boundary_file_loads(real_dir, file_name):
    path = real_dir / "boundaries" / file_name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    name_field, code_field, features, crs = REAL[file_name]
    inp = FileInput.from_path(path)
    found = inspect_boundaries(inp.data, inp.name)
    assert (found.name_field, found.code_field, found.features) == (name_field, code_field, features)
    assert found.crs == crs
    result = read_boundary_file(inp.data, inp.name, name_field, code_field)
    assert any("has no CRS" in n for n in result.notes) == (crs is None)
    assert result.rows_read == result.loaded + result.rejected + result.duplicates == features
    areas = result.frame
    assert areas.crs.to_epsg() == 27700 and areas.is_valid.all()
    assert list(areas.columns) == ["code", "name", "geometry"]
    minx, miny, maxx, maxy = areas.total_bounds
    assert -250000 <= minx < maxx <= 700000 and 0 <= miny < maxy <= 1300000  # UK in metres (NI: x < 0)


def test_imported_police_force_areas_replace_the_built_in_ones(real_dir, tmp_path, capsys):
    path = real_dir / "boundaries" / "Police_Force_Areas_December_2023_EW_BSC.gpkg"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    report = import_boundaries(FileInput.from_path(path), "Forces 2023", "PFA23NM", "PFA23CD")
    assert report.summary() == "read 43, loaded 43, rejected 0, duplicates 0"
    areas = store.load_boundaries("Forces 2023")
    assert "West Mercia" in areas.names and "Warwickshire" in areas.names
    rows = "\n".join([
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
        "Last outcome category,Context",
        "a,2024-01,X,X,-2.2200,52.1900,x,E,n,Drugs,,",       # Worcester: West Mercia
        "b,2024-01,X,X,-1.5200,52.2800,x,E,n,Drugs,,",       # Leamington: Warwickshire
        "c,2024-01,X,X,-0.1276,51.5072,x,E,n,Drugs,,",       # London
        "d,2024-01,X,X,,,x,E,n,Drugs,,", ""])
    import_incidents([FileInput("x.csv", rows.encode())], "four")
    labels = assign(store.load_incidents("four"), areas)
    assert list(labels.astype(str)) == ["West Mercia", "Warwickshire", "Metropolitan Police", "(no location)"]
    # a stored boundary set's name works wherever --boundaries is accepted
    out = tmp_path / "counts.csv"
    assert cli_main(["counts", "--incidents", "four", "--boundaries", "Forces 2023", "--out", str(out)]) == 0
    counts = pd.read_csv(out)
    assert "West Mercia" in counts.to_csv()


def test_missing_crs_is_inferred_with_a_note():
    for crs, words in (("EPSG:4326", "longitude/latitude"), ("EPSG:27700", "British National Grid")):
        raw = geojson_bytes(squares(crs), drop_crs=True)
        result = read_boundary_file(raw, "nocrs.geojson", "area_nm")
        assert any("has no CRS" in n and words in n for n in result.notes), result.notes
        assert np.allclose(result.frame.total_bounds, [380000, 250000, 390000, 270000], atol=5)


def test_invalid_geometry_is_repaired_with_a_note():
    bowtie = Polygon([(380000, 260000), (390000, 270000), (390000, 260000), (380000, 270000)])
    frame = gpd.GeoDataFrame({"name": ["Bow", "Fine"]}, geometry=[bowtie, box(0, 0, 1000, 1000)], crs="EPSG:27700")
    result = read_boundary_file(geojson_bytes(frame), "bowtie.geojson", "name")
    assert result.loaded == 2
    assert any("1 invalid geometry was repaired" in n for n in result.notes)
    assert result.frame.is_valid.all()
    assert result.frame.set_index("name").loc["Bow"].geometry.area == pytest.approx(50_000_000)


def test_features_without_polygons_or_names_are_rejected_and_same_names_merged():
    frame = gpd.GeoDataFrame({"name": ["A", "", "C", "A", "E"]},
                             geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10), Point(5, 5), box(20, 0, 30, 10), None],
                             crs="EPSG:27700")
    result = read_boundary_file(geojson_bytes(frame), "mixed.geojson", "name")
    assert (result.rows_read, result.loaded, result.rejected, result.duplicates) == (5, 1, 3, 1)
    reasons = dict(zip(result.rejects["row"], result.rejects["reason"]))
    assert reasons == {2: "empty name", 3: "not a polygon", 5: "feature has no geometry"}
    assert result.frame.set_index("name").loc["A"].geometry.area == pytest.approx(200)


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zipped_shapefile_loads_and_an_incomplete_one_is_explained(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    squares("EPSG:4326").to_file(folder / "areas.shp")
    parts = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = read_boundary_file(zipped(parts), "areas.zip", "area_nm", "area_cd")
    assert sorted(result.frame["name"]) == ["North", "South"] and sorted(result.frame["code"]) == ["A1", "A2"]
    assert result.frame.crs.to_epsg() == 27700
    without_dbf = {k: v for k, v in parts.items() if not k.endswith(".dbf")}
    with pytest.raises(HarmInputError, match=r"areas.zip: the shapefile in the zip lacks its \.dbf file"):
        read_boundary_file(zipped(without_dbf), "areas.zip", "area_nm")


BAD_BOUNDARIES = {
    "empty.geojson": (b"", "empty"),
    "notes.txt": (b"hello", "not a boundary file"),
    "broken.geojson": (b'{"type": "FeatureCollection", "features": [', "not a readable boundary file"),
    "nothing.zip": (zipped({"readme.txt": b"x"}), "no shapefile"),
    "damaged.zip": (b"PK\x03\x04rubbish", "damaged"),
    "spreadsheet.gpkg": (b"SQLite format 3\x00" + b"\x00" * 200, "not a readable boundary file"),
}


@pytest.mark.parametrize("name", sorted(BAD_BOUNDARIES))
def test_unusable_boundary_file_gives_one_clear_message(name):
    raw, words = BAD_BOUNDARIES[name]
    with pytest.raises(HarmInputError) as caught:
        inspect_boundaries(raw, name)
    message = str(caught.value)
    assert message.startswith(name + ":") and words in message and "\n" not in message
    assert "/tmp/" not in message


def test_wrong_name_field_and_no_crs_outside_gb_are_explained():
    raw = geojson_bytes(squares())
    with pytest.raises(HarmInputError, match="there is no field 'nope'.*area_nm"):
        read_boundary_file(raw, "a.geojson", "nope")
    far = gpd.GeoDataFrame({"name": ["X"]}, geometry=[box(5e6, 5e6, 6e6, 6e6)], crs="EPSG:3857")
    with pytest.raises(HarmInputError, match="no coordinate reference system"):
        read_boundary_file(geojson_bytes(far, drop_crs=True), "far.geojson", "name")


def test_cli_boundaries_need_the_name_field_then_import(tmp_path, capsys):
    path = tmp_path / "csp.geojson"
    path.write_bytes(geojson_bytes(squares(names=("North <script>", "South"))))
    assert cli_main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--area-field" in err and "suggested: area_nm" in err
    assert cli_main(["import", str(path), "--area-field", "area_nm", "--name", "My CSPs", "--quiet"]) == 0
    assert capsys.readouterr().out == "read 2, loaded 2, rejected 0, duplicates 0\n"
    info = store.get_dataset("My CSPs", "boundaries")
    assert info.details["areas"] == 2 and info.sources[0]["file"] == "csp.geojson"
    assert store.load_boundaries("My CSPs").names == ["North <script>", "South"]
