"""Treatment outcomes as proportions with Wilson 95% intervals, compared with England (METHODS.md §6).

Each :class:`Outcome` is a numerator over a denominator from the annual figures:

- successful completions / people in treatment (higher is better);
- re-presentations within 6 months / people who left free of dependence (lower is better);
- exits retained 12 weeks or more / all exits (higher is better);
- new presentations who waited over 3 weeks / all new presentations (lower is better; the
  expectation is that nobody waits more than 3 weeks);
- referrals from the criminal justice system / all new presentations (no better or worse:
  "higher", "similar", "lower").

An area is "better" or "worse" than England when its Wilson 95% interval lies wholly on
one side of the England value, "similar" when the interval contains it (as OHID
Fingertips does). Small numbers are suppressed with :mod:`harm.suppression`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from harm import suppression
from harm.errors import HarmInputError
from harm.treatment import schema
from harm.treatment.annual import completion_denominator
from harm.treatment.schema import ALL, BETTER, ENGLAND, HIGHER, LOWER, NOT_COMPARED, SIMILAR, WORSE


@dataclass(frozen=True)
class Outcome:
    name: str
    label: str
    numerator: str
    numerator_label: str
    denominator: str  # a count column, or "completion_base" / "left_free" (derived)
    denominator_label: str
    higher_is_better: bool | None


OUTCOMES = {o.name: o for o in (
    Outcome("completion", "Successful completions", "completions", "Successful completions",
            "completion_base", "In treatment", True),
    Outcome("re-presentation", "Re-presentations within 6 months", "re_presentations", "Re-presented",
            "left_free", "Left free of dependence", False),
    Outcome("retention", "Retained 12 weeks or more", "retained_12_weeks", "Retained 12+ weeks",
            "exits", "Exits", True),
    Outcome("waiting", "Waited over 3 weeks", "waiting_over_3_weeks", "Waited over 3 weeks",
            "new_presentations", "New presentations", False),
    Outcome("cjs-referrals", "Referred by the criminal justice system", "referrals_cjs", "Referred by the CJS",
            "new_presentations", "New presentations", None),
)}
OUTCOME_COLUMNS = ["area", "year", "substance", "numerator", "denominator", "rate", "ci_low", "ci_high",
                   "england_rate", "vs_england"]
COMPLETION_COLUMNS = ["area", "period", "substance", "in_treatment", "completions", "completion_rate",
                      "ci_low", "ci_high", "england_rate", "vs_england"]
TOTAL_AREA = "All areas shown"


def get_outcome(name: str) -> Outcome:
    try:
        return OUTCOMES[name]
    except KeyError:
        raise HarmInputError(f"unknown outcome {name!r}", fix=f"Use one of: {', '.join(OUTCOMES)}") from None


# --- the statistics ---------------------------------------------------------------------------

def wilson_interval(successes, trials, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``successes`` out of ``trials`` (as statsmodels
    ``proportion_confint(method="wilson")``); NaN where ``trials`` is 0 or missing."""
    x = np.asarray(successes, dtype="float64")
    n = np.asarray(trials, dtype="float64")
    if np.any((x < 0) | (x > n)):
        raise HarmInputError("a count is negative or larger than its denominator",
                             fix="Check that each numerator is part of its denominator")
    z = norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    bad = ~(n > 0)
    low, high = np.where(bad, np.nan, centre - half), np.where(bad, np.nan, centre + half)
    return low, high


def compare_with_england(ci_low, ci_high, england_rate, higher_is_better: bool | None = True) -> np.ndarray:
    """``better`` / ``similar`` / ``worse`` by whether the interval excludes the England value.

    With ``higher_is_better=None`` (no polarity) the words are ``higher`` / ``similar`` /
    ``lower``. ``n/a`` where the interval or the England value is missing.
    """
    low, high, eng = (np.asarray(v, dtype="float64") for v in (ci_low, ci_high, england_rate))
    above, below = low > eng, high < eng
    up, down = {True: (BETTER, WORSE), False: (WORSE, BETTER), None: (HIGHER, LOWER)}[higher_is_better]
    words = np.where(above, up, np.where(below, down, SIMILAR)).astype(object)
    words[np.isnan(low) | np.isnan(high) | np.isnan(eng)] = NOT_COMPARED
    return words


# --- the tables -------------------------------------------------------------------------------

def _counts(annual: pd.DataFrame, outcome: Outcome) -> tuple[pd.Series, pd.Series]:
    numerator = annual[outcome.numerator].astype("float64")
    if outcome.denominator == "completion_base":
        denominator = completion_denominator(annual)
    elif outcome.denominator == "left_free":
        denominator = annual["completions"] + annual["re_presentations"]
    else:
        denominator = annual[outcome.denominator]
    return numerator, denominator.astype("float64")


