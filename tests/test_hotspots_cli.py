"""``python -m harm hotspots`` and ``temporal`` on the demo data, checked against esda and
against counts worked out here independently of the engine."""

import warnings

import numpy as np
import pandas as pd
import pytest
import shapely
from esda.getisord import G_Local
from libpysal.weights import W, Queen

from harm.areas import load_area_set
from harm.cli import main
from harm.io.boundaries import boundaries_from_path
from harm.timeofday import DAYS, in_selection


def esda_z(values, w):
    w.transform = "B"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return G_Local(np.asarray(values, float), w, transform="B", star=True, permutations=0).Zs


def run_cli(*args) -> pd.DataFrame:
    out = args[args.index("--out") + 1]
    assert main(list(args)) == 0
    return pd.read_csv(out)


@pytest.fixture(scope="module")
def herefordshire_file(tmp_path_factory):
    """One CSP as a user's boundary file (WGS84 GeoJSON), as an analyst would bring it."""
    csp = load_area_set("csp").areas
    path = tmp_path_factory.mktemp("boundaries") / "herefordshire.geojson"
    one = csp[csp["name"] == "Herefordshire"].rename(columns={"name": "csp_name"})
    one[["csp_name", "geometry"]].to_crs(4326).to_file(path, driver="GeoJSON")
    return path


def test_area_level_equals_esda_on_the_csp_polygons(tmp_path):
    out = tmp_path / "csp.csv"
    table = run_cli("hotspots", "--area-level", "csp", "--days", "Fri,Sat", "--hours", "21-02",
                    "--out", str(out))
    assert list(table.columns) == ["area", "count", "gi_z", "p_value", "p_fdr", "gi_bin", "rate_per_1000"]
    csp = load_area_set("csp")
    assert list(table["area"]) == csp.names  # one row per area, zeros included
    w = Queen.from_dataframe(csp.areas.reset_index(drop=True), use_index=False, silence_warnings=True)
    np.testing.assert_allclose(table["gi_z"], esda_z(table["count"], w), rtol=0, atol=1e-6)
    population = csp.population_by_name().to_numpy()
    np.testing.assert_allclose(table["rate_per_1000"], table["count"] / population * 1000)


def test_lsoa_level_equals_esda_and_keeps_empty_lsoas(tmp_path, demo_incidents):
    out = tmp_path / "lsoa.csv"
    table = run_cli("hotspots", "--level", "lsoa", "--area-level", "policing-area",
                    "--period", "2014-04..2014-10", "--time", "start", "--out", str(out))
    lsoa = load_area_set("lsoa").areas
    assert list(table["area"]) == list(lsoa["name"])  # every LSOA of the study area, in order
    # independent count: incidents by LSOA code in the period
    months = demo_incidents["occurred_from"].dt.strftime("%Y-%m")
    in_period = demo_incidents[(months >= "2014-04") & (months <= "2014-10")]
    expected = in_period["lsoa_code"].astype(str).value_counts().reindex(lsoa["code"], fill_value=0)
    np.testing.assert_array_equal(table["count"], expected.to_numpy())
    w = Queen.from_dataframe(lsoa.reset_index(drop=True), use_index=False, silence_warnings=True)
    np.testing.assert_allclose(table["gi_z"], esda_z(table["count"], w), rtol=0, atol=1e-6)
    assert (table["gi_bin"] > 0).any()


def test_grid_level_on_a_users_boundary_equals_esda_and_counts_by_hand(
        tmp_path, herefordshire_file, demo_incidents):
    out = tmp_path / "grid.csv"
    table = run_cli("hotspots", "--level", "grid",
                    "--boundaries", str(herefordshire_file), "--area-field", "csp_name",
                    "--cell-size", "2000", "--days", "Fri,Sat", "--hours", "21-02",
                    "--time", "start", "--out", str(out))
    assert list(table.columns) == ["x_min", "y_min", "count", "gi_z", "p_value", "p_fdr", "gi_bin"]
    area = boundaries_from_path(herefordshire_file, "csp_name")[0].study_area()

    # the grid: every 2 km cell aligned to multiples of 2 km that covers part of the area
    minx, miny, maxx, maxy = area.bounds
    xs = np.arange(np.floor(minx / 2000) * 2000, maxx, 2000)
    ys = np.arange(np.floor(miny / 2000) * 2000, maxy, 2000)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    covers = shapely.area(shapely.intersection(shapely.box(gx, gy, gx + 2000, gy + 2000), area)) > 0
    assert set(zip(table["x_min"], table["y_min"])) == set(zip(gx[covers], gy[covers]))
    assert len(table) == covers.sum()

    # the counts: Friday and Saturday nights 21:00-01:59 by start time, inside the area
    inc = demo_incidents
    chosen = in_selection(inc["occurred_from"], ("Fri", "Sat"), "21-02") & (inc["date_precision"] == "minute").to_numpy()
    inside = shapely.contains_xy(area, inc["x"].to_numpy(), inc["y"].to_numpy())
    picked = inc[chosen & inside]
    cells = pd.Series(list(zip(np.floor(picked["x"] / 2000) * 2000, np.floor(picked["y"] / 2000) * 2000)))
    by_cell = cells.value_counts()
    got = dict(zip(zip(table["x_min"], table["y_min"]), table["count"]))
    assert sum(got.values()) == len(picked) > 1000
    assert all(got[cell] == n for cell, n in by_cell.items())

    # Gi*: esda on the same cells with queen neighbours found the slow way
    index = {cell: i for i, cell in enumerate(zip(table["x_min"], table["y_min"]))}
    neighbours = {i: [index[(x + dx, y + dy)] for dx in (-2000, 0, 2000) for dy in (-2000, 0, 2000)
                      if (dx or dy) and (x + dx, y + dy) in index] for (x, y), i in index.items()}
    w = W(neighbours, silence_warnings=True)
    np.testing.assert_allclose(table["gi_z"], esda_z(table["count"], w), rtol=0, atol=1e-6)
    assert (table["gi_bin"] == 3).any()
    # p_fdr is Benjamini-Hochberg of p_value
    from scipy.stats import false_discovery_control
    np.testing.assert_allclose(table["p_fdr"], false_discovery_control(table["p_value"]), atol=1e-12)


