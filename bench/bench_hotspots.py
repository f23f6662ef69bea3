"""How long a hot-spot map takes to follow a change of the days/hours controls.

    python bench/bench_hotspots.py [--incidents 1000000] [--repeats 7]

Builds 1,000,000 synthetic incidents (seeded) over a ~100 km x 100 km study area, does the
once-per-data-set work (hour-of-week matrix; each incident's cell for a cell size), then
times a "control change": new days/hours -> per-incident weights -> grid counts -> Gi* ->
concentration, at 250 m and 500 m cells. Target: under 1 s per change.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harm.aoristic import hour_of_week_weights, selected_weight, window_quality  # noqa: E402
from harm.concentration import concentration  # noqa: E402
from harm.hotspots import (  # noqa: E402
    cell_of_incidents, grid_hotspots, hotspot_summary, make_grid, sum_by_unit,
)
from harm.incidents import conform  # noqa: E402
from harm.timeofday import NIGHT_TIME_ECONOMY, selected_bins  # noqa: E402

ORIGIN = np.array([350_000.0, 200_000.0])  # BNG metres, roughly the West Midlands
SELECTIONS = [
    NIGHT_TIME_ECONOMY,
    (("Mon", "Tue", "Wed", "Thu", "Fri"), "09-17"),
    (("Sat",), "00-24"),
    (("Sun",), "21-02"),
    (None, "18-06"),
]


def study_area() -> shapely.Geometry:
    """An irregular ~100 km x 100 km area: a wobbly rounded square with a bite out of it."""
    angles = np.linspace(0, 2 * np.pi, 1440, endpoint=False)
    squircle = (np.abs(np.cos(angles)) ** 4 + np.abs(np.sin(angles)) ** 4) ** -0.25
    radius = 50_000 * squircle * (1 + 0.03 * np.sin(7 * angles) + 0.02 * np.cos(13 * angles)) / 1.05
    ring = np.c_[np.cos(angles) * radius, np.sin(angles) * radius] + ORIGIN + 50_000
    bite = shapely.Point(*(ORIGIN + [95_000, 50_000])).buffer(15_000)
    return shapely.Polygon(ring).difference(bite)


def synthetic_incidents(n: int, seed: int = 20141031) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    xy = _clustered_points(rng, n)
    start = _start_times(rng, n)
    end = start + _window_lengths(rng, n)
    precision = rng.choice(np.array(["minute", "day"]), n, p=[0.97, 0.03])
    return conform(pd.DataFrame({
        "crime_id": pd.RangeIndex(n).astype(str),
        "occurred_from": start,
        "occurred_to": end,
        "date_precision": precision,
        "offence_group": "Violence with injury",
        "offence": "Assault",
        "alcohol": False, "drugs": False, "domestic_abuse": False,
        "x": xy[:, 0], "y": xy[:, 1],
    }))


def _clustered_points(rng, n):
    """60% around 25 town centres, 40% spread evenly; some without a location."""
    centres = rng.uniform(10_000, 90_000, (25, 2))
    in_town = rng.random(n) < 0.6
    xy = rng.uniform(0, 100_000, (n, 2))
    town = rng.integers(0, 25, in_town.sum())
    spread = rng.uniform(300, 2_500, 25)[town, None]
    xy[in_town] = centres[town] + rng.normal(0, spread, (in_town.sum(), 2))
    xy[rng.random(n) < 0.02] = np.nan
    return xy + ORIGIN


def _start_times(rng, n):
    """A year of starts with a night-time peak (hour drawn from an evening-heavy profile)."""
    hour_profile = np.array([6, 5, 3, 2, 1, 1, 1, 2, 3, 3, 4, 4,
                             5, 5, 5, 5, 6, 6, 7, 8, 9, 10, 11, 9], float)
    day = rng.integers(0, 365, n)
    hour = rng.choice(24, n, p=hour_profile / hour_profile.sum())
    minute = rng.integers(0, 60, n)
    minutes = (day * 24 + hour) * 60 + minute
    return pd.Timestamp("2023-04-01") + pd.to_timedelta(minutes, unit="min")


def _window_lengths(rng, n):
    """40% no end; most windows under 6 h; some over a day; a few over a week."""
    kind = rng.choice(4, n, p=[0.40, 0.45, 0.12, 0.03])
    minutes = np.select(
        [kind == 1, kind == 2, kind == 3],
        [rng.integers(0, 360, n), rng.integers(360, 2_880, n), rng.integers(2_880, 14_400, n)],
        default=0,
    )
    lengths = pd.Series(pd.to_timedelta(minutes, unit="min"))
    return lengths.where(kind != 0)  # NaT -> no end


def timed(fn, repeats):
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def control_change(weights, grid, cells, days, hours):
    incident_weight = selected_weight(weights, selected_bins(days, hours))
    counts = sum_by_unit(cells, grid.n_cells, incident_weight)
    result = grid_hotspots(grid, counts)
    return result, hotspot_summary(result), concentration(result["count"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    incidents = synthetic_incidents(args.incidents)
    area = study_area()
    print(f"{len(incidents):,} synthetic incidents, study area {area.area / 1e6:,.0f} km² "
          f"(generated in {time.perf_counter() - t0:.1f} s)")
    quality = window_quality(incidents)
    print(f"  no time of day {quality.n_without_time_of_day:,}; no end {quality.n_without_end:,}; "
          f"windows > 24 h {quality.share_longer_than_24h:.1%}")

    print("\nonce per data set (cache these):")
    weights = {}
    for method in ("aoristic", "start"):
        seconds, weights[method] = timed(lambda m=method: hour_of_week_weights(incidents, m), 1)
        print(f"  hour_of_week_weights({method!r}): {seconds:6.2f} s"
              f"  ({weights[method].nnz:,} non-zeros)")
    grids, cells = {}, {}
    for size in (250, 500):
        seconds, grids[size] = timed(lambda s=size: make_grid(area, s), 1)
        print(f"  make_grid({size} m): {seconds:6.2f} s  ({grids[size].n_cells:,} cells)")
        seconds, cells[size] = timed(lambda s=size: cell_of_incidents(grids[s], incidents), 1)
        print(f"  cell_of_incidents({size} m): {seconds:6.2f} s"
              f"  ({(cells[size] >= 0).sum():,} inside)")

    print(f"\ncontrol change (median of {args.repeats}; target < 1 s):")
    worst = 0.0
    for method in ("aoristic", "start"):
        for size in (250, 500):
            for days, hours in SELECTIONS:
                seconds, (result, summary, conc) = timed(
                    lambda: control_change(weights[method], grids[size], cells[size], days, hours),
                    args.repeats)
                worst = max(worst, seconds)
                day_text = ",".join(days) if days else "all days"
                print(f"  {method:8s} {size:3d} m  {day_text:19s} {hours}:"
                      f"  {seconds * 1000:6.1f} ms"
                      f"  | weight {result['count'].sum():9,.0f}, hot cells {summary.hot_units:5,}"
                      f" ({summary.share_in_hot_units:5.1%} of weight),"
                      f" top 5% of cells {conc['share_of_incidents'].iloc[0]:5.1%}")
    print(f"\nslowest control change: {worst * 1000:.0f} ms "
          f"({'within' if worst < 1 else 'OVER'} the 1 s target)")
    page_path(incidents, area, weights, args.repeats)
    return 0


def page_path(incidents, area, weights, repeats) -> None:
    """What the Hotspots page runs on a control change (harm.problem_profile.build_profile:
    weights, counts, Gi*, concentration, the 7 x 24 matrix, data quality) and the size of the
    map HTML it sends to the browser (harm.ui.hotspot_map), capped whatever the incidents."""
    from harm import problem_profile as pp
    from harm.ui.hotspot_map import hotspot_map
    import geopandas as gpd

    index = pp.index_incidents(incidents)
    mask = np.ones(len(incidents), dtype=bool)
    boundary = gpd.GeoDataFrame({"name": ["Study area"]}, geometry=[area], crs=27700)
    print(f"\npage path: build_profile (median of {repeats}) and map HTML (target < 3 MB):")
    worst, largest = 0.0, 0
    for size in (250, 500):
        units = pp.grid_units(area, incidents, size)
        for method in ("aoristic", "start"):
            for days, hours in SELECTIONS[:2]:
                selection = pp.Selection.of(days, hours, method)
                seconds, profile = timed(lambda: pp.build_profile(
                    incidents, index, weights[method], units, mask, selection), repeats)
                worst = max(worst, seconds)
                print(f"  {method:8s} {size:3d} m  {','.join(days) if days else 'all days':19s} {hours}:"
                      f"  {seconds * 1000:6.1f} ms")
        for heat in (False, True):
            m, info = hotspot_map(profile, incidents, boundary, heat=heat)
            html = m.get_root().render().encode("utf-8")
            largest = max(largest, len(html))
            print(f"  map {size} m, heat {'on ' if heat else 'off'}: {len(html) / 1e6:5.2f} MB "
                  f"({info.units_drawn:,} of {info.units_with_data:,} cells drawn, "
                  f"{info.heat_points:,} of {info.heat_total:,} heat points)")
    print(f"slowest build_profile: {worst * 1000:.0f} ms; largest map: {largest / 1e6:.2f} MB "
          f"({'within' if largest < 3e6 else 'OVER'} the 3 MB target)")


if __name__ == "__main__":
    raise SystemExit(main())
