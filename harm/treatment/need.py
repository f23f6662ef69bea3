"""Unmet need for treatment and the cost to society of problem drug use (METHODS.md §6, §7).

Unmet need = estimated opiate and/or crack users (OCU) - OCU in treatment; the share not in
treatment is unmet need / prevalence. With the demo data, OCU in treatment are the
*opiate* group in treatment (NDTMS puts opiate and crack users there). With an OHID
Fingertips file (indicator 93517) the file's own figures are used: prevalence =
``Denominator``, not in treatment = ``Count``, share and 95% interval = ``Value`` and its
limits, and the file's own comparison with England.

The interval of a computed share comes from the prevalence estimate's 95% interval: the
share is 1 - in treatment / prevalence, evaluated at the low and high prevalence.

Cost to society: prevalence x £44,231 per problem drug user per year, in 2003/04 prices
(Home Office estimate used in the West Mercia paper), optionally times an inflation factor
the user gives to move it to another price base.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from harm.errors import HarmInputError
from harm.treatment import schema
from harm.treatment.outcomes import compare_with_england
from harm.treatment.schema import ENGLAND

COST_PER_PROBLEM_USER = 44_231
COST_PRICE_BASE = "2003/04 prices"
COST_SOURCE = "£44,231 per problem drug user a year (Home Office estimate, 2003/04 prices)"
NEED_COLUMNS = ["area", "year", "prevalence", "prevalence_low", "prevalence_high", "in_treatment", "unmet_need",
                "share_not_in_treatment", "share_low", "share_high", "england_share", "vs_england"]
METHOD_NOTE = (
    "Unmet need = estimated opiate and/or crack users (OCU) minus OCU in treatment; share not in treatment = "
    "unmet need / estimated users, with the 95% interval of the prevalence estimate. Compared with England: "
    "better (lower) or worse (higher) when the interval excludes England's share, else similar.")


def unmet_need(treatment, *, level: str = "la", years=None, areas=None) -> pd.DataFrame:
    """Unmet need per area and year (``NEED_COLUMNS``), England's share as the comparator.

    ``treatment`` is a :class:`~harm.treatment.data.TreatmentData` with prevalence.
    Rows come from the prevalence data at ``level``; ``in_treatment`` is the file's own
    OCU-in-treatment figure where it gives one, else the opiate group's number in treatment.
    """
    if not treatment.has_prevalence():
        raise HarmInputError("there are no prevalence estimates in the data",
                             fix="Load OHID Fingertips indicator 93517 (OCU not in treatment) or use the demo data")
    schema.check_level(level)
    prevalence = treatment.prevalence.copy()
    for column in ("in_treatment", "share_not_in_treatment", "share_low", "share_high", "source_comparison"):
        if column not in prevalence:
            prevalence[column] = np.nan if column != "source_comparison" else ""
    opiate = treatment.annual_frame()
    opiate = opiate[opiate["substance"] == "opiate"].set_index(["level", "area", "year"])["in_treatment"]
    keys = pd.MultiIndex.from_frame(prevalence[["level", "area", "year"]])
    prevalence["in_treatment"] = prevalence["in_treatment"].fillna(
        pd.Series(opiate.reindex(keys).to_numpy(), index=prevalence.index))
    table = _need(prevalence)
    england = table[table["level"] == ENGLAND].set_index("year")["share_not_in_treatment"]
    rows = table[table["level"] == level]
    if years is not None:
        rows = rows[rows["year"].isin(list(years))]
    if areas is not None:
        rows = rows[rows["area"].isin(list(areas))]
    rows = rows.copy()
    rows["england_share"] = rows["year"].map(england).astype("float64")
    computed = compare_with_england(rows["share_low"], rows["share_high"], rows["england_share"],
                                    higher_is_better=False)
    given = rows["source_comparison"].fillna("").astype(str)
    rows["vs_england"] = np.where(given != "", given, computed)
    return rows[NEED_COLUMNS].reset_index(drop=True)


def _need(prevalence: pd.DataFrame) -> pd.DataFrame:
    out = prevalence.copy()
    p = out["prevalence"].astype("float64")
    treated = out["in_treatment"].astype("float64")
    out["unmet_need"] = (p - treated).clip(lower=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = out["unmet_need"] / p.where(p > 0)
        low = (1 - treated / out["prevalence_low"].astype("float64")).clip(lower=0)
        high = (1 - treated / out["prevalence_high"].astype("float64")).clip(lower=0)
    out["share_not_in_treatment"] = out["share_not_in_treatment"].astype("float64").fillna(share)
    out["share_low"] = out["share_low"].astype("float64").fillna(low)
    out["share_high"] = out["share_high"].astype("float64").fillna(high)
    return out


def cost_to_society(prevalence, inflation_factor: float = 1.0) -> pd.DataFrame:
    """Cost of problem drug use: prevalence x £44,231 (2003/04 prices) and x ``inflation_factor``.

    ``prevalence`` is a number or a Series/array of numbers. Returns a frame with
    ``prevalence, cost_2003_04, inflation_factor, cost`` (pounds per year).
    """
    factor = _check_factor(inflation_factor)
    p = np.atleast_1d(np.asarray(prevalence, dtype="float64"))
    base = p * COST_PER_PROBLEM_USER
    return pd.DataFrame({"prevalence": p, "cost_2003_04": base, "inflation_factor": factor, "cost": base * factor})


def _check_factor(factor) -> float:
    try:
        value = float(factor)
    except (TypeError, ValueError):
        raise HarmInputError(f"the inflation factor {factor!r} is not a number", fix="Give a number such as 1.45") from None
    if not np.isfinite(value) or value <= 0:
        raise HarmInputError(f"the inflation factor must be above 0, not {factor}", fix="Use 1 for 2003/04 prices")
    return value


def cost_note(total_prevalence: float, inflation_factor: float = 1.0) -> str:
    """One sentence: the cost, its price base and, when used, the factor."""
    factor = _check_factor(inflation_factor)
    base = total_prevalence * COST_PER_PROBLEM_USER
    text = (f"{total_prevalence:,.0f} estimated problem drug users x £{COST_PER_PROBLEM_USER:,} = "
            f"£{base / 1e6:,.1f} million a year in {COST_PRICE_BASE}")
    if factor != 1.0:
        text += f"; x {factor:g} (your inflation factor) = £{base * factor / 1e6:,.1f} million a year at your price base"
    return text + "."


SHARE_COLUMNS = ["share_not_in_treatment", "share_low", "share_high"]


def suppress_need(table: pd.DataFrame):
    """Suppress an :func:`unmet_need` table: an in-treatment count of 1-4 is hidden, and with it
    unmet need and the shares (prevalence minus either would give it back)."""
    from harm import suppression

    return suppression.suppress(table, ["in_treatment"], keys=["area", "year"],
                                rates={c: ["in_treatment"] for c in ["unmet_need"] + SHARE_COLUMNS})


def need_output(table: pd.DataFrame, *, decimals: int = 1) -> pd.DataFrame:
    """The unmet-need table as downloaded: people to whole numbers (Fingertips averages to one decimal
    place), shares in per cent to ``decimals`` places, hidden cells ``<5`` / blank."""
    from harm import suppression

    result = suppress_need(table)
    shown = table.copy()
    for column in SHARE_COLUMNS + ["england_share"]:
        shown[column] = (shown[column] * 100).round(decimals)
    for column in ("prevalence", "prevalence_low", "prevalence_high", "unmet_need"):
        whole = shown[column].round(0)
        shown[column] = whole.where((shown[column] - whole).abs() < 1e-9, shown[column].round(1))
    text = suppression.Suppressed(shown, result.mask, result.primary, result.count_columns,
                                  result.rate_columns).text()
    for column in ("prevalence", "prevalence_low", "prevalence_high"):
        text[column] = [("" if pd.isna(v) else (f"{int(v)}" if float(v).is_integer() else f"{v:.1f}"))
                        for v in shown[column]]
    text["unmet_need"] = [t if hidden else (f"{int(v)}" if float(v).is_integer() else f"{v:.1f}")
                          for t, v, hidden in zip(text["unmet_need"], shown["unmet_need"], result.mask["unmet_need"])]
    return text[NEED_COLUMNS]