def test_aoristic_counts_are_weighted_and_sum_to_the_selected_hours(tmp_path, demo_incidents):
    from harm.aoristic import hour_of_week_weights, selected_weight
    from harm.timeofday import selected_bins

    out = tmp_path / "aoristic.csv"
    table = run_cli("hotspots", "--area-level", "policing-area", "--hours", "21-02",
                    "--time", "aoristic", "--out", str(out))
    weights = selected_weight(hour_of_week_weights(demo_incidents), selected_bins(None, "21-02"))
    located = demo_incidents["x"].notna().to_numpy()
    assert table["count"].sum() == pytest.approx(weights[located].sum(), rel=1e-9)
    assert (table["count"] % 1 != 0).any()  # weighted, not whole, counts


def test_temporal_writes_168_rows_monday_first(tmp_path, demo_incidents):
    out = tmp_path / "temporal.csv"
    table = run_cli("temporal", "--time", "start", "--out", str(out))
    assert list(table.columns) == ["day", "hour", "weight"]
    assert len(table) == 168
    assert list(table["day"].unique()) == list(DAYS)
    assert list(table["hour"][:24]) == list(range(24))
    timed = demo_incidents[demo_incidents["date_precision"] == "minute"]["occurred_from"]
    expected = timed.groupby([timed.dt.day_of_week, timed.dt.hour]).size()
    np.testing.assert_array_equal(table["weight"], expected.reindex(
        pd.MultiIndex.from_product([range(7), range(24)]), fill_value=0).to_numpy())

    aoristic = run_cli("temporal", "--out", str(tmp_path / "aoristic.csv"))
    assert aoristic["weight"].sum() == pytest.approx(len(timed))  # each timed incident sums to 1


def month_only_csv(path):
    pd.DataFrame({
        "crime_id": ["a", "b"], "occurred_from": ["2019-01-01", "2019-01-01"], "occurred_to": ["", ""],
        "date_precision": ["month", "month"], "offence_group": ["Violence and sexual offences"] * 2,
        "offence": ["", ""], "alcohol": ["false"] * 2, "drugs": ["false"] * 2,
        "domestic_abuse": ["false"] * 2, "latitude": [52.19, 52.2], "longitude": [-2.22, -2.21],
    }).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("args,message", [
    (["hotspots", "--days", "Funday"], "is not a day"),
    (["hotspots", "--hours", "25-02"], "out of range"),
    (["hotspots", "--hours", "9 to 5"], "must look like 21-02"),
    (["hotspots", "--cell-size", "500"], "--level grid only"),
    (["hotspots", "--level", "grid", "--cell-size", "-5"], "positive number of metres"),
    (["hotspots", "--level", "grid", "--cell-size", "10"], "larger cell size"),
    (["hotspots", "--boundaries", "nope.geojson", "--area-field", "x"], "nope.geojson"),
])
def test_bad_options_exit_2_with_one_line(tmp_path, capsys, args, message):
    assert main([*args, "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_month_only_data_refuses_hours_and_days_with_a_reason(tmp_path, capsys):
    source = month_only_csv(tmp_path / "street.csv")
    for args in (["hotspots", "--hours", "21-02"], ["temporal"]):
        assert main([*args, "--incidents", str(source), "--out", str(tmp_path / "x.csv")]) == 2
        assert "month only" in capsys.readouterr().err
    # without a time filter it still maps them
    table = run_cli("hotspots", "--incidents", str(source), "--area-level", "lad",
                    "--out", str(tmp_path / "ok.csv"))
    assert table["count"].sum() == 2
