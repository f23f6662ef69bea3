"""Drug testing on arrest: the funnel from tests to treatment, and positivity over time and by area.

A testing frame has one row per area and month: ``level, area_code, area, month``
(``YYYY-MM``) and the counts ``tests`` (people tested for opiates and cocaine on arrest),
``positive_opiates_only``, ``positive_cocaine_only``, ``positive_both`` (positive for a
Class A drug = their sum), ``assessments_required`` (required to attend an assessment),
``assessments_attended`` and ``entered_treatment``. The demo data are per CSP
(:func:`harm.treatment.demo.demo_testing`); :func:`at_level` sums CSPs to public-health
authorities, local policing areas or forces. Positivity carries a Wilson 95% interval.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from harm import suppression
from harm.counts import financial_year_labels
from harm.errors import HarmInputError
from harm.io.tables import read_table
from harm.treatment import areas as treatment_areas
from harm.treatment.demo import TESTING_COUNTS, demo_testing
from harm.treatment.outcomes import wilson_interval

POSITIVE_PARTS = ["positive_opiates_only", "positive_cocaine_only", "positive_both"]
LEVELS = ("la", "csp", "policing-area", "force")
REQUIRED = ["area", "month"] + TESTING_COUNTS
TOTAL_AREA = "All areas"
OUTPUT_COLUMNS = ["area", "month", "tests", "positive", "positive_rate", "assessed", "entered_treatment"]
STAGES = [("tests", "Tested on arrest"), ("positive", "Positive for a Class A drug"),
          ("assessments_required", "Required to attend an assessment"),
          ("assessments_attended", "Attended the assessment"), ("entered_treatment", "Entered treatment")]
COUNT_LABELS = {"tests": "Tests", "positive_opiates_only": "Opiates only", "positive_cocaine_only": "Cocaine only",
                "positive_both": "Both", "positive": "Positive (Class A)", "assessments_required": "Assessment required",
                "assessments_attended": "Assessment attended", "entered_treatment": "Entered treatment"}


def load_testing(level: str = "csp") -> pd.DataFrame:
    """The demo testing data at ``level`` (``la``, ``csp``, ``policing-area`` or ``force``)."""
    return at_level(demo_testing(), level)


def at_level(testing: pd.DataFrame, level: str) -> pd.DataFrame:
    """CSP rows summed to ``level``; area names as the sidebar writes them at that level."""
    if level not in LEVELS:
        raise HarmInputError(f"testing data cannot be shown by {level!r}", fix=f"Use one of: {', '.join(LEVELS)}")
    if level == "csp":
        return testing.copy()
    if set(testing["level"]) != {"csp"}:
        raise HarmInputError(f"only CSP testing data can be summed to {level}", fix="Give testing data per CSP")
    lookup = treatment_areas.csp_lookup().set_index("csp_code")
    code, name = {"la": ("la_code", "la_name"), "policing-area": ("policing_area_name", "policing_area_name"),
                  "force": ("force_name", "force_name")}[level]
    out = testing.assign(area_code=testing["area_code"].map(lookup[code]),
                         area=testing["area_code"].map(lookup[name]), level=level)
    return out.groupby(["level", "area_code", "area", "month"], sort=False)[TESTING_COUNTS].sum().reset_index()


def read_testing_csv(source, name: str | None = None) -> pd.DataFrame:
    """A testing CSV with the columns ``area, month`` and the counts (``level``, ``area_code`` optional)."""
    name = name or (source.name if isinstance(source, Path) else "testing file")
    raw = source.read_bytes() if isinstance(source, Path) else source
    frame = read_table(raw, name).frame
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise HarmInputError(f"no column(s) {', '.join(missing)}", where=name,
                             fix=f"A drug-testing CSV needs the columns {', '.join(REQUIRED)}")
    out = pd.DataFrame({"level": frame["level"].str.strip().str.lower() if "level" in frame else "csp",
                        "area_code": frame["area_code"].str.strip() if "area_code" in frame else "",
                        "area": frame["area"].str.strip()})
    bad_level = ~out["level"].isin(LEVELS)
    if bad_level.any():
        row = int(np.flatnonzero(bad_level.to_numpy())[0])
        raise HarmInputError(f"the level {out['level'].iloc[row]!r} on line {row + 2} is not one the dashboard "
                             "knows", where=name, fix=f"Write one of: {', '.join(LEVELS)} (or leave out the column: "
                                                      "csp)")
    months = frame["month"].str.strip()
    bad_month = ~months.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if bad_month.any():
        row = int(np.flatnonzero(bad_month.to_numpy())[0])
        raise HarmInputError(f"the month {months.iloc[row]!r} on line {row + 2} is not written YYYY-MM", where=name,
                             fix="Write months like 2017-04")
    out["month"] = months.to_numpy()
    for column in TESTING_COUNTS:
        values = pd.to_numeric(frame[column].str.strip().replace("", np.nan), errors="coerce")
        if values.isna().any() or (values < 0).any() or (values % 1 != 0).any():
            row = int(np.flatnonzero(values.isna() | (values < 0) | (values % 1 != 0))[0]) + 2
            raise HarmInputError(f"{column} on line {row} is not a whole number of 0 or more", where=name)
        out[column] = values.astype("int64")
    _check_funnel(out, name)
    return out


def _check_funnel(frame: pd.DataFrame, name: str) -> None:
    positive = frame[POSITIVE_PARTS].sum(axis=1)
    steps = [(positive, frame["tests"], "positives exceed tests"),
             (frame["assessments_attended"], frame["assessments_required"], "attended exceeds required"),
             (frame["entered_treatment"], frame["assessments_attended"], "entered treatment exceeds attended")]
    for smaller, larger, what in steps:
        bad = np.flatnonzero((smaller > larger).to_numpy())
        if len(bad):
            raise HarmInputError(f"{what} on line {bad[0] + 2}", where=name, fix="Each stage must be part of the one before")


def with_positive(testing: pd.DataFrame) -> pd.DataFrame:
    out = testing.copy()
    out["positive"] = out[POSITIVE_PARTS].sum(axis=1)
    return out


def in_months(testing: pd.DataFrame, first=None, last=None, areas=None) -> pd.DataFrame:
    """Rows in the months ``first``..``last`` (``YYYY-MM``, inclusive) and, if given, the named areas."""
    keep = np.ones(len(testing), dtype=bool)
    if first:
        keep &= (testing["month"] >= str(first)).to_numpy()
    if last:
        keep &= (testing["month"] <= str(last)).to_numpy()
    if areas:
        keep &= testing["area"].isin(list(areas)).to_numpy()
    return testing[keep].reset_index(drop=True)


def funnel(testing: pd.DataFrame) -> pd.DataFrame:
    """``stage, label, count, share_of_tests, share_of_previous`` over all rows given."""
    totals = with_positive(testing)[[s for s, _ in STAGES]].sum()
    counts = [int(totals[s]) for s, _ in STAGES]
    tests = counts[0]
    return pd.DataFrame({
        "stage": [s for s, _ in STAGES], "label": [label for _, label in STAGES], "count": counts,
        "share_of_tests": [c / tests if tests else np.nan for c in counts],
        "share_of_previous": [np.nan] + [c / p if p else np.nan for c, p in zip(counts[1:], counts[:-1])],
    })


def suppress_funnel(funnel_table: pd.DataFrame) -> suppression.Suppressed:
    """Hide funnel counts of 1-4 and every share that would give one back (a share of tests, or
    the share of the stage before, on either side of a hidden count)."""
    result = suppression.suppress(funnel_table, ["count"], keys=["stage"],
                                  rates={"share_of_tests": ["count"], "share_of_previous": ["count"]})
    hidden = result.mask["count"].to_numpy()
    result.mask["share_of_previous"] = hidden | np.r_[False, hidden[:-1]]
    if hidden[0]:  # with the number tested hidden, every share of tests would give it back
        result.mask["share_of_tests"] = True
    return result


def positivity(testing: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Tests, positives and the positive rate with its Wilson 95% interval, by ``by`` (e.g. ``["month"]``,
    ``["area"]``, ``["fy", "area"]``; ``fy`` is the financial year of the month)."""
    frame = with_positive(testing)
    if "fy" in by:
        frame["fy"] = financial_year_labels(pd.PeriodIndex(frame["month"], freq="M").to_timestamp().to_series(
            index=frame.index)).astype(str)
    counts = ["tests"] + POSITIVE_PARTS + ["positive", "assessments_required", "assessments_attended",
                                            "entered_treatment"]
    out = frame.groupby(by, sort=True)[counts].sum().reset_index()
    out["positive_rate"] = np.where(out["tests"] > 0, out["positive"] / out["tests"].where(out["tests"] > 0), np.nan)
    out["ci_low"], out["ci_high"] = wilson_interval(out["positive"], out["tests"])
    return out


