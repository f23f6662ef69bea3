"""Synthetic demonstration incidents, deterministic from a fixed seed.

Financial years 2010/11 to 2019/20, one row per recorded violence or drug offence,
placed inside real 2011 LSOAs and concentrated in real town centres. Violence peaks on
Friday and Saturday nights 21:00–01:59 with alcohol (the 2014 West Mercia paper); the
counts reproduce table 1 of FACTS.md exactly; drug offences hit 2,181 in West Mercia in
2017/18 (538 trafficking); the drugs marker sits near 6% until October 2017 and falls
sharply after the recording-system change.

Every figure here is invented: the data is labelled synthetic wherever it is shown.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from harm.demo import calibration
from harm.demo.places import TOWN_CENTRES
from harm.geo import levels as geo_levels
from harm.incidents import conform

SEED = 20141031
FIRST_FY, LAST_FY = 2010, 2019
MARKER_CHANGE = pd.Timestamp("2017-10-01")

# Seasonal shape of violence, January..December.
SEASON = np.array([0.92, 0.88, 0.97, 0.98, 1.05, 1.06, 1.10, 1.05, 1.00, 1.00, 0.95, 1.04])
# Violence level of each later year against 2014/15 (recording improvements after 2014).
LATER_TREND = {2015: 1.08, 2016: 1.16, 2017: 1.24, 2018: 1.30, 2019: 1.34}
# West Mercia drug offences per year against 2017/18 (falls since 2015 reflect policing).
DRUG_TREND = {2010: 1.22, 2011: 1.28, 2012: 1.27, 2013: 1.30, 2014: 1.34,
              2015: 1.25, 2016: 1.12, 2017: 1.00, 2018: 0.93, 2019: 0.90}

# The three situations violence happens in, with their share of violence.
KINDS = ("night_time_economy", "domestic", "other")
KIND_SHARE = np.array([0.32, 0.30, 0.38])
# P(marker) by kind: alcohol, drugs (before the recording change), domestic abuse.
MARKER_P = {
    "night_time_economy": (0.72, 0.09, 0.0),
    "domestic": (0.28, 0.07, 1.0),
    "other": (0.10, 0.05, 0.0),
    "drug_offence": (0.03, 0.0, 0.0),
}
DRUGS_MARKER_AFTER_CHANGE = 0.3  # multiplier on the drugs marker from October 2017

VIOLENCE_OFFENCES = {
    "Violence with injury": {
        "Assault with injury": 0.80,
        "Assault with intent to cause serious harm": 0.12,
        "Assault with injury on a constable": 0.05,
        "Endangering life": 0.03,
    },
    "Violence without injury": {
        "Common assault": 0.60,
        "Assault without injury on a constable": 0.08,
        "Threats to kill": 0.10,
        "Harassment": 0.17,
        "Cruelty to children": 0.05,
    },
}
WITH_INJURY_SHARE = 0.45
DRUG_OFFENCES = {
    "Possession of drugs": {"Possession of cannabis": 0.72, "Possession of other drugs": 0.28},
    "Trafficking of drugs": {
        "Supply or intent to supply (Class A)": 0.45,
        "Supply or intent to supply (other drugs)": 0.30,
        "Production or cultivation of cannabis": 0.25,
    },
}
NO_LOCATION_SHARE = 0.002  # extra records with no usable location (outside the calibration)
DAY_PRECISION_SHARE = 0.04
END_BEFORE_START_SHARE = 0.0002

Progress = Callable[[float, str], None]


def _quiet(fraction: float, message: str) -> None:
    pass


# --- when: hour-of-week profiles -------------------------------------------------------

def _night_profile(hour_weights: dict[range, float], night_factor: list[float]) -> np.ndarray:
    """168 weights; hours 00–04 belong to the previous day's night (METHODS.md §1)."""
    hours = np.zeros(24)
    for span, weight in hour_weights.items():
        hours[list(span)] = weight
    profile = np.zeros((7, 24))
    for day in range(7):
        for hour in range(24):
            night_day = (day - 1) % 7 if hour < 5 else day
            evening = hour >= 19 or hour < 5
            profile[day, hour] = hours[hour] * (night_factor[night_day] if evening else 1.0)
    return (profile / profile.sum()).ravel()


