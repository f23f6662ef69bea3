"""The performance table: year to date against last year and the 4-year average (METHODS.md §4).

Inputs are monthly counts per area, a frame with columns ``area, month, count``
(``month`` a ``Period[M]`` or ``"YYYY-MM"``; :func:`monthly_counts` builds it from
incidents), an as-of month, and the months the data set covers (``coverage``, a pair
``(first, last)``). Coverage is passed explicitly and never inferred from counts: an
area may legitimately record nothing for months.

Decisions (also in :func:`method_note`, shown under the table):

- Significance is the exact conditional test for two Poisson counts: a two-sided
  binomial test (scipy ``binomtest``, "minlike" two-sided p) of ``ytd`` out of
  ``ytd + baseline`` with p = 1/2 against last year and p = 1/5 against the sum of the
  four previous years. 0 against 0 gives p = 1.
- Benjamini-Hochberg is applied across the *area rows* of the table, separately for the
  "last year" and the "4-year average" columns (two families). The total row is not
  part of either family: it is one overall test, reported with ``p_adj = p_value``.
  Rows whose test cannot run (no baseline data) are left out of the family.
- Counts labelled ``(outside areas)`` or ``(no location)`` (``UNASSIGNED_AREAS``; from
  ``monthly_counts(..., include_unassigned=True)``) are not areas: when they hold any
  incidents they get a row after the areas, are counted in the total (so the total
  reconciles with the force-wide count) and are not tested (``change`` says
  ``NOT_TESTED``, p-values NaN, no rate). Without them the total is the sum of the areas.
- A row is a "statistically significant increase/decrease" when its adjusted p < 0.05;
  otherwise "no significant change"; "n/a" when the baseline period is not in the data.
- Percentages are unrounded in the frame (NaN where the baseline is 0, shown "n/a");
  :func:`format_performance_table` rounds them to one decimal place, half away from zero,
  computed exactly from the counts (so 2001 vs 2000 shows 0.1%, not 0.0%).
- The 4-year average needs all four previous financial years' windows inside the data's
  coverage; otherwise its columns are NaN and ``note_4yr`` says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from harm import periods
from harm.errors import HarmInputError
from harm.measures import get_measure, select
from harm.spc import RULE_LABELS

UNASSIGNED_AREAS = ("(outside areas)", "(no location)")
TOTAL_LABEL = "Total"
SIGNIFICANCE_LEVEL = 0.05
AVERAGE_YEARS = 4
INCREASE = "statistically significant increase"
DECREASE = "statistically significant decrease"
NO_CHANGE = "no significant change"
NOT_AVAILABLE = "n/a"
NOT_TESTED = "not tested (not an area)"

TABLE_COLUMNS = [
    "area", "ytd", "ytd_last_year", "pct_change", "p_value", "p_adj", "change",
    "avg_4yr", "pct_vs_4yr_avg", "p_value_4yr", "p_adj_4yr", "change_4yr", "note_4yr",
    "sum_4yr", "note_last_year", "as_of",
]
SIX_MONTH_COLUMNS = [
    "area", "last_6_months", "previous_6_months", "pct_change", "p_value", "p_adj", "change",
    "note", "as_of",
]


# --- monthly counts -------------------------------------------------------------------------

def months_covered(incidents: pd.DataFrame) -> periods.Window:
    """First and last month with any incident (of any kind) in the data set.

    A convenience: when the data came as monthly files, pass the files' months instead.
    """
    month = _incident_months(incidents)
    month = month[month != _NO_MONTH]
    if len(month) == 0:
        raise HarmInputError("there are no dated incidents", fix="Load incidents with an occurred_from date")
    return _period(month.min()), _period(month.max())


def monthly_counts(
    incidents: pd.DataFrame,
    area_labels: pd.Series,
    *,
    measure: str = "all",
    months: periods.Window | None = None,
    include_unassigned: bool = False,
) -> pd.DataFrame:
    """Counts per area and month (``area, month, count``), with every area x month present.

    ``area_labels`` gives each incident's area (e.g. ``harm.areas.assign``), one per row.
    Areas are the label categories (so areas with no incidents get zeros); the
    ``(outside areas)`` and ``(no location)`` labels are dropped unless
    ``include_unassigned``. ``months`` defaults to :func:`months_covered`.
    """
    return monthly_counts_by_measure(incidents, area_labels, [measure], months=months,
                                     include_unassigned=include_unassigned)[measure]


def monthly_counts_by_measure(
    incidents: pd.DataFrame,
    area_labels: pd.Series,
    measures,
    *,
    months: periods.Window | None = None,
    include_unassigned: bool = False,
) -> dict[str, pd.DataFrame]:
    """:func:`monthly_counts` for several measures at once (months and areas worked out once):
    a dict measure name -> ``area, month, count`` frame."""
    if len(area_labels) != len(incidents):
        raise HarmInputError(
            f"{len(area_labels)} area labels for {len(incidents)} incidents",
            fix="Give one area label per incident, e.g. from harm.areas.assign",
        )
    first, last = months if months is not None else months_covered(incidents)
    first, last = periods.parse_month(first), periods.parse_month(last)
    codes, names = _area_codes(area_labels)
    month = _incident_months(incidents) - first.ordinal
    n_months = (last - first).n + 1
    in_range = (codes >= 0) & (month >= 0) & (month < n_months)
    cell = codes * n_months + np.where(in_range, month, 0)
    area_column = pd.Categorical.from_codes(np.repeat(np.arange(len(names)), n_months), categories=names)
    month_column = pd.PeriodIndex.from_ordinals(np.tile(np.arange(n_months) + first.ordinal, len(names)), freq="M")
    kept = [a for a in names if include_unassigned or a not in UNASSIGNED_AREAS]
    out = {}
    for measure in measures:
        keep = select(incidents, measure) & in_range
        cells = np.bincount(cell[keep], minlength=len(names) * n_months)
        frame = pd.DataFrame({"area": area_column, "month": month_column, "count": cells.astype(np.int64)})
        if not include_unassigned:
            frame = frame[~frame["area"].isin(UNASSIGNED_AREAS)].reset_index(drop=True)
            # set_categories, not remove_categories: pandas 3 sorts what remove_categories keeps
            frame["area"] = frame["area"].cat.set_categories(kept)
        out[measure] = frame
    return out


def area_series(counts: pd.DataFrame, area: str) -> pd.Series:
    """One area's monthly counts as a Series indexed by month (for :func:`harm.spc.xmr_chart`)."""
    rows = counts[counts["area"] == area]
    if rows.empty:
        raise HarmInputError(f"no counts for the area {area!r}", fix="Choose an area in the table")
    months = periods.to_months(rows["month"], where="counts month")
    return pd.Series(rows["count"].to_numpy(), index=months, name=area).sort_index()