def by_area(testing: pd.DataFrame, *, total_label: str = TOTAL_AREA) -> pd.DataFrame:
    """Per area over all months given, plus a total row: counts, positive rate and its interval."""
    table = positivity(testing, ["area"])
    total = positivity(testing.assign(area=total_label), ["area"])
    return pd.concat([table, total], ignore_index=True)


def suppress_by_area(table: pd.DataFrame, *, total_label: str = TOTAL_AREA, parts: bool = True,
                     counts: list[str] | None = None) -> suppression.Suppressed:
    """Suppress a :func:`by_area` (or :func:`positivity`) table: areas add up to the total row
    and, when the three kinds of positive are shown (``parts``), they add up to ``positive``;
    rates on hidden counts are hidden. ``counts`` are the count columns shown (default: all)."""
    if counts is None:
        counts = ["tests"] + (POSITIVE_PARTS if parts else []) + [
            "positive", "assessments_required", "assessments_attended", "entered_treatment"]
    keys = [c for c in table.columns if c in ("area", "month", "fy")]
    margins = [suppression.Margin("area", total_label)] if "area" in keys else []
    rates = [c for c in ("positive_rate", "ci_low", "ci_high") if c in table.columns]
    return suppression.suppress(table[keys + counts + rates], counts, margins=margins, keys=keys,
                                column_totals={"positive": POSITIVE_PARTS} if parts else None,
                                rates={c: ["tests", "positive"] for c in rates})


