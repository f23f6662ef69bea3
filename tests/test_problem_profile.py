"""The Hotspots page's numbers (harm.problem_profile), its map (harm.ui.hotspot_map) and its
Altair charts (harm.hotspot_charts), on small hand-made incidents and on the demo data."""

import numpy as np
import pandas as pd
import pytest
import shapely

from harm import problem_profile as pp
from harm.aoristic import hour_of_week_weights
from harm.charts import to_png
from harm.errors import HarmInputError
from harm.hotspot_charts import (hotspot_geoshape_chart, hotspot_matrix_chart, hotspots_by_hour_chart,
                                 monthly_trend_chart, top_offences_chart)
from harm.incidents import conform

# a 2 km x 2 km study area split into 4 cells of 1 km
AREA = shapely.box(400_000, 300_000, 402_000, 302_000)
IN_CELL = {"sw": (400_500, 300_500), "se": (401_500, 300_500), "nw": (400_500, 301_500), "ne": (401_500, 301_500)}


def incidents(rows):
    """rows: (start, end or None, cell or None, offence, precision)."""
    frame = pd.DataFrame([{
        "crime_id": str(i), "occurred_from": start, "occurred_to": end,
        "date_precision": precision, "offence_group": "Violence", "offence": offence,
        "alcohol": False, "drugs": False, "domestic_abuse": False,
        "x": IN_CELL[cell][0] if cell else np.nan, "y": IN_CELL[cell][1] if cell else np.nan,
    } for i, (start, end, cell, offence, precision) in enumerate(rows)])
    return conform(frame)


@pytest.fixture(scope="module")
def small():
    inc = incidents([
        ("2014-10-17 22:30", None, "ne", "Assault", "minute"),    # Fri 22:30
        ("2014-10-18 01:30", None, "ne", "Assault", "minute"),    # Sat 01:30 = Friday night
        ("2014-10-19 01:30", None, "ne", "Robbery", "minute"),    # Sun 01:30 = Saturday night
        ("2014-10-20 01:30", None, "sw", "Assault", "minute"),    # Mon 01:30 = Sunday night
        ("2014-10-18 20:30", "2014-10-18 21:30", "se", "Affray", "minute"),  # Sat: 0.5 in 21-02
        ("2014-11-04 12:00", None, "nw", "Assault", "minute"),    # Tue noon
        ("2014-11-01 00:00", None, "sw", "Assault", "day"),       # no time of day
        ("2014-11-05 12:00", None, None, "Assault", "minute"),    # no location
    ])
    index = pp.index_incidents(inc)
    units = pp.grid_units(AREA, inc, 1000)
    return inc, index, units


def profile_of(small, method="aoristic", **selection):
    inc, index, units = small
    weights = hour_of_week_weights(inc, method)
    sel = pp.Selection.of(time_method=method, **selection)
    return pp.build_profile(inc, index, weights, units, np.ones(len(inc), bool), sel), weights


def counts_by_cell(profile):
    table = profile.results
    return {f"{x:.0f},{y:.0f}": c for x, y, c in zip(table["x_min"], table["y_min"], table["count"])}


def test_night_time_economy_uses_the_night_of_the_day_before(small):
    profile, _ = profile_of(small, days="Fri,Sat", hours="21-02")
    got = counts_by_cell(profile)
    # ne: Fri 22:30 and Sat 01:30 (Friday night) and Sun 01:30 (Saturday night); se: half of 20:30-21:30
    assert got["401000,301000"] == pytest.approx(3)
    assert got["401000,300000"] == pytest.approx(0.5)
    assert got["400000,300000"] == 0  # Monday 01:30 belongs to Sunday night
    assert profile.quality.shown == pytest.approx(3.5)
    assert profile.quality.without_time_of_day == 1
    assert profile.quality.without_location == 1
    assert "Fri, Sat, 21:00-01:59" in profile.method_note


def test_start_time_counts_whole_incidents(small):
    profile, _ = profile_of(small, method="start", days="Fri,Sat", hours="21-02")
    assert counts_by_cell(profile)["401000,300000"] == 0  # started 20:30, outside the window
    assert profile.quality.shown == 3