_NO_MONTH = np.iinfo(np.int64).min


def _incident_months(incidents: pd.DataFrame) -> np.ndarray:
    stamps = incidents["occurred_from"].to_numpy().astype("datetime64[M]")
    ordinals = stamps.astype(np.int64)  # months since 1970-01, the Period[M] ordinal
    ordinals[np.isnat(stamps)] = _NO_MONTH
    return ordinals


def _period(ordinal: int) -> pd.Period:
    return pd.Period(ordinal=int(ordinal), freq="M")


def _area_codes(area_labels: pd.Series) -> tuple[np.ndarray, pd.Index]:
    labels = pd.Series(area_labels).reset_index(drop=True)
    if not isinstance(labels.dtype, pd.CategoricalDtype):
        labels = labels.astype("category")
    return labels.cat.codes.to_numpy().astype(np.int64), labels.cat.categories


# --- the statistics -------------------------------------------------------------------------

def exact_rate_test(current: float, baseline: float, *, baseline_periods: float = 1) -> float:
    """Two-sided p of the exact conditional test that two Poisson counts share a rate.

    ``current`` is counted over one period and ``baseline`` over ``baseline_periods``
    equal periods: binomial test of ``current`` out of ``current + baseline`` with
    p = 1 / (1 + baseline_periods). 0 against 0 gives 1.
    """
    if np.isnan(current) or np.isnan(baseline):
        return np.nan
    if current < 0 or baseline < 0 or current != int(current) or baseline != int(baseline):
        raise HarmInputError(f"counts must be whole numbers of 0 or more, not {current} and {baseline}")
    total = int(current) + int(baseline)
    if total == 0:
        return 1.0
    return float(binomtest(int(current), total, p=1 / (1 + baseline_periods)).pvalue)


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (as statsmodels ``fdr_bh``); NaNs stay NaN, outside the family."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    tested = ~np.isnan(p)
    q = p[tested]
    if q.size:
        order = np.argsort(q, kind="mergesort")
        scaled = q[order] * q.size / np.arange(1, q.size + 1)
        monotone = np.minimum.accumulate(scaled[::-1])[::-1]
        result = np.empty(q.size)
        result[order] = np.minimum(monotone, 1.0)
        adjusted[tested] = result
    return adjusted