PROFILES = {
    "night_time_economy": _night_profile(
        {range(0, 2): 0.9, range(2, 3): 0.45, range(3, 5): 0.12, range(5, 11): 0.02,
         range(11, 19): 0.12, range(19, 21): 0.35, range(21, 24): 1.0},
        [0.35, 0.35, 0.45, 0.7, 3.2, 3.6, 0.9],
    ),
    "domestic": _night_profile(
        {range(0, 3): 0.35, range(3, 8): 0.08, range(8, 12): 0.25, range(12, 17): 0.4,
         range(17, 19): 0.7, range(19, 24): 0.9},
        [0.9, 0.85, 0.85, 0.9, 1.15, 1.35, 1.3],
    ),
    "other": _night_profile(
        {range(0, 6): 0.05, range(6, 8): 0.2, range(8, 12): 0.6, range(12, 15): 0.8,
         range(15, 19): 1.0, range(19, 23): 0.6, range(23, 24): 0.3},
        [1.0, 1.0, 1.0, 1.0, 1.1, 1.0, 0.8],
    ),
    "drug_offence": _night_profile(
        {range(0, 3): 0.3, range(3, 9): 0.05, range(9, 14): 0.4, range(14, 19): 0.8,
         range(19, 24): 1.0},
        [0.8, 0.8, 0.9, 1.0, 1.6, 1.7, 0.9],
    ),
}


# --- how many: monthly counts per area ----------------------------------------------------

def _fy_months(fy: int) -> pd.PeriodIndex:
    return pd.period_range(f"{fy}-04", f"{fy + 1}-03", freq="M")


def _allocate(rng, total: int, weights: np.ndarray) -> np.ndarray:
    return rng.multinomial(total, weights / weights.sum())


def violence_month_counts(rng) -> pd.DataFrame:
    """Violence per local policing area and month, matching table 1 exactly."""
    rows = []
    window = np.array([SEASON[m - 1] for m in range(4, 11)])  # April..October
    rest = np.array([SEASON[m - 1] for m in (11, 12, 1, 2, 3)])
    for area in calibration.TABLE_1:
        totals = calibration.window_totals(area)
        level_2014 = totals[2014] / window.sum()
        for fy in range(FIRST_FY, LAST_FY + 1):
            months = _fy_months(fy)
            if fy in totals:
                level = totals[fy] / window.sum()
                april_october = _allocate(rng, totals[fy], window)
            else:
                level = level_2014 * LATER_TREND[fy]
                april_october = rng.poisson(level * window)
            counts = np.concatenate([april_october, rng.poisson(level * rest)])
            rows += [(area, m, int(c)) for m, c in zip(months, counts)]
    return pd.DataFrame(rows, columns=["policing_area", "month", "count"])


def drug_month_counts(rng, population: pd.Series) -> pd.DataFrame:
    """Drug offences per area, month and group; West Mercia 2017/18 = 2,181 (538 trafficking)."""
    table = geo_levels.area_table().drop_duplicates("policing_area_name")
    west_mercia = table.loc[table["force_name"] == "West Mercia", "policing_area_name"]
    wm_pop = population[west_mercia].sum()
    rows = []
    per_head = {"Trafficking of drugs": calibration.WEST_MERCIA_TRAFFICKING_2017 / wm_pop,
                "Possession of drugs": (calibration.WEST_MERCIA_DRUG_OFFENCES_2017
                                        - calibration.WEST_MERCIA_TRAFFICKING_2017) / wm_pop}
    flat = np.ones(12)
    for group, rate in per_head.items():
        exact_2017 = _allocate(rng, round(rate * wm_pop), np.repeat(population[west_mercia].to_numpy(), 12))
        exact_2017 = dict(zip(west_mercia, exact_2017.reshape(len(west_mercia), 12)))
        for area in population.index:
            for fy in range(FIRST_FY, LAST_FY + 1):
                if fy == 2017 and area in exact_2017:
                    counts = exact_2017[area]
                else:
                    counts = rng.poisson(rate * population[area] * DRUG_TREND[fy] / 12 * flat)
                rows += [(area, m, group, int(c)) for m, c in zip(_fy_months(fy), counts)]
    return pd.DataFrame(rows, columns=["policing_area", "month", "offence_group", "count"])


# --- where: LSOAs weighted towards town centres, points inside them -----------------------

def _town_points() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    lat, lon, size = (np.array(v, dtype=float) for v in zip(*TOWN_CENTRES.values()))
    x, y = to_bng.transform(lon, lat)
    return np.asarray(x), np.asarray(y), size