def test_without_time_filter_every_located_incident_counts_one(small):
    profile, _ = profile_of(small)
    assert profile.quality.shown == 7  # all but the one without a location, undated included
    assert profile.matrix.shape == (168, 5)
    assert list(profile.matrix["day"].astype(str)[::24]) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_matrix_cells_and_one_hour_narrow_the_map(small):
    sat_01 = pp.bin_of("Sat", 1)
    profile, _ = profile_of(small, method="start", matrix_bins=[sat_01])
    assert profile.quality.shown == 1 and counts_by_cell(profile)["401000,301000"] == 1
    assert "only the matrix cells Sat 01:00" in profile.selection.describe_time()
    assert profile.matrix["selected"].all()  # picking a cell does not grey out the matrix
    profile, _ = profile_of(small, method="start", days="Fri,Sat", hours="21-02", clock_hour=1)
    assert profile.quality.shown == 2  # Sat 01:30 and Sun 01:30
    with pytest.raises(HarmInputError, match="not in the window"):
        pp.Selection.of(hours="21-02", clock_hour=12)


def test_profiles_by_hour_add_up_to_the_window(small):
    inc, index, units = small
    weights = hour_of_week_weights(inc, "aoristic")
    sel = pp.Selection.of("Fri,Sat", "21-02")
    whole = pp.build_profile(inc, index, weights, units, np.ones(len(inc), bool), sel)
    per_hour = pp.profiles_by_hour(inc, index, weights, units, np.ones(len(inc), bool), sel)
    assert [h for h, _ in per_hour] == [21, 22, 23, 0, 1]
    assert sum(p.quality.shown for _, p in per_hour) == pytest.approx(whole.quality.shown)
    table = pp.hours_table(per_hour, significant_only=False)
    assert list(table.columns) == ["hour", "unit", "name", "count", "gi_z", "gi_bin"] and len(table) == 20
    with pytest.raises(HarmInputError, match="12 hours or fewer"):
        pp.profiles_by_hour(inc, index, weights, units, np.ones(len(inc), bool), pp.Selection.of())


def test_drilldown_of_a_cell(small):
    profile, weights = profile_of(small, days="Fri,Sat", hours="21-02")
    inc, index, _ = small
    detail = pp.drilldown(profile, "401000_301000", index, weights, np.ones(len(inc), bool))
    assert detail.count == pytest.approx(3)
    assert detail.monthly["count"].sum() == pytest.approx(3)
    assert list(detail.monthly["month"].dt.strftime("%Y-%m")) == ["2014-10", "2014-11"]
    assert detail.offences.set_index("offence")["count"].to_dict() == {"Assault": 2, "Robbery": 1}
    assert detail.day_hour.loc[detail.day_hour["bin"] == pp.bin_of("Sat", 1), "weight"].item() == 1
    with pytest.raises(HarmInputError, match="Click an area or cell"):
        pp.drilldown(profile, "nowhere", index, weights, np.ones(len(inc), bool))


def test_top_hotspots_table_columns(small):
    profile, _ = profile_of(small, statistic="count")
    top = pp.top_hotspots(profile)
    assert list(top.columns) == ["cell", "count", "gi_z", "gi_class", "share"]
    assert top["count"].is_monotonic_decreasing and top["share"].sum() == pytest.approx(1)


def test_month_only_data_refuses_hours_and_warns_about_snap_points():
    inc = incidents([("2019-01-01", None, "ne", "Assault", "month"), ("2019-01-01", None, "ne", "Assault", "month"),
                     ("2019-01-01", None, "sw", "Assault", "month")])
    index = pp.index_incidents(inc)
    assert index.month_precision_only
    units = pp.grid_units(AREA, inc, 200)
    weights = hour_of_week_weights(inc, "start")
    mask = np.ones(len(inc), bool)
    with pytest.raises(HarmInputError, match="month of each incident only"):
        pp.build_profile(inc, index, weights, units, mask, pp.Selection.of(hours="21-02"))
    profile = pp.build_profile(inc, index, weights, units, mask, pp.Selection.of())
    assert profile.quality.shown == 3
    assert any("250" in w or "snap" in w for w in profile.warnings)
    assert "locations" in profile.results


def test_heat_points_are_capped_with_a_fixed_sample(small):
    inc, _, _ = small
    profile, _ = profile_of(small)
    points, total = pp.heat_points(inc, profile, cap=3)
    assert total == 7 and len(points) == 3
    again, _ = pp.heat_points(inc, profile, cap=3)
    pd.testing.assert_frame_equal(points, again)


# --- charts -------------------------------------------------------------------------------


def test_matrix_chart_is_7_by_24_and_selectable(small):
    profile, _ = profile_of(small, days="Fri,Sat", hours="21-02")
    spec = hotspot_matrix_chart(profile.matrix, selectable=True).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 168
    assert spec["params"][0]["name"] == "cells" and spec["params"][0]["select"]["fields"] == ["day", "hour"]
    assert sum(v["selected"] for v in values) == 10  # Fri and Sat nights, 5 hours each
    assert to_png(hotspot_matrix_chart(profile.matrix))[:4] == b"\x89PNG"


