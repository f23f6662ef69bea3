import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from esda.getisord import G_Local
from libpysal.weights import W, Queen
from scipy.stats import false_discovery_control, norm
from statsmodels.stats.multitest import multipletests

from harm.errors import HarmInputError
from harm.hotspots import (
    area_hotspots, area_of_incidents, benjamini_hochberg, cell_of_incidents,
    default_cell_size, gi_bins, grid_cell_polygons, grid_hotspots, hotspot_summary,
    locations_per_unit, make_grid, queen_neighbours, snapped_location_warning, sum_by_unit,
)

REAL = Path(__file__).resolve().parents[2] / "shared" / "real"
LAD_FILE = REAL / "boundaries" / (
    "Local_Authority_Districts_December_2017_Super_Generalised_Clipped_Boundaries_in_Great_Britain.geojson")


def points(xy):
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]})


def esda_z(values, neighbours: dict):
    w = W(neighbours, silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return G_Local(np.asarray(values, float), w, transform="B", star=True, permutations=0).Zs


# --- grid geometry ---------------------------------------------------------------------


def test_default_cell_size_is_a_fiftieth_of_the_shorter_side_rounded_up_to_100m():
    assert default_cell_size(shapely.box(0, 0, 100_000, 100_000)) == 2000
    assert default_cell_size(shapely.box(350_000, 200_000, 450_000, 273_000)) == 1500  # 1460
    assert default_cell_size(shapely.box(0, 0, 90_000, 90_050)) == 1800  # exact: no push up
    assert default_cell_size(shapely.box(0, 0, 3_000, 9_000)) == 100  # 60 m


def test_grid_is_aligned_to_multiples_of_the_cell_size():
    grid = make_grid(shapely.box(1050, 2050, 3950, 4020), cell_size=1000)
    assert sorted(set(grid.x_min)) == [1000, 2000, 3000]
    assert sorted(set(grid.y_min)) == [2000, 3000, 4000]
    assert grid.n_cells == 9


def test_cells_only_touching_the_area_are_not_in_the_grid():
    grid = make_grid(shapely.box(1000, 1000, 3000, 3000), cell_size=1000)
    assert sorted(zip(grid.x_min, grid.y_min)) == [(1000, 1000), (1000, 2000), (2000, 1000), (2000, 2000)]


def test_every_cell_that_covers_part_of_an_irregular_area_is_in_the_grid():
    area = shapely.Point(5000, 5000).buffer(3700).difference(shapely.box(4000, 4000, 6000, 6000))
    grid = make_grid(area, cell_size=500)
    boxes = shapely.box(grid.x_min, grid.y_min, grid.x_min + 500, grid.y_min + 500)
    assert (shapely.area(shapely.intersection(boxes, area)) > 0).all()
    # ... and every cell of the bounding box that covers part of it is there
    xs = np.arange(1000, 9000, 500)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, xs))
    covering = shapely.area(shapely.intersection(shapely.box(gx, gy, gx + 500, gy + 500), area)) > 0
    assert set(zip(gx[covering], gy[covering])) == set(zip(grid.x_min, grid.y_min))
    assert (0 < grid.cardinality).all() and (grid.cardinality <= 9).all()


def test_study_area_as_geodataframe_in_wgs84_is_reprojected():
    bng = gpd.GeoSeries([shapely.box(400_000, 250_000, 410_000, 260_000)], crs="EPSG:27700")
    grid = make_grid(bng.to_crs("EPSG:4326"), cell_size=1000)
    assert 100 <= grid.n_cells <= 121
    with pytest.raises(HarmInputError, match="British National Grid"):
        make_grid(shapely.box(-2.5, 52.0, -2.0, 52.5))


@pytest.mark.parametrize("bad", [0, -250, "abc", float("nan")])
def test_bad_cell_size_is_rejected(bad):
    with pytest.raises(HarmInputError, match="positive number of metres"):
        make_grid(shapely.box(0, 0, 10_000, 10_000), cell_size=bad)


def test_too_many_cells_is_rejected():
    with pytest.raises(HarmInputError, match="larger cell size"):
        make_grid(shapely.box(0, 0, 600_000, 600_000), cell_size=100)


# --- counting --------------------------------------------------------------------------


def test_incidents_are_counted_in_their_cell_only_inside_the_area():
    area = shapely.Polygon([(0, 0), (3000, 0), (3000, 1000), (1000, 1000), (1000, 3000), (0, 3000)])
    grid = make_grid(area, cell_size=1000)  # an L of 5 cells
    assert grid.n_cells == 5
    inc = points([
        (500, 500), (500, 600), (2500, 500),  # inside
        (1000, 500),  # on a grid line inside the area: the cell to its right
        (2500, 2500),  # in the bounding box, outside the L
        (-10, 500),  # outside
        (np.nan, np.nan),  # no location
        (3000, 500),  # on the area's edge: not inside
    ])
    cell = cell_of_incidents(grid, inc)
    where = dict(zip(zip(grid.x_min, grid.y_min), range(grid.n_cells)))
    assert cell.tolist() == [where[0, 0], where[0, 0], where[2000, 0], where[1000, 0], -1, -1, -1, -1]
    counts = sum_by_unit(cell, grid.n_cells)
    assert counts.sum() == 4 and counts[where[0, 0]] == 2 and counts[where[0, 2000]] == 0
    weighted = sum_by_unit(cell, grid.n_cells, weights=[0.5, 0.25, 1, 1, 9, 9, 9, 9])
    assert weighted[where[0, 0]] == 0.75
    with pytest.raises(HarmInputError, match="differ in length"):
        sum_by_unit(cell, grid.n_cells, weights=[1, 2])