def outcome_table(annual: pd.DataFrame, outcome: str, *, level: str, years=None, substances=None,
                  areas=None, total_label: str | None = None) -> pd.DataFrame:
    """One outcome per area, year and substance with its Wilson interval and England comparison.

    ``annual`` is :meth:`TreatmentData.annual_frame` (England rows give the comparator).
    ``years``, ``substances``, ``areas`` narrow the rows. With ``total_label`` a row adding
    up the areas shown is added per year and substance. Columns ``OUTCOME_COLUMNS``
    (rates are proportions).
    """
    spec = get_outcome(outcome)
    rows = annual[annual["level"] == schema.check_level(level)]
    rows = _narrow(rows, years, substances, areas)
    if total_label and len(rows):
        rows = pd.concat([rows, _area_total(rows, total_label)], ignore_index=True)
    numerator, denominator = _counts(rows, spec)
    table = pd.DataFrame({"area": rows["area"].to_numpy(), "year": rows["year"].to_numpy(),
                          "substance": rows["substance"].to_numpy(), "numerator": numerator.to_numpy(),
                          "denominator": denominator.to_numpy()})
    valid = table["numerator"].notna() & table["denominator"].notna()
    table["rate"] = np.where(valid & (table["denominator"] > 0), table["numerator"] / table["denominator"], np.nan)
    low, high = wilson_interval(table["numerator"].where(valid, 0), table["denominator"].where(valid, 0))
    table["ci_low"], table["ci_high"] = np.where(valid, low, np.nan), np.where(valid, high, np.nan)
    table["england_rate"] = _england_rates(annual, spec, table)
    table["vs_england"] = compare_with_england(table["ci_low"], table["ci_high"], table["england_rate"],
                                               spec.higher_is_better)
    return table[OUTCOME_COLUMNS]


def _narrow(rows, years, substances, areas) -> pd.DataFrame:
    if years is not None:
        rows = rows[rows["year"].isin(list(years))]
    if substances is not None:
        rows = rows[rows["substance"].isin(list(substances))]
    if areas is not None:
        rows = rows[rows["area"].isin(list(areas))]
    return rows


def _area_total(rows: pd.DataFrame, label: str) -> pd.DataFrame:
    counts = schema.COUNTS + ["completion_base"]
    total = rows.groupby(["year", "substance"], sort=False)[counts].sum(min_count=1)
    missing = rows.groupby(["year", "substance"], sort=False)[counts].agg(lambda s: s.isna().any())
    total = total.mask(missing).reset_index()
    total["level"], total["area_code"], total["area"] = rows["level"].iloc[0], "", label
    return total[schema.ANNUAL_COLUMNS]


def _england_rates(annual: pd.DataFrame, spec: Outcome, table: pd.DataFrame) -> np.ndarray:
    england = annual[annual["level"] == ENGLAND]
    if england.empty:
        return np.full(len(table), np.nan)
    num, den = _counts(england, spec)
    rate = pd.Series((num / den.where(den > 0)).to_numpy(), index=pd.MultiIndex.from_arrays(
        [england["year"], england["substance"]]))
    keys = pd.MultiIndex.from_arrays([table["year"], table["substance"]])
    return rate.reindex(keys).to_numpy(dtype="float64")


def suppress_outcomes(table: pd.DataFrame, *, total_label: str | None = None,
                      numerator: str = "numerator", denominator: str = "denominator",
                      rate_columns=("rate", "ci_low", "ci_high")) -> suppression.Suppressed:
    """Suppress an outcome (or completion) table: counts 1-4, totals that would reveal them,
    and rates on hidden counts. Substance rows add up to ``all``; areas to ``total_label``.

    Numerators are protected along the margins; a denominator of 1-4 hides its row's rate.
    """
    time = "period" if "period" in table.columns else "year"
    margins = [suppression.Margin("substance", ALL)]
    if total_label:
        margins.append(suppression.Margin("area", total_label))
    basis = [numerator, denominator]
    result = suppression.suppress(table, [numerator, denominator], margins=margins,
                                  rates={c: basis for c in rate_columns}, keys=["area", time, "substance"])
    return result


def comparison_words(table: pd.DataFrame, result: suppression.Suppressed, column: str = "vs_england") -> pd.Series:
    """The comparison column with ``suppressed`` where the row's rate is hidden."""
    hidden = result.mask[result.rate_columns[0]].to_numpy()
    return table[column].where(~hidden, schema.SUPPRESSED_WORD)


def completion_table(annual: pd.DataFrame, *, level: str, years=None, substances=None, areas=None,
                     total_label: str | None = None) -> pd.DataFrame:
    """Successful completions per area, year and substance (``COMPLETION_COLUMNS``, rates as proportions)."""
    table = outcome_table(annual, "completion", level=level, years=years, substances=substances, areas=areas,
                          total_label=total_label)
    out = table.rename(columns={"year": "period", "numerator": "completions", "denominator": "in_treatment",
                                "rate": "completion_rate"})
    return out[COMPLETION_COLUMNS]


def completion_output(table: pd.DataFrame, *, total_label: str | None = None, decimals: int = 1) -> pd.DataFrame:
    """The completion table as written by the CLI and downloads: ``<5`` for hidden counts, rates in
    per cent to ``decimals`` places (blank where hidden), ``vs_england`` ``suppressed`` where hidden."""
    rate_cols = ["completion_rate", "ci_low", "ci_high"]
    result = suppress_outcomes(table, total_label=total_label, numerator="completions", denominator="in_treatment",
                               rate_columns=rate_cols)
    percent = table.copy()
    for column in rate_cols + ["england_rate"]:
        percent[column] = (percent[column] * 100).round(decimals)
    shown = suppression.Suppressed(percent, result.mask, result.primary, result.count_columns,
                                   result.rate_columns).text()
    shown["vs_england"] = comparison_words(table, result)
    return shown[COMPLETION_COLUMNS]