def lsoa_weights(lsoas, population: pd.Series) -> dict[str, np.ndarray]:
    """Per LSOA, how strongly each kind of incident is drawn to it."""
    cx, cy = lsoas.geometry.centroid.x.to_numpy(), lsoas.geometry.centroid.y.to_numpy()
    tx, ty, size = _town_points()
    dist = np.hypot(cx[:, None] - tx[None, :], cy[:, None] - ty[None, :])

    def pull(scale_m: float) -> np.ndarray:
        near = (size[None, :] * np.exp(-dist / scale_m)).sum(axis=1)
        return near / near.mean()

    pop = population.reindex(lsoas["code"]).to_numpy(dtype=float)
    pop = pop / pop.mean()
    return {
        "night_time_economy": 0.03 * pop + pull(600) ** 1.5,
        "domestic": pop * (1 + 0.4 * pull(2500)),
        "other": pop * (1 + 1.5 * pull(1200)),
        "drug_offence": 0.3 * pop + pull(900),
    }


def points_in_polygons(rng, polygons: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A uniform random point inside ``polygons[which[i]]`` for every i (rejection sampling)."""
    shapely.prepare(polygons)
    bounds = shapely.bounds(polygons)
    x = np.full(len(which), np.nan)
    y = np.full(len(which), np.nan)
    todo = np.arange(len(which))
    while len(todo):
        b = bounds[which[todo]]
        cand_x = b[:, 0] + rng.random(len(todo)) * (b[:, 2] - b[:, 0])
        cand_y = b[:, 1] + rng.random(len(todo)) * (b[:, 3] - b[:, 1])
        inside = shapely.contains_xy(polygons[which[todo]], cand_x, cand_y)
        x[todo[inside]], y[todo[inside]] = cand_x[inside], cand_y[inside]
        todo = todo[~inside]
    return x, y


def _sampling_polygons(lsoas) -> np.ndarray:
    """LSOAs shrunk by 10 m so that a point is never on a shared edge."""
    shrunk = shapely.buffer(lsoas.geometry.values, -10)
    return np.where(shapely.is_empty(shrunk), lsoas.geometry.values, shrunk)


# --- the rows ---------------------------------------------------------------------------------

def _expand(counts: pd.DataFrame) -> pd.DataFrame:
    return counts.loc[counts.index.repeat(counts["count"])].drop(columns="count").reset_index(drop=True)


def _choose(rng, options: dict[str, float], n: int) -> np.ndarray:
    names = np.array(list(options), dtype=object)
    p = np.array(list(options.values()))
    return names[rng.choice(len(names), size=n, p=p / p.sum())]


def _start_times(rng, months: pd.PeriodIndex, kinds: np.ndarray) -> np.ndarray:
    """A start time in the given month whose hour of week follows the kind's profile."""
    n = len(months)
    bins = np.empty(n, dtype=np.int64)
    for kind, profile in PROFILES.items():
        sel = kinds == kind
        bins[sel] = rng.choice(168, size=sel.sum(), p=profile)
    day_of_week, hour = bins // 24, bins % 24
    first = months.start_time
    first_dow = first.day_of_week.to_numpy()
    days_in_month = months.days_in_month.to_numpy()
    offset = (day_of_week - first_dow) % 7
    occurrences = (days_in_month - 1 - offset) // 7 + 1
    day = offset + 7 * np.floor(rng.random(n) * occurrences).astype(np.int64)
    minutes = (day * 24 + hour) * 60 + rng.integers(0, 60, n)
    return first.to_numpy() + minutes.astype("timedelta64[m]")


WINDOW_MINUTES = {  # kind: (share, low, high) of the window length in minutes; the rest has no end
    "night_time_economy": [(0.35, 5, 60), (0.05, 60, 360)],
    "domestic": [(0.40, 10, 180), (0.15, 180, 1440), (0.05, 1440, 14400)],
    "other": [(0.40, 5, 120), (0.08, 120, 1440), (0.02, 1440, 4320)],
    "drug_offence": [(0.05, 5, 60)],
}


def _end_times(rng, start: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    end = np.full(len(start), np.datetime64("NaT"), dtype="datetime64[m]")
    u = rng.random(len(start))
    for kind, bands in WINDOW_MINUTES.items():
        sel = kinds == kind
        lower = 0.0
        for share, low, high in bands:
            pick = sel & (u >= lower) & (u < lower + share)
            length = rng.uniform(low, high, pick.sum()).astype(np.int64)
            end[pick] = start[pick].astype("datetime64[m]") + length.astype("timedelta64[m]")
            lower += share
    return end


def _markers(rng, kinds: np.ndarray, start: np.ndarray) -> dict[str, np.ndarray]:
    p = np.array([MARKER_P[k] for k in kinds])
    after_change = start >= MARKER_CHANGE.to_datetime64()
    p[after_change, 1] *= DRUGS_MARKER_AFTER_CHANGE
    draws = rng.random(p.shape) < p
    return {"alcohol": draws[:, 0], "drugs": draws[:, 1], "domestic_abuse": draws[:, 2]}


def generate(progress: Progress = _quiet, seed: int = SEED) -> pd.DataFrame:
    """The demo incident frame (canonical columns), deterministic for a given seed."""
    rng = np.random.default_rng(seed)
    progress(0.05, "Reading boundaries")
    lsoas = geo_levels.boundaries("lsoa")
    lookup = geo_levels.lsoa_lookup().set_index("lsoa_code")
    lsoa_area = lookup.reindex(lsoas["code"])["policing_area_name"].to_numpy()
    area_population = geo_levels.population("policing-area")
    area_names = geo_levels.area_table().drop_duplicates("policing_area_code")
    area_population.index = area_population.index.map(
        dict(zip(area_names["policing_area_code"], area_names["policing_area_name"])))

    progress(0.10, "Counting incidents per area and month")
    violence = _expand(violence_month_counts(rng))
    violence["kind"] = np.array(KINDS, dtype=object)[rng.choice(3, size=len(violence), p=KIND_SHARE)]
    injury = rng.random(len(violence)) < WITH_INJURY_SHARE
    violence["offence_group"] = np.where(injury, "Violence with injury", "Violence without injury")
    drugs = _expand(drug_month_counts(rng, area_population))
    drugs["kind"] = "drug_offence"
    rows = pd.concat([violence, drugs], ignore_index=True)
    n = len(rows)

    progress(0.25, f"Choosing places for {n:,} incidents")
    weights = lsoa_weights(lsoas, geo_levels.lsoa_population())
    lsoa_index = np.empty(n, dtype=np.int64)
    for (area, kind), group in rows.groupby(["policing_area", "kind"], sort=True).indices.items():
        candidates = np.flatnonzero(lsoa_area == area)
        w = weights[kind][candidates]
        lsoa_index[group] = candidates[rng.choice(len(candidates), size=len(group), p=w / w.sum())]
    progress(0.40, "Placing points inside LSOAs")
    x, y = points_in_polygons(rng, _sampling_polygons(lsoas), lsoa_index)

    progress(0.70, "Drawing times, offences and markers")
    kinds = rows["kind"].to_numpy()
    months = pd.PeriodIndex(rows["month"], freq="M")
    start = _start_times(rng, months, kinds)
    end = _end_times(rng, start, kinds)
    offence = np.empty(n, dtype=object)
    for group, options in {**VIOLENCE_OFFENCES, **DRUG_OFFENCES}.items():
        sel = (rows["offence_group"] == group).to_numpy()
        offence[sel] = _choose(rng, options, sel.sum())
    markers = _markers(rng, kinds, start)

    precision = np.where(rng.random(n) < DAY_PRECISION_SHARE, "day", "minute").astype(object)
    day_only = precision == "day"
    start_day = start.astype("datetime64[D]").astype("datetime64[m]")
    start = np.where(day_only, start_day, start.astype("datetime64[m]"))
    end = np.where(day_only, start_day + np.timedelta64(1439, "m"), end)
    bad = (rng.random(n) < END_BEFORE_START_SHARE) & ~day_only
    end[bad] = start[bad] - np.timedelta64(60, "m")

    frame = pd.DataFrame({
        "occurred_from": start, "occurred_to": end, "date_precision": precision,
        "offence_group": rows["offence_group"].to_numpy(), "offence": offence,
        **markers, "x": np.round(x, 1), "y": np.round(y, 1),
        "lsoa_code": lsoas["code"].to_numpy()[lsoa_index],
    })
    frame = pd.concat([frame, _without_location(rng, frame)], ignore_index=True)
    frame = frame.sort_values(["occurred_from", "x"], kind="stable").reset_index(drop=True)
    frame.insert(0, "crime_id", [f"DEMO-{i:07d}" for i in range(1, len(frame) + 1)])
    progress(0.95, "Checking")
    return conform(frame)


def _without_location(rng, frame: pd.DataFrame) -> pd.DataFrame:
    """A few extra records whose location is unknown, as in any real extract."""
    violence = frame[frame["offence_group"].isin(VIOLENCE_OFFENCES)]
    extra = violence.sample(frac=NO_LOCATION_SHARE, random_state=np.random.RandomState(rng.integers(2**31)))
    return extra.assign(x=np.nan, y=np.nan, lsoa_code=None)