def test_drilldown_charts_render(small):
    profile, weights = profile_of(small)
    inc, index, _ = small
    detail = pp.drilldown(profile, "401000_301000", index, weights, np.ones(len(inc), bool))
    assert to_png(monthly_trend_chart(detail.monthly))[:4] == b"\x89PNG"
    assert to_png(top_offences_chart(detail.offences))[:4] == b"\x89PNG"


def test_geoshape_map_draws_units_and_boundaries_as_png(small):
    import geopandas as gpd

    profile, _ = profile_of(small, statistic="count")
    boundaries = gpd.GeoDataFrame({"name": ["Town <centre>"]}, geometry=[AREA], crs=27700)
    chart = hotspot_geoshape_chart(profile, boundaries)
    spec = chart.to_dict()
    units = spec["layer"][1]
    assert units["mark"]["type"] == "geoshape" and units["projection"]["type"] == "identity"
    assert len(spec["datasets"][units["data"]["name"]]) == 4  # the 4 cells with incidents
    assert to_png(chart)[:4] == b"\x89PNG"
    gi = hotspot_geoshape_chart(profile, boundaries, value="gi_bin").to_dict()
    assert gi["layer"][1]["encoding"]["color"]["scale"]["domain"][0] == "Hot spot, 99% confidence"
    per_hour = pp.profiles_by_hour(small[0], small[1], hour_of_week_weights(small[0]), small[2],
                                   np.ones(len(small[0]), bool), pp.Selection.of("Fri,Sat", "21-02"))
    assert to_png(hotspots_by_hour_chart(per_hour, boundaries))[:4] == b"\x89PNG"


# --- the folium map on the demo data --------------------------------------------------------


@pytest.fixture(scope="module")
def demo_profile(demo_incidents):
    from harm.areas import load_area_set

    index = pp.index_incidents(demo_incidents)
    weights = hour_of_week_weights(demo_incidents, "start")
    units = pp.grid_units(pp.study_area(load_area_set("force").areas), demo_incidents, 250)
    mask = np.ones(len(demo_incidents), bool)
    return pp.build_profile(demo_incidents, index, weights, units, mask,
                            pp.Selection.of("Fri,Sat", "21-02", "start", statistic="count"))


def test_map_html_stays_under_3_mb_with_a_fine_grid_and_the_heat_layer(demo_incidents, demo_profile):
    from harm.areas import load_area_set
    from harm.ui.hotspot_map import hotspot_map

    csp = load_area_set("csp").areas
    m, info = hotspot_map(demo_profile, demo_incidents, csp, heat=True)
    page = m.get_root().render()
    assert len(page.encode("utf-8")) < 3_000_000
    assert info.units_drawn == pp.MAP_CELL_CAP < info.units_with_data  # capped, and said so
    assert f"Showing {pp.MAP_CELL_CAP:,} of {info.units_with_data:,} cells" in page
    assert info.heat_points == pp.HEAT_POINT_CAP < info.heat_total
    assert "Heat layer: a random sample of 15,000" in page
    assert all(name in page for name in csp["name"])  # every CSP labelled
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


def test_tooltips_and_labels_escape_text(small):
    import geopandas as gpd

    from harm.ui.hotspot_map import hotspot_map

    inc, _, _ = small
    profile, _ = profile_of(small)
    boundaries = gpd.GeoDataFrame({"name": ["<script>alert(1)</script>"]}, geometry=[AREA], crs=27700)
    page = hotspot_map(profile, inc, boundaries)[0].get_root().render()
    assert "<script>alert(1)</script>" not in page
    assert "\\u0026lt;script\\u0026gt;alert(1)" in page  # html.escape, then JSON in the script


def test_gi_on_a_handful_of_areas_says_why_nothing_is_significant(demo_incidents):
    from harm.areas import load_area_set

    csp = load_area_set("csp")
    index = pp.index_incidents(demo_incidents)
    weights = hour_of_week_weights(demo_incidents, "start")
    units = pp.units_for_level(demo_incidents, csp, "area")
    profile = pp.build_profile(demo_incidents, index, weights, units, np.ones(len(demo_incidents), bool),
                               pp.Selection.of(time_method="start"))
    assert not (profile.results["gi_bin"] != 0).any()
    assert any("with only 9 areas Gi* has little power" in w for w in profile.warnings)