# --- Gi* against esda ------------------------------------------------------------------


def grid_neighbours(grid):
    """Queen neighbours among the cells in the grid, found the slow way."""
    index = {(x, y): i for i, (x, y) in enumerate(zip(grid.x_min, grid.y_min))}
    s = grid.cell_size
    return {
        i: [index[x + dx * s, y + dy * s]
            for dx in (-1, 0, 1) for dy in (-1, 0, 1)
            if (dx or dy) and (x + dx * s, y + dy * s) in index]
        for (x, y), i in index.items()
    }


@pytest.fixture(scope="module")
def irregular_grid():
    # a ring with a bite out of it and a separate islet: masked-out cells inside and around
    ring = shapely.Point(5000, 5000).buffer(4000).difference(shapely.Point(5000, 5000).buffer(1500))
    area = ring.difference(shapely.box(7000, 0, 10_000, 4000)).union(shapely.box(11_000, 500, 11_600, 1100))
    return make_grid(area, cell_size=500)


def test_grid_gi_star_equals_esda_on_an_irregular_grid(irregular_grid):
    grid = irregular_grid
    rng = np.random.default_rng(3)
    counts = rng.poisson(2.0, grid.n_cells).astype(float)
    counts[:10] += 12  # a hot corner
    result = grid_hotspots(grid, counts)
    assert list(result.columns) == ["x_min", "y_min", "count", "gi_z", "p_value", "p_fdr", "gi_bin"]
    expected = esda_z(counts, grid_neighbours(grid))
    np.testing.assert_allclose(result["gi_z"], expected, rtol=0, atol=1e-6)
    assert (result["gi_bin"] > 0).any()


def test_grid_gi_star_equals_esda_with_aoristic_weights(irregular_grid):
    grid = irregular_grid
    counts = np.random.default_rng(4).gamma(0.7, 1.3, grid.n_cells)
    result = grid_hotspots(grid, counts)
    np.testing.assert_allclose(result["gi_z"], esda_z(counts, grid_neighbours(grid)), atol=1e-6)


@pytest.mark.parametrize("value", [0.0, 3.0])
def test_same_value_everywhere_gives_nan_like_esda(irregular_grid, value):
    counts = np.full(irregular_grid.n_cells, value)
    result = grid_hotspots(irregular_grid, counts)
    assert result["gi_z"].isna().all() and result["p_value"].isna().all()
    assert (result["gi_bin"] == 0).all()
    assert np.isnan(esda_z(counts, grid_neighbours(irregular_grid))).all()
    summary = hotspot_summary(result)
    assert summary.hot_units == 0
    assert np.isnan(summary.share_in_hot_units) if value == 0 else summary.share_in_hot_units == 0


def voronoi_areas(n=30, seed=5):
    rng = np.random.default_rng(seed)
    seeds = shapely.MultiPoint(rng.uniform(0, 20_000, (n, 2)) + [400_000, 250_000])
    frame = shapely.box(400_000, 250_000, 420_000, 270_000)
    cells = [c.intersection(frame) for c in shapely.voronoi_polygons(seeds).geoms]
    cells.append(shapely.box(430_000, 250_000, 431_000, 251_000))  # an island
    return gpd.GeoDataFrame({"name": [f"A{i:02d}" for i in range(len(cells))]},
                            geometry=cells, crs="EPSG:27700")


def esda_queen_z(areas, values):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(areas, use_index=False, silence_warnings=True)
        return G_Local(np.asarray(values, float), w, transform="B", star=True, permutations=0).Zs


def test_polygon_gi_star_equals_esda_with_queen_contiguity():
    areas = voronoi_areas()
    counts = np.random.default_rng(6).poisson(5, len(areas)).astype(float)
    counts[:3] = [40, 35, 30]
    result = area_hotspots(areas, counts)
    assert list(result.columns) == ["area", "count", "gi_z", "p_value", "p_fdr", "gi_bin"]
    assert result["area"].tolist() == areas["name"].tolist()
    np.testing.assert_allclose(result["gi_z"], esda_queen_z(areas, counts), atol=1e-6)
    neighbours = queen_neighbours(areas)
    assert (neighbours.diagonal() == 1).all() and set(np.unique(neighbours.data)) == {1.0}
    assert neighbours[len(areas) - 1].sum() == 1  # the island: only itself