def testing_output(testing: pd.DataFrame, *, total_label: str = TOTAL_AREA, decimals: int = 1) -> pd.DataFrame:
    """The CLI table: per area and month plus an all-areas row per month, ``OUTPUT_COLUMNS``,
    counts of 1-4 (and totals that would reveal them) as ``<5``, the rate in per cent."""
    per_area = positivity(testing, ["area", "month"])
    total = positivity(testing.assign(area=total_label), ["area", "month"])
    table = pd.concat([per_area, total], ignore_index=True)
    counts = ["tests", "positive", "assessments_attended", "entered_treatment"]
    result = suppress_by_area(table, total_label=total_label, parts=False, counts=counts)
    shown = result.frame.copy()
    shown["positive_rate"] = (shown["positive_rate"] * 100).round(decimals)
    text = suppression.Suppressed(shown, result.mask, result.primary, result.count_columns,
                                  result.rate_columns).text()
    text = text.rename(columns={"assessments_attended": "assessed"})
    order = {a: i for i, a in enumerate(list(dict.fromkeys(per_area["area"])) + [total_label])}
    text["_order"] = text["area"].map(order)
    text = text.sort_values(["month", "_order"], kind="stable").drop(columns="_order")
    return text[OUTPUT_COLUMNS].reset_index(drop=True)