def verdict(p_adj: float, current: float, expected: float) -> str:
    """The words for one comparison: significant increase / decrease, no change, or n/a."""
    if np.isnan(p_adj) or np.isnan(expected):
        return NOT_AVAILABLE
    if p_adj < SIGNIFICANCE_LEVEL:
        return INCREASE if current > expected else DECREASE
    return NO_CHANGE


def _pct_change(current: np.ndarray, baseline: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = (current / baseline - 1) * 100
    return np.where(baseline > 0, pct, np.nan)


def _compare(current, baseline, *, baseline_periods: float, tested: np.ndarray) -> dict[str, np.ndarray]:
    """Per row: % change, p, BH-adjusted p, words. ``tested`` marks the rows to test; BH runs
    over the tested rows but the last (the total), which keeps its own p."""
    current, baseline = np.asarray(current, float), np.asarray(baseline, float)
    p = np.array([exact_rate_test(c, b, baseline_periods=baseline_periods) if t else np.nan
                  for c, b, t in zip(current, baseline, tested)])
    family = np.append(tested[:-1], False)
    p_adj = np.where(family, np.nan, p)
    p_adj[family] = benjamini_hochberg(p[family])
    expected = baseline / baseline_periods
    change = [verdict(pa, c, e) if t else NOT_TESTED for pa, c, e, t in zip(p_adj, current, expected, tested)]
    return {"pct": _pct_change(current, expected), "p": p, "p_adj": p_adj, "change": change}


# --- window sums ----------------------------------------------------------------------------

class _CountMatrix:
    """Counts as an areas x months array, for fast window sums.

    Unassigned labels (``UNASSIGNED_AREAS``) come after the areas, and only when they hold
    any incidents; ``tested`` marks the rows that are areas, plus the total row at the end.
    """

    def __init__(self, counts: pd.DataFrame):
        missing = {"area", "month", "count"} - set(counts.columns)
        if missing:
            raise HarmInputError(f"the counts have no {', '.join(sorted(missing))} column",
                                 fix="Build them with harm.performance.monthly_counts")
        area_codes, areas = pd.factorize(counts["area"], sort=False)
        if (area_codes < 0).any():
            raise HarmInputError("some counts have no area", fix="Label every row with an area")
        ordinals = periods.to_months(counts["month"], where="counts month").asi8
        values = pd.to_numeric(counts["count"], errors="coerce").to_numpy(dtype=float)
        if np.isnan(values).any() or (values < 0).any():
            raise HarmInputError("some counts are missing or negative", fix="Give whole numbers of 0 or more")
        self.areas = [str(a) for a in areas]
        self.first = int(ordinals.min()) if len(ordinals) else 0
        width = int(ordinals.max()) - self.first + 1 if len(ordinals) else 0
        matrix = np.zeros((len(areas), width))
        np.add.at(matrix, (area_codes, ordinals - self.first), values)
        unassigned = np.array([a in UNASSIGNED_AREAS for a in self.areas], dtype=bool)
        keep = np.flatnonzero(~unassigned)
        shown = [self.areas.index(name) for name in UNASSIGNED_AREAS
                 if name in self.areas and matrix[self.areas.index(name)].sum() > 0]
        order = np.concatenate([keep, np.asarray(shown, dtype=int)])
        self.areas = [self.areas[i] for i in order]
        self.matrix = matrix[order]
        self.tested = np.append(~unassigned[order], True)

    def window_sum(self, window: periods.Window) -> np.ndarray:
        lo = max(window[0].ordinal - self.first, 0)
        hi = min(window[1].ordinal - self.first + 1, self.matrix.shape[1])
        if hi <= lo:
            return np.zeros(len(self.areas))
        return self.matrix[:, lo:hi].sum(axis=1)


def _coverage(coverage) -> periods.Window:
    if coverage is None or len(coverage) != 2:
        raise HarmInputError("the data's first and last month are needed",
                             fix="Pass coverage=(first_month, last_month), e.g. from months_covered(incidents)")
    first, last = (periods.parse_month(m, where="coverage") for m in coverage)
    if first > last:
        raise HarmInputError("the coverage starts after it ends", where="coverage", fix="Put the earlier month first")
    return first, last


def _require_covered(coverage: periods.Window, window: periods.Window, what: str) -> None:
    if not periods.covers(coverage, window):
        raise HarmInputError(
            f"{what} ({periods.format_period(window)}) is not inside the data ({periods.format_period(coverage)})",
            fix="Choose an as-of month whose window the data cover",
        )


def _with_total(per_area: np.ndarray) -> np.ndarray:
    """The per-area values with their sum appended (the total row comes last)."""
    return np.append(per_area, per_area.sum())


def _years_note(available: int) -> str:
    if available == 0:
        return "no previous years of data"
    return f"only {available} previous year{'s' if available != 1 else ''} of data"


# --- the tables -----------------------------------------------------------------------------

def performance_table(
    counts: pd.DataFrame,
    as_of,
    *,
    coverage: periods.Window,
    population: pd.Series | None = None,
    total_label: str = TOTAL_LABEL,
) -> pd.DataFrame:
    """Per-area YTD against last year and the 4-year average, plus a total row (METHODS §4).

    Columns ``TABLE_COLUMNS`` (and ``rate_per_1000`` when ``population``, a Series
    indexed by area, is given). See the module docstring for the decisions.
    """
    as_of, coverage = periods.parse_month(as_of, where="as-of month"), _coverage(coverage)
    ytd_window = periods.ytd_window(as_of)
    _require_covered(coverage, ytd_window, f"the year to date as of {as_of.strftime('%Y-%m')}")
    matrix = _CountMatrix(counts)

    ytd = _with_total(matrix.window_sum(ytd_window))
    last_window = periods.years_earlier(ytd_window, 1)
    has_last = periods.covers(coverage, last_window)
    last = _with_total(matrix.window_sum(last_window)) if has_last else np.full(len(ytd), np.nan)
    versus_last = _compare(ytd, last, baseline_periods=1, tested=matrix.tested)

    windows = [periods.years_earlier(ytd_window, k) for k in range(1, AVERAGE_YEARS + 1)]
    available = sum(periods.covers(coverage, w) for w in windows)
    if available == AVERAGE_YEARS:
        sum_4yr = _with_total(sum(matrix.window_sum(w) for w in windows))
        note_4yr = ""
    else:
        sum_4yr, note_4yr = np.full(len(ytd), np.nan), _years_note(available)
    versus_avg = _compare(ytd, sum_4yr, baseline_periods=AVERAGE_YEARS, tested=matrix.tested)

    table = pd.DataFrame({
        "area": matrix.areas + [total_label],
        "ytd": ytd.astype(np.int64),
        "ytd_last_year": last,
        "pct_change": versus_last["pct"],
        "p_value": versus_last["p"],
        "p_adj": versus_last["p_adj"],
        "change": versus_last["change"],
        "avg_4yr": sum_4yr / AVERAGE_YEARS,
        "pct_vs_4yr_avg": versus_avg["pct"],
        "p_value_4yr": versus_avg["p"],
        "p_adj_4yr": versus_avg["p_adj"],
        "change_4yr": versus_avg["change"],
        "note_4yr": note_4yr,
        "sum_4yr": sum_4yr,
        "note_last_year": "" if has_last else "no data for the same months last year",
        "as_of": pd.PeriodIndex([as_of] * len(ytd), freq="M"),
    })
    if population is not None:
        table["rate_per_1000"] = _rates(table, population, matrix.tested)
    return table


def _rates(table: pd.DataFrame, population: pd.Series, tested: np.ndarray) -> np.ndarray:
    """Per 1,000 residents; the total's residents are those of the area rows (unassigned have none)."""
    areas = table["area"].iloc[:-1]
    people = pd.to_numeric(areas.map(population), errors="coerce").to_numpy(dtype=float, copy=True)
    people[~tested[:-1]] = np.nan
    in_areas = people[tested[:-1]]
    people = np.append(people, in_areas.sum() if not np.isnan(in_areas).any() else np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = table["ytd"].to_numpy(dtype=float) / people * 1000
    return np.where(people > 0, rate, np.nan)


def six_month_change(
    counts: pd.DataFrame, as_of, *, coverage: periods.Window, total_label: str = TOTAL_LABEL
) -> pd.DataFrame:
    """The six months to ``as_of`` against the six before, per area and in total.

    Same exact test (p = 1/2), same Benjamini-Hochberg family rule and the same words as
    :func:`performance_table`. Columns ``SIX_MONTH_COLUMNS``.
    """
    as_of, coverage = periods.parse_month(as_of, where="as-of month"), _coverage(coverage)
    recent = periods.months_before(as_of, 6)
    before = periods.months_before(recent[0] - 1, 6)
    _require_covered(coverage, recent, "the last six months")
    matrix = _CountMatrix(counts)
    current = _with_total(matrix.window_sum(recent))
    has_before = periods.covers(coverage, before)
    previous = _with_total(matrix.window_sum(before)) if has_before else np.full(len(current), np.nan)
    result = _compare(current, previous, baseline_periods=1, tested=matrix.tested)
    return pd.DataFrame({
        "area": matrix.areas + [total_label],
        "last_6_months": current.astype(np.int64),
        "previous_6_months": previous,
        "pct_change": result["pct"],
        "p_value": result["p"],
        "p_adj": result["p_adj"],
        "change": result["change"],
        "note": "" if has_before else "no data for the six months before",
        "as_of": pd.PeriodIndex([as_of] * len(current), freq="M"),
    })[SIX_MONTH_COLUMNS]


def exceptions(
    tables: Mapping[str, pd.DataFrame],
    spc_charts: Mapping[tuple[str, str], pd.DataFrame] | None = None,
    *,
    six_month_tables: Mapping[str, pd.DataFrame] | None = None,
    recent_months: int = 6,
) -> pd.DataFrame:
    """Area x measure findings worth a panel's attention, newest first.

    ``tables`` and ``six_month_tables`` map a measure name to a :func:`performance_table`
    / :func:`six_month_change` result: every significant row is listed (month = as-of
    month). ``spc_charts`` maps ``(measure, area)`` to a :func:`harm.spc.xmr_chart`
    result: each special-cause rule seen in the chart's last ``recent_months`` months
    gives one row, dated by the latest month it flagged.
    Columns: ``month, measure, measure_label, area, comparison, finding, p_adj``.
    """
    rows = []
    for measure, table in tables.items():
        rows += _significant_rows(measure, table, "change", "p_adj", "pct_change", "YTD vs last year")
        rows += _significant_rows(measure, table, "change_4yr", "p_adj_4yr", "pct_vs_4yr_avg", "YTD vs 4-year average")
    for measure, table in (six_month_tables or {}).items():
        rows += _significant_rows(measure, table, "change", "p_adj", "pct_change", "last 6 months vs previous 6")
    for (measure, area), chart in (spc_charts or {}).items():
        rows += _spc_rows(measure, area, chart, recent_months)
    columns = ["month", "measure", "measure_label", "area", "comparison", "finding", "p_adj"]
    found = pd.DataFrame(rows, columns=columns)
    if found.empty:
        found["month"] = pd.PeriodIndex([], freq="M")
        return found
    found["month"] = pd.PeriodIndex(found["month"], freq="M")
    order = {name: i for i, name in enumerate(dict.fromkeys(found["measure"]))}
    found["_measure_order"] = found["measure"].map(order)
    found = found.sort_values(["month", "_measure_order", "area", "comparison"],
                              ascending=[False, True, True, True], kind="mergesort")
    return found.drop(columns="_measure_order").reset_index(drop=True)


def _significant_rows(measure, table, change_col, p_col, pct_col, comparison) -> list[dict]:
    label = get_measure(measure).label
    hits = table[table[change_col].isin([INCREASE, DECREASE])]
    return [
        {"month": row["as_of"], "measure": measure, "measure_label": label, "area": row["area"],
         "comparison": comparison, "finding": _finding(row[change_col], row[pct_col]),
         "p_adj": row[p_col]}
        for _, row in hits.iterrows()
    ]


def _finding(change: str, pct: float) -> str:
    return change if pd.isna(pct) else f"{change} ({_percent_text(pct)})"


def _spc_rows(measure, area, chart, recent_months) -> list[dict]:
    label = get_measure(measure).label
    months = periods.to_months(chart["month"], where="SPC chart month")
    recent = (months.asi8 > months.asi8.max() - recent_months) & (chart["special_cause"].to_numpy() != "")
    latest: dict[str, tuple] = {}
    for month, rule, direction in zip(months[recent], chart["special_cause"][recent], chart["direction"][recent]):
        latest[rule] = (month, direction)
    return [
        {"month": month, "measure": measure, "measure_label": label, "area": area,
         "comparison": "SPC chart", "finding": f"special cause: {_lower_first(RULE_LABELS[rule])} ({direction})",
         "p_adj": np.nan}
        for rule, (month, direction) in latest.items()
    ]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- presentation ---------------------------------------------------------------------------

def round_half_away(value, decimals: int = 1) -> Fraction:
    """``value`` rounded half away from zero, exactly (2.25 -> 2.3, -0.05 -> -0.1)."""
    scaled = Fraction(value) * 10**decimals
    whole = int(abs(scaled) + Fraction(1, 2))
    return Fraction(whole if scaled >= 0 else -whole, 10**decimals)


def rounded_percent_change(current, baseline, decimals: int = 1) -> float:
    """``(current / baseline - 1) x 100`` computed exactly from the counts, rounded half away
    from zero to ``decimals`` places (never -0.0); NaN when there is no baseline."""
    if pd.isna(current) or pd.isna(baseline) or baseline <= 0:
        return np.nan
    pct = (Fraction(current) / Fraction(baseline) - 1) * 100
    return float(round_half_away(pct, decimals))


def percent_change_text(current, baseline) -> str:
    """``(current / baseline - 1) x 100`` to one decimal place with a % sign, or ``"n/a"``."""
    pct = rounded_percent_change(current, baseline)
    return NOT_AVAILABLE if np.isnan(pct) else f"{pct:.1f}%"


def _fraction_percent(rounded: Fraction) -> str:
    text = f"{float(rounded):.1f}%"
    return "0.0%" if text == "-0.0%" else text


def _percent_text(pct: float) -> str:
    if pd.isna(pct):
        return NOT_AVAILABLE
    return _fraction_percent(round_half_away(pct, 1))


def p_value_text(p: float) -> str:
    """A p-value as shown: three decimals, ``<0.001`` below that, ``n/a`` when there is none.

    A p just under the 0.05 threshold keeps four decimals (0.0497, not 0.050), so a
    significant row never shows a p that reads as not significant.
    """
    if pd.isna(p):
        return NOT_AVAILABLE
    if p < 0.001:
        return "<0.001"
    text = f"{p:.3f}"
    if p < SIGNIFICANCE_LEVEL and float(text) >= SIGNIFICANCE_LEVEL:
        text = f"{p:.4f}"
    return text


def _number_text(value, decimals: int = 0) -> str:
    if pd.isna(value):
        return NOT_AVAILABLE
    return f"{float(round_half_away(value, decimals)):.{decimals}f}"


def format_performance_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table as text for the CLI and CSV: % to one decimal (half away from zero), n/a shown.

    Percentages are computed exactly from the counts before rounding.
    """
    out = pd.DataFrame({"area": table["area"].astype(str)})
    out["ytd"] = [_number_text(v) for v in table["ytd"]]
    out["ytd_last_year"] = [_number_text(v) for v in table["ytd_last_year"]]
    out["pct_change"] = [percent_change_text(c, b) for c, b in zip(table["ytd"], table["ytd_last_year"])]
    out["p_value"] = [p_value_text(p) for p in table["p_value"]]
    out["p_adj"] = [p_value_text(p) for p in table["p_adj"]]
    out["change"] = table["change"].astype(str)
    out["avg_4yr"] = [_number_text(v, 1) for v in table["avg_4yr"]]
    out["pct_vs_4yr_avg"] = [
        NOT_AVAILABLE if pd.isna(s) else percent_change_text(c, Fraction(s) / AVERAGE_YEARS)
        for c, s in zip(table["ytd"], table["sum_4yr"])
    ]
    out["p_value_4yr"] = [p_value_text(p) for p in table["p_value_4yr"]]
    out["p_adj_4yr"] = [p_value_text(p) for p in table["p_adj_4yr"]]
    out["change_4yr"] = table["change_4yr"].astype(str)
    out["note_4yr"] = table["note_4yr"].astype(str)
    if "rate_per_1000" in table:
        out["rate_per_1000"] = [_number_text(v, 2) for v in table["rate_per_1000"]]
    return out


def method_note(as_of, *, coverage: periods.Window, n_areas: int | None = None) -> str:
    """The method note shown under the performance table, with this table's windows."""
    as_of, coverage = periods.parse_month(as_of, where="as-of month"), _coverage(coverage)
    ytd_window = periods.ytd_window(as_of)
    first_avg = periods.years_earlier(ytd_window, AVERAGE_YEARS)[0]
    last_avg = periods.years_earlier(ytd_window, 1)[0]
    family = f"the {n_areas} area rows" if n_areas is not None else "the area rows"
    return (
        f"Year to date {periods.format_period(ytd_window)} ({periods.financial_year(as_of)}) against the same "
        f"months last year ({periods.format_period(periods.years_earlier(ytd_window, 1))}) and against the "
        f"mean of the same months in the four financial years {periods.financial_year(first_avg)} to "
        f"{periods.financial_year(last_avg)}. Data cover {periods.format_period(coverage)}. "
        "Significance: exact conditional test for two Poisson counts (two-sided binomial test of the "
        "year-to-date count out of the combined count, p = 1/2 against last year, 1/5 against the four "
        f"years). Benjamini-Hochberg adjustment across {family}, separately for each comparison; the "
        "total row is tested on its own, unadjusted. Significant when the adjusted p < 0.05."
    )