@pytest.mark.skipif(not LAD_FILE.exists(), reason="../shared/real boundaries are not present")
def test_polygon_gi_star_equals_esda_on_real_west_mercia_districts():
    names = ["Herefordshire, County of", "Shropshire", "Telford and Wrekin", "Bromsgrove",
             "Malvern Hills", "Redditch", "Worcester", "Wychavon", "Wyre Forest",
             "North Warwickshire", "Nuneaton and Bedworth", "Rugby", "Stratford-on-Avon", "Warwick"]
    lads = gpd.read_file(LAD_FILE).to_crs("EPSG:27700")
    areas = lads[lads["lad17nm"].isin(names)].rename(columns={"lad17nm": "name"})[["name", "geometry"]]
    assert len(areas) == 14
    counts = np.arange(len(areas), dtype=float) ** 1.5
    result = area_hotspots(areas.reset_index(drop=True), counts)
    np.testing.assert_allclose(result["gi_z"], esda_queen_z(areas.reset_index(drop=True), counts), atol=1e-6)


def test_area_of_incidents_follows_the_area_order():
    areas = voronoi_areas(5)
    names = pd.Series(["A02", "(outside areas)", "A00", "(no location)", "A02"], dtype="category")
    index = area_of_incidents(names, areas)
    assert index.tolist() == [2, -1, 0, -1, 2]
    assert sum_by_unit(index, len(areas)).tolist() == [1, 0, 2, 0, 0, 0]


# --- p-values, FDR, bins ---------------------------------------------------------------


def test_benjamini_hochberg_matches_scipy_and_statsmodels():
    p = np.random.default_rng(8).uniform(0, 0.2, 500) ** 2
    p[:5] = [1e-9, 0.5, 0.5, 1.0, 0.0]
    np.testing.assert_allclose(benjamini_hochberg(p), false_discovery_control(p, method="bh"), atol=1e-12)
    np.testing.assert_allclose(benjamini_hochberg(p), multipletests(p, method="fdr_bh")[1], atol=1e-12)
    with_nan = np.r_[p[:50], np.nan]
    np.testing.assert_allclose(benjamini_hochberg(with_nan)[:50], false_discovery_control(p[:50]), atol=1e-12)
    assert np.isnan(benjamini_hochberg(with_nan)[50])


def test_gi_bins_follow_arcgis():
    z = np.array([3.0, 2.5, 1.8, 1.0, -3.0, -2.0, -1.7, np.nan])
    p = np.array([0.009, 0.049, 0.099, 0.2, 0.001, 0.01, 0.0999, np.nan])
    assert gi_bins(z, p).tolist() == [3, 2, 1, 0, -3, -2, -1, 0]


def test_fdr_switch_changes_which_p_sets_the_bins(irregular_grid):
    counts = np.random.default_rng(9).poisson(1.0, irregular_grid.n_cells).astype(float)
    counts[[0, 1, 2]] += 6
    on = grid_hotspots(irregular_grid, counts)
    off = grid_hotspots(irregular_grid, counts, fdr=False)
    np.testing.assert_allclose(on["p_value"], 2 * norm.sf(np.abs(on["gi_z"])))
    np.testing.assert_array_equal(on["gi_bin"], gi_bins(on["gi_z"], on["p_fdr"]))
    np.testing.assert_array_equal(off["gi_bin"], gi_bins(off["gi_z"], off["p_value"]))
    assert (off["gi_bin"] != 0).sum() >= (on["gi_bin"] != 0).sum()


def test_summary_counts_cells_and_share_in_hot_cells():
    result = pd.DataFrame({"count": [10.0, 5.0, 5.0, 0.0], "gi_bin": [3, 1, 0, -2]})
    summary = hotspot_summary(result)
    assert (summary.units_tested, summary.hot_units, summary.cold_units) == (4, 2, 1)
    assert summary.share_in_hot_units == pytest.approx(0.75)


# --- drawing and cautions ---------------------------------------------------------------


def test_grid_cell_polygons_are_the_cells():
    grid = make_grid(shapely.box(1050, 2050, 3950, 4020), cell_size=1000)
    result = grid_hotspots(grid, np.arange(grid.n_cells, dtype=float))
    cells = grid_cell_polygons(result[result["count"] > 4], grid.cell_size)
    assert cells.crs.to_epsg() == 27700
    assert len(cells) == 4 and (cells.area == 1e6).all()
    assert cells.geometry.iloc[0].bounds == (cells["x_min"].iloc[0], cells["y_min"].iloc[0],
                                             cells["x_min"].iloc[0] + 1000, cells["y_min"].iloc[0] + 1000)


def test_snap_point_cautions():
    month_only = pd.DataFrame({"date_precision": ["month"] * 3, "x": [1.0, 1.0, 5.0], "y": [1.0, 1.0, 5.0]})
    assert "snap point" in snapped_location_warning(month_only, 200)
    assert snapped_location_warning(month_only, 250) is None
    assert locations_per_unit(np.array([0, 0, 1]), month_only, 3).tolist() == [1, 1, 0]
