"""Synthetic demonstration data for drug treatment, drug prevalence and drug testing on arrest.

Deterministic (fixed seed), generated in well under a second, per Community Safety
Partnership and summed to the public-health local authorities; financial years 2010/11
to 2019/20. Every figure is invented, calibrated to FACTS.md (West Mercia ``003``,
Warwickshire ``004``) — see ``data/DATA_DICTIONARY.md`` for the assumptions:

- West Mercia 2016/17: exactly 5,000 adults in treatment, 3,000 of them opiate clients,
  180 opiate successful completions (6.0% of opiate clients in treatment in the year);
  6,000 opiate and/or crack users (OCU) estimated, so about half are in treatment.
- Warwickshire at West Mercia's rate per head of population and need, with opiate
  clients at 0.85 of it (about 1,150 in treatment, near its 2005/06 figure of 1,020-1,150).
- Criminal justice referrals about one fifth of new presentations.
- Drug testing on arrest: West Mercia April-September 2017 exactly 802 tests, 505 (63%)
  positive for a Class A drug; April-September 2014 exactly 600 tests and 310 positive
  (the 2014 IOM figure: about half positive and referred).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from harm.treatment import areas as treatment_areas
from harm.treatment.schema import (ENGLAND, ENGLAND_NAME, OCU, QUARTERLY_COLUMNS, QUARTERLY_COUNTS,
                                   SUBSTANCES, year_label)

SEED = 20170401
FIRST_YEAR, LAST_YEAR = 2010, 2019
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
CALIBRATION_YEAR = 2016  # 2016/17, the year FACTS.md gives
DEMO_TREATMENT_LABEL = "Synthetic demonstration treatment data — not real NDTMS or OHID figures"
DEMO_TESTING_LABEL = "Synthetic demonstration drug-testing data — not real custody records"

ENGLAND_ENGLAND_CODE = "E92000001"
WEST_MERCIA = "West Mercia"

# West Mercia, 2016/17 (FACTS.md, 003): ~5,000 in treatment, ~3,000 opiate; 6% opiate completions.
WM_IN_TREATMENT = {"opiate": 3000, "non-opiate": 520, "alcohol": 1080, "non-opiate and alcohol": 400}
WM_OPIATE_COMPLETIONS = 180
WM_OCU_PREVALENCE = 6000
WARWICKSHIRE_FACTOR = {"opiate": 0.85, "non-opiate": 1.0, "alcohol": 1.0, "non-opiate and alcohol": 1.0}

# Relative need per head and relative completion performance of each CSP (invented).
NEED = {"Herefordshire": 0.85, "Shropshire": 0.80, "Telford and Wrekin": 1.40, "North Worcestershire": 1.10,
        "South Worcestershire": 1.00, "North Warwickshire": 0.90, "Nuneaton and Bedworth": 1.35, "Rugby": 1.00,
        "South Warwickshire": 0.75}
PERFORMANCE = {"Herefordshire": 0.80, "Shropshire": 0.85, "Telford and Wrekin": 0.75, "North Worcestershire": 1.00,
               "South Worcestershire": 1.05, "North Warwickshire": 1.00, "Nuneaton and Bedworth": 0.85,
               "Rugby": 1.15, "South Warwickshire": 1.30}
# Worcestershire's completions beat the national average from 2018/19 (FACTS.md, 001).
IMPROVED = {"North Worcestershire": (2018, 1.35), "South Worcestershire": (2018, 1.30)}
SLOW_ACCESS = {"Telford and Wrekin": 2.5, "Rugby": 2.0}  # waits over 3 weeks, times the usual share
MET_NEED = {"Herefordshire": 0.52, "Shropshire": 0.47, "Telford and Wrekin": 0.55, "North Worcestershire": 0.50,
            "South Worcestershire": 0.48, "North Warwickshire": 0.46, "Nuneaton and Bedworth": 0.53,
            "Rugby": 0.50, "South Warwickshire": 0.49}

# In treatment, against 2016/17, by year 2010/11..2019/20 (shaped like the England NDTMS series).
TREND = {
    "opiate": (1.12, 1.10, 1.07, 1.05, 1.03, 1.01, 1.00, 0.98, 0.97, 0.97),
    "non-opiate": (0.95, 0.94, 0.97, 1.02, 1.01, 1.03, 1.00, 0.98, 1.00, 1.04),
    "alcohol": (1.12, 1.10, 1.11, 1.16, 1.13, 1.06, 1.00, 0.95, 0.96, 0.97),
    "non-opiate and alcohol": (1.00, 0.98, 0.98, 1.02, 1.00, 1.00, 1.00, 0.98, 1.01, 1.07),
}
# England: in treatment in 2016/17 (rounded from the NDTMS England totals) and completion
# rates by year (percent, shaped like the published series).
ENGLAND_IN_TREATMENT = {"opiate": 146_500, "non-opiate": 24_600, "alcohol": 80_500, "non-opiate and alcohol": 28_200}
ENGLAND_OCU_PREVALENCE = 313_000
ENGLAND_COMPLETION_PCT = {
    "opiate": (8.5, 8.3, 7.8, 7.8, 7.3, 6.8, 6.7, 6.5, 5.9, 5.6),
    "non-opiate": (40.0, 41.0, 40.0, 39.0, 39.0, 37.5, 37.1, 36.5, 34.9, 33.9),
    "alcohol": (37.0, 38.0, 39.0, 39.0, 39.0, 38.7, 38.9, 38.6, 37.8, 36.6),
    "non-opiate and alcohol": (35.0, 36.0, 37.0, 37.0, 37.0, 35.7, 36.0, 35.0, 33.7, 32.3),
}
NEW_SHARE = {"opiate": 0.27, "non-opiate": 0.62, "alcohol": 0.66, "non-opiate and alcohol": 0.60}
REPRESENT_SHARE = {"opiate": 0.20, "non-opiate": 0.08, "alcohol": 0.08, "non-opiate and alcohol": 0.10}
RETAINED_SHARE = {"opiate": 0.82, "non-opiate": 0.70, "alcohol": 0.72, "non-opiate and alcohol": 0.68}
CJS_SHARE = {"opiate": 0.32, "non-opiate": 0.24, "alcohol": 0.07, "non-opiate and alcohol": 0.16}
WAIT_SHARE_BY_YEAR = np.linspace(0.045, 0.015, len(YEARS))
QUARTER_SEASON = np.array([0.26, 0.25, 0.24, 0.25])

# Drug testing on arrest, West Mercia tests per month (piecewise linear) and Class A positivity.
TESTS_PER_MONTH = (("2010-04", 92.0), ("2014-04", 100.0), ("2017-04", 134.0), ("2020-03", 140.0))
POSITIVITY = (("2010-04", 0.50), ("2014-07", 0.517), ("2017-07", 0.63), ("2020-03", 0.64))
# West Mercia windows reproduced exactly: (first month, last month, tests, positive).
TESTING_WINDOWS = (("2014-04", "2014-09", 600, 310), ("2017-04", "2017-09", 802, 505))
POSITIVE_SPLIT = {"opiates_only": (0.30, 0.20), "cocaine_only": (0.38, 0.50), "both": (0.32, 0.30)}
REQUIRED_SHARE, ATTENDED_SHARE, ENTERED_SHARE = 0.97, 0.86, 0.42
TESTING_COUNTS = ["tests", "positive_opiates_only", "positive_cocaine_only", "positive_both",
                  "assessments_required", "assessments_attended", "entered_treatment"]


def _rngs() -> dict[str, np.random.Generator]:
    names = ["treatment", "england", "prevalence", "testing"]
    return {n: np.random.default_rng(s) for n, s in zip(names, np.random.SeedSequence(SEED).spawn(len(names)))}


def _csps() -> pd.DataFrame:
    frame = treatment_areas.areas("csp")
    frame["weight"] = frame["population"] * frame["name"].map(NEED)
    return frame


def _expected_in_treatment(csps: pd.DataFrame) -> dict[str, np.ndarray]:
    """2016/17 expected numbers in treatment per CSP, per substance (West Mercia per-head rate)."""
    wm = (csps["force"] == WEST_MERCIA).to_numpy()
    out = {}
    for substance, total in WM_IN_TREATMENT.items():
        per_weight = total / csps.loc[wm, "weight"].sum()
        factor = np.where(wm, 1.0, WARWICKSHIRE_FACTOR[substance])
        out[substance] = csps["weight"].to_numpy() * per_weight * factor
    return out


def _exact_split(rng, total: int, weights: np.ndarray) -> np.ndarray:
    return rng.multinomial(total, weights / weights.sum())


# --- one area's series: annual flows split into quarters ------------------------------------

def _area_series(rng, targets: np.ndarray, substance: str, completion_pct: np.ndarray,
                 wait_factor: float, exact: dict[int, tuple[int | None, int | None]]) -> list[dict]:
    """Quarterly rows for one area and substance; ``exact`` pins (in treatment, completions) by year index."""
    f = NEW_SHARE[substance]
    carried = int(rng.binomial(int(round(targets[0])), 1 - f))
    rows = []
    for i, year in enumerate(YEARS):
        pinned_n, pinned_sc = exact.get(i, (None, None))
        if pinned_n is not None:
            new = max(pinned_n - carried, 0)
        else:
            new = int(rng.poisson(f * targets[i]))
        n = carried + new
        sc = pinned_sc if pinned_sc is not None else int(rng.binomial(n, min(completion_pct[i] / 100, 0.95)))
        q = REPRESENT_SHARE[substance]
        re_p = int(rng.binomial(sc, q / (1 - q)))
        if i + 1 < len(YEARS):
            wanted_next = int(round((1 - f) * targets[i + 1] + rng.normal(0, np.sqrt(targets[i + 1]))))
            exits = n - wanted_next
        else:
            exits = int(rng.binomial(n, f))
        exits = int(np.clip(exits, sc + re_p, n))
        retained = int(rng.binomial(exits, RETAINED_SHARE[substance]))
        waiting = int(rng.binomial(new, min(WAIT_SHARE_BY_YEAR[i] * wait_factor, 0.5)))
        cjs = int(rng.binomial(new, CJS_SHARE[substance]))
        rows += _quarters(rng, year, carried, new, exits, sc, re_p, retained, waiting, cjs)
        carried = n - exits
    return rows


def _quarters(rng, year, carried, new, exits, sc, re_p, retained, waiting, cjs) -> list[dict]:
    even = np.full(4, 0.25)
    new_q = rng.multinomial(new, QUARTER_SEASON)
    sc_q, re_q = rng.multinomial(sc, even), rng.multinomial(re_p, even)
    exits_q = sc_q + re_q + rng.multinomial(exits - sc - re_p, even)
    retained_q = rng.multivariate_hypergeometric(exits_q, retained)
    waiting_q = rng.multivariate_hypergeometric(new_q, waiting)
    cjs_q = rng.multivariate_hypergeometric(new_q, cjs)
    rows = []
    for k in range(4):
        rows.append({"year": year_label(year), "quarter": k + 1, "carried_over": carried,
                     "new_presentations": int(new_q[k]), "in_treatment": carried + int(new_q[k]),
                     "exits": int(exits_q[k]), "completions": int(sc_q[k]), "re_presentations": int(re_q[k]),
                     "retained_12_weeks": int(retained_q[k]), "waiting_over_3_weeks": int(waiting_q[k]),
                     "referrals_cjs": int(cjs_q[k])})
        carried = carried + int(new_q[k]) - int(exits_q[k])
    return rows


def _completion_pct(substance: str, name: str, rng) -> np.ndarray:
    england = np.array(ENGLAND_COMPLETION_PCT[substance])
    factor = np.full(len(YEARS), PERFORMANCE[name])
    if name in IMPROVED:
        first, better = IMPROVED[name]
        factor[np.array(YEARS) >= first] = better
    return england * factor * rng.normal(1.0, 0.05, len(YEARS))


# --- the data sets ----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _treatment_csp() -> pd.DataFrame:
    rng = _rngs()["treatment"]
    csps = _csps()
    expected = _expected_in_treatment(csps)
    wm = (csps["force"] == WEST_MERCIA).to_numpy()
    cal = YEARS.index(CALIBRATION_YEAR)
    rows = []
    for substance in SUBSTANCES:
        exact_n = np.zeros(len(csps), dtype=int)
        exact_n[wm] = _exact_split(rng, WM_IN_TREATMENT[substance], expected[substance][wm])
        exact_sc = np.full(len(csps), -1)
        if substance == "opiate":
            perf = csps["name"].map(PERFORMANCE).to_numpy()
            exact_sc[wm] = _exact_split(rng, WM_OPIATE_COMPLETIONS, exact_n[wm] * perf[wm])
        for i, area in csps.iterrows():
            targets = expected[substance][i] * np.array(TREND[substance])
            pinned = {}
            if wm[i]:
                pinned[cal] = (int(exact_n[i]), int(exact_sc[i]) if exact_sc[i] >= 0 else None)
            series = _area_series(rng, targets, substance, _completion_pct(substance, area["name"], rng),
                                  SLOW_ACCESS.get(area["name"], 1.0), pinned)
            rows += [{"level": "csp", "area_code": area["code"], "area": area["name"], "substance": substance, **r}
                     for r in series]
    return pd.DataFrame(rows)


@lru_cache(maxsize=1)
def _treatment_england() -> pd.DataFrame:
    rng = _rngs()["england"]
    rows = []
    for substance in SUBSTANCES:
        targets = ENGLAND_IN_TREATMENT[substance] * np.array(TREND[substance])
        series = _area_series(rng, targets, substance, np.array(ENGLAND_COMPLETION_PCT[substance]), 1.0, {})
        rows += [{"level": ENGLAND, "area_code": ENGLAND_ENGLAND_CODE, "area": ENGLAND_NAME, "substance": substance,
                  **r} for r in series]
    return pd.DataFrame(rows)


def _to_la(frame: pd.DataFrame, counts: list[str], time_keys: list[str]) -> pd.DataFrame:
    """CSP rows summed to the local authorities (each CSP lies in one authority)."""
    lookup = treatment_areas.csp_lookup().set_index("csp_code")
    out = frame.assign(area_code=frame["area_code"].map(lookup["la_code"]),
                       area=frame["area_code"].map(lookup["la_name"]), level="la")
    keys = ["level", "area_code", "area"] + time_keys
    summed = out.groupby(keys, sort=False)[counts].sum().reset_index()
    return summed


def demo_treatment() -> pd.DataFrame:
    """The quarterly demo treatment frame (``schema.QUARTERLY_COLUMNS``): CSPs, local authorities, England.

    ``carried_over`` of a local authority is the sum of its CSPs' (people are counted in one CSP).
    """
    csp = _treatment_csp()
    la = _to_la(csp, QUARTERLY_COUNTS, ["substance", "year", "quarter"])
    frame = pd.concat([csp, la, _treatment_england()], ignore_index=True)
    frame["period"] = frame["year"] + " Q" + frame["quarter"].astype(str)
    return frame[QUARTERLY_COLUMNS].copy()


@lru_cache(maxsize=1)
def _prevalence_csp() -> pd.DataFrame:
    rng = _rngs()["prevalence"]
    csps = _csps()
    opiate = _expected_in_treatment(csps)["opiate"]
    met = csps["name"].map(MET_NEED).to_numpy()
    wm = (csps["force"] == WEST_MERCIA).to_numpy()
    cal = YEARS.index(CALIBRATION_YEAR)
    exact = np.zeros(len(csps), dtype=int)
    exact[wm] = _exact_split(rng, WM_OCU_PREVALENCE, opiate[wm] / met[wm])
    rows = []
    for i, area in csps.iterrows():
        for k, year in enumerate(YEARS):
            expected = opiate[i] / met[i] * (1 - 0.01 * (year - CALIBRATION_YEAR))
            value = int(exact[i]) if (wm[i] and k == cal) else int(rng.poisson(expected))
            rows.append({"level": "csp", "area_code": area["code"], "area": area["name"], "year": year_label(year),
                         "substance": OCU, "prevalence": value})
    return pd.DataFrame(rows)


def demo_prevalence() -> pd.DataFrame:
    """Estimated opiate and/or crack users per area and year, with a 95% interval (-15%, +20%).

    Columns ``level, area_code, area, year, substance, prevalence, prevalence_low, prevalence_high``.
    """
    csp = _prevalence_csp()
    la = _to_la(csp, ["prevalence"], ["year", "substance"])
    england = pd.DataFrame([{"level": ENGLAND, "area_code": ENGLAND_ENGLAND_CODE, "area": ENGLAND_NAME,
                             "year": year_label(y), "substance": OCU,
                             "prevalence": int(round(ENGLAND_OCU_PREVALENCE * (1 - 0.01 * (y - CALIBRATION_YEAR))))}
                            for y in YEARS])
    frame = pd.concat([csp, la, england], ignore_index=True)
    frame["prevalence_low"] = np.round(frame["prevalence"] * 0.85).astype("int64")
    frame["prevalence_high"] = np.round(frame["prevalence"] * 1.20).astype("int64")
    return frame


# --- drug testing on arrest -------------------------------------------------------------------

def _interpolate(points, months: pd.PeriodIndex) -> np.ndarray:
    x = np.array([pd.Period(m, "M").ordinal for m, _ in points], dtype=float)
    y = np.array([v for _, v in points], dtype=float)
    return np.interp(months.asi8.astype(float), x, y)


@lru_cache(maxsize=1)
def _testing_csp() -> pd.DataFrame:
    rng = _rngs()["testing"]
    csps = _csps()
    wm = (csps["force"] == WEST_MERCIA).to_numpy()
    months = pd.period_range(f"{FIRST_YEAR}-04", f"{LAST_YEAR + 1}-03", freq="M")
    share = csps["weight"].to_numpy() / csps.loc[wm, "weight"].sum()
    expected = np.outer(share, _interpolate(TESTS_PER_MONTH, months))  # areas x months
    tests = rng.poisson(expected)
    positivity = np.clip(_interpolate(POSITIVITY, months)[None, :]
                         * csps["name"].map(NEED).to_numpy()[:, None] ** 0.25, 0, 0.95)
    positive = rng.binomial(tests, positivity)
    for first, last, n_tests, n_positive in TESTING_WINDOWS:
        cols = np.flatnonzero((months >= pd.Period(first, "M")) & (months <= pd.Period(last, "M")))
        block = np.ix_(np.flatnonzero(wm), cols)
        cell_tests = _exact_split(rng, n_tests, expected[block].ravel())
        tests[block] = cell_tests.reshape(len(np.flatnonzero(wm)), len(cols))
        positive[block] = rng.multivariate_hypergeometric(cell_tests, n_positive).reshape(tests[block].shape)
    t = (months.asi8 - months.asi8[0]) / (months.asi8[-1] - months.asi8[0])
    split = np.stack([a + (b - a) * t for a, b in POSITIVE_SPLIT.values()])  # 3 x months
    rows = []
    for i, area in csps.iterrows():
        for j, month in enumerate(months):
            pos = int(positive[i, j])
            kinds = rng.multinomial(pos, split[:, j] / split[:, j].sum())
            required = int(rng.binomial(pos, REQUIRED_SHARE))
            attended = int(rng.binomial(required, ATTENDED_SHARE))
            entered = int(rng.binomial(attended, ENTERED_SHARE))
            rows.append({"level": "csp", "area_code": area["code"], "area": area["name"], "month": str(month),
                         "tests": int(tests[i, j]), "positive_opiates_only": int(kinds[0]),
                         "positive_cocaine_only": int(kinds[1]), "positive_both": int(kinds[2]),
                         "assessments_required": required, "assessments_attended": attended,
                         "entered_treatment": entered})
    return pd.DataFrame(rows)


def demo_testing() -> pd.DataFrame:
    """Monthly drug testing on arrest per CSP (``level`` ``csp``), April 2010 to March 2020.

    Columns ``level, area_code, area, month`` (``YYYY-MM``) and ``TESTING_COUNTS``;
    :func:`harm.drugs.testing.at_level` sums them to authorities, policing areas or forces.
    """
    return _testing_csp().copy()
