"""Spend against outcomes (METHODS.md §7): spend per head, per person in treatment, per completion.

Every ratio here is a plain division of one year's spend by one year's count, so it carries
:data:`CAUTION`: it ignores case mix (who is in treatment, how complex their needs) and time
lags (money spent this year pays for completions next year). Spend is attributed to the chosen
area level as described in :mod:`harm.spend.geography` (population shares for spend recorded
for a wider area); the apportioned part is shown in ``spend_apportioned``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from harm import suppression
from harm.errors import HarmInputError
from harm.spend import table as st
from harm.spend.geography import area_names, attribution_weights, check_level, population

CAUTION = ("A plain spend ÷ people or spend ÷ completions ratio ignores case mix (who is in treatment and "
           "how complex their needs are) and time lags (this year's spend buys next year's completions): "
           "use it to ask questions, not to rank areas.")
OUTCOME_COLUMNS = ["area", "year", "spend", "population", "spend_per_head", "in_treatment", "completions",
                   "cost_per_completion", "spend_per_person_in_treatment", "spend_apportioned", "note"]
NOTE_SUPPRESSED = "completions suppressed (fewer than 5): cost per completion not shown"
NOTE_SECONDARY = ("completions hidden ([c]) so that a small count for one substance cannot be worked out: "
                  "cost per completion not shown")
NOTE_ZERO = "no successful completions: cost per completion cannot be worked out"
NOTE_NO_TREATMENT = "no treatment data for this area and year"
NOTE_NO_SPEND = "no spend recorded for this area and year"
NOTE_IN_TREATMENT_HIDDEN = "people in treatment suppressed: spend per person in treatment not shown"


def attribute_spend(spend: pd.DataFrame, level: str) -> pd.DataFrame:
    """Spend lines moved to the areas of ``level`` (``la`` or ``csp``).

    Returns the lines with confirmed amounts as ``year, area, recorded_area, funder, programme,
    provider, category, amount, apportioned``: a line recorded for an area inside one target
    area keeps its amount; a line recorded for an area spanning several is split by
    population, and each part has ``apportioned`` True. Totals are unchanged (to rounding).
    """
    check_level(level)
    confirmed = spend[spend["amount"].notna()]
    columns = ["year", "area", "recorded_area", "funder", "programme", "provider", "category", "amount",
               "apportioned"]
    if len(confirmed) == 0:
        return pd.DataFrame(columns=columns)
    weights = {a: attribution_weights(a, level) for a in confirmed["area"].unique()}
    pieces = []
    for area, lines in confirmed.groupby("area", sort=False):
        share = weights[area]
        for target, weight in share.items():
            part = lines.assign(recorded_area=area, area=target, amount=lines["amount"] * weight,
                                apportioned=len(share) > 1)
            pieces.append(part)
    out = pd.concat(pieces, ignore_index=True)
    out[["year", "area", "recorded_area"]] = out[["year", "area", "recorded_area"]].astype("string")
    return out[columns].sort_values(["year", "area", "recorded_area"], kind="stable").reset_index(drop=True)


def select_categories(spend: pd.DataFrame, categories=st.DRUG_AND_ALCOHOL) -> pd.DataFrame:
    """The spend lines in ``categories`` (default: the drug and alcohol categories)."""
    unknown = sorted(set(categories) - set(st.CATEGORIES))
    if unknown:
        raise HarmInputError(f"unknown spend categor{'y' if len(unknown) == 1 else 'ies'}: {', '.join(unknown)}",
                             fix=f"Use any of: {', '.join(st.CATEGORIES)}.")
    return spend[spend["category"].isin(list(categories))]


def spend_by(spend: pd.DataFrame, by: list[str], level: str | None = None) -> pd.DataFrame:
    """Confirmed spend summed by ``by`` (any of year, area, funder, programme, category, provider).

    With ``level``, ``area`` is the area of that level the spend is attributed to; without,
    the area the line was recorded for. Lines to be confirmed are left out (see ``tbc_lines``).
    """
    frame = attribute_spend(spend, level) if level else spend[spend["amount"].notna()]
    if len(frame) == 0:
        return pd.DataFrame(columns=[*by, "amount"])
    return frame.groupby(list(by), as_index=False, observed=True)["amount"].sum()


def tbc_lines(spend: pd.DataFrame) -> pd.DataFrame:
    """The lines whose amount is to be confirmed (left out of every total)."""
    return spend[spend["amount_status"] == st.TO_BE_CONFIRMED].reset_index(drop=True)


# --- joining spend to treatment ----------------------------------------------------------------

def spend_against_outcomes(spend: pd.DataFrame, treatment: pd.DataFrame, level: str, year: str | None = None,
                           categories=st.DRUG_AND_ALCOHOL) -> pd.DataFrame:
    """One row per area and year: spend, per head, per person in treatment, per successful completion.

    ``treatment`` has one row per area and year with ``in_treatment``, ``completions`` and
    ``in_treatment_hidden``, ``completions_hidden`` (True where small-number suppression hides
    the count) — :func:`harm.spend.treatment_link.treatment_counts` builds it. Every area of
    ``level`` appears for every year with spend (or just ``year``). Columns
    :data:`OUTCOME_COLUMNS`; ``cost_per_completion`` = ``spend / completions`` and is blank
    (NaN) where completions are zero, suppressed or unknown, with the reason in ``note``.
    Hidden counts are NaN in ``in_treatment`` / ``completions``.
    """
    check_level(level)
    chosen = select_categories(spend, categories)
    attributed = attribute_spend(chosen, level)
    years = sorted(spend["year"].unique()) if year is None else [year]
    if not years:
        return pd.DataFrame(columns=OUTCOME_COLUMNS)
    grid = pd.MultiIndex.from_product([area_names(level), years], names=["area", "year"])
    amounts = attributed.groupby(["area", "year"])["amount"].sum()
    apportioned = attributed[attributed["apportioned"]].groupby(["area", "year"])["amount"].sum()
    lines = attributed.groupby(["area", "year"]).size()
    out = pd.DataFrame(index=grid)
    out["spend"] = amounts.reindex(grid).fillna(0.0)
    out["has_spend"] = lines.reindex(grid).fillna(0) > 0
    out["spend_apportioned"] = apportioned.reindex(grid).fillna(0.0)
    out = out.reset_index()
    out["population"] = out["area"].map(population(level)).astype("int64")
    out["spend_per_head"] = out["spend"] / out["population"]
    counts = _counts_for(treatment, out)
    out = pd.concat([out, counts], axis=1)
    return _ratios(out)[OUTCOME_COLUMNS + ["in_treatment_hidden", "completions_hidden", "in_treatment_text",
                                           "completions_text"]]


def outcomes_output(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The table as written to CSV: :data:`OUTCOME_COLUMNS`, pounds to the penny, hidden counts as
    :mod:`harm.suppression` prints them (``<5``, ``[c]``)."""
    out = outcomes[OUTCOME_COLUMNS].copy()
    for column in ("spend", "spend_per_head", "cost_per_completion", "spend_per_person_in_treatment",
                   "spend_apportioned"):
        out[column] = out[column].round(2)
    for column in ("in_treatment", "completions"):
        out[column] = outcomes[f"{column}_text"].to_numpy()
    return out


def _counts_for(treatment: pd.DataFrame, grid: pd.DataFrame) -> pd.DataFrame:
    needed = {"area", "year", "in_treatment", "completions", "in_treatment_hidden", "completions_hidden",
              "in_treatment_text", "completions_text"}
    missing = sorted(needed - set(treatment.columns))
    if missing:
        raise HarmInputError(f"treatment counts lack column(s) {', '.join(missing)}",
                             fix="Build them with harm.spend.treatment_link.treatment_counts.")
    keyed = treatment.drop_duplicates(["area", "year"]).set_index(["area", "year"])
    index = pd.MultiIndex.from_frame(grid[["area", "year"]].astype(object))
    found = keyed.reindex(index)
    return pd.DataFrame({
        "has_treatment": index.isin(keyed.index),
        "in_treatment_hidden": found["in_treatment_hidden"].fillna(False).astype(bool).to_numpy(),
        "completions_hidden": found["completions_hidden"].fillna(False).astype(bool).to_numpy(),
        "in_treatment": found["in_treatment"].astype("float64").to_numpy(),
        "completions": found["completions"].astype("float64").to_numpy(),
        "in_treatment_text": found["in_treatment_text"].fillna("").astype(object).to_numpy(),
        "completions_text": found["completions_text"].fillna("").astype(object).to_numpy(),
    }, index=grid.index)


def _ratios(out: pd.DataFrame) -> pd.DataFrame:
    out = out.copy()
    out.loc[out["in_treatment_hidden"], "in_treatment"] = np.nan
    out.loc[out["completions_hidden"], "completions"] = np.nan
    spend = out["spend"].where(out["has_spend"])
    completions, people = out["completions"], out["in_treatment"]
    out["cost_per_completion"] = spend / completions.where(completions > 0)
    out["spend_per_person_in_treatment"] = spend / people.where(people > 0)
    notes = []
    for row in out.itertuples():
        reasons = []
        if not row.has_spend:
            reasons.append(NOTE_NO_SPEND)
        if not row.has_treatment:
            reasons.append(NOTE_NO_TREATMENT)
        elif row.completions_hidden:
            reasons.append(NOTE_SUPPRESSED if row.completions_text == suppression.SUPPRESSED_TEXT
                           else NOTE_SECONDARY)
        elif pd.isna(row.completions):
            reasons.append("completions not reported: cost per completion not shown")
        elif row.completions == 0:
            reasons.append(NOTE_ZERO)
        if row.has_treatment and row.in_treatment_hidden:
            reasons.append(NOTE_IN_TREATMENT_HIDDEN)
        notes.append("; ".join(reasons))
    out["note"] = notes
    return out


# --- outcomes to plot spend per head against ----------------------------------------------------

OUTCOME_CHOICES = {
    "completion_rate": "Successful completions (% of people in treatment)",
    "drug_offences_per_1000": "Drug offences per 1,000 residents",
    "re_presentation_rate": "Re-presentations within 6 months (% of successful completions)",
}


def drug_offence_rates(incidents: pd.DataFrame, level: str) -> pd.DataFrame:
    """Recorded drug offences (possession and trafficking) per area of ``level`` and financial year.

    Columns ``area, year, drug_offences, population, drug_offences_per_1000``. Incidents are
    placed in areas by their point (via their LSOA); those outside every area are not counted.
    """
    from harm.areas import assign, load_area_set
    from harm.counts import financial_year_labels
    from harm.measures import select
    from harm.spend.geography import districts

    check_level(level)
    drugs = incidents[select(incidents, "drug-offences")]
    lad_names = assign(drugs, load_area_set("lad")).astype("string").to_numpy()
    to_area = dict(zip(districts()["lad_name"], districts()[level]))
    frame = pd.DataFrame({"area": pd.Series(lad_names).map(to_area),
                          "year": financial_year_labels(drugs["occurred_from"]).astype("string").to_numpy()})
    counts = frame.dropna().groupby(["area", "year"]).size()
    years = sorted(frame["year"].dropna().unique())
    grid = pd.MultiIndex.from_product([area_names(level), years], names=["area", "year"])
    out = counts.reindex(grid, fill_value=0).rename("drug_offences").reset_index()
    out["population"] = out["area"].map(population(level)).astype("int64")
    out["drug_offences_per_1000"] = out["drug_offences"] / out["population"] * 1000
    return out


def outcome_against_spend(outcomes: pd.DataFrame, outcome: str, values: pd.DataFrame) -> pd.DataFrame:
    """Spend per head beside one outcome per area: ``area, year, spend_per_head, outcome, value``.

    ``values`` has ``area, year`` and a column named ``outcome`` (one of :data:`OUTCOME_CHOICES`);
    rows where the outcome is unknown or hidden are kept with ``value`` NaN, so the page can
    say which areas are missing and why.
    """
    if outcome not in OUTCOME_CHOICES:
        raise HarmInputError(f"unknown outcome {outcome!r}", fix=f"Use one of: {', '.join(OUTCOME_CHOICES)}.")
    merged = outcomes[["area", "year", "spend_per_head"]].merge(
        values[["area", "year", outcome]].astype({"area": "string", "year": "string"}),
        on=["area", "year"], how="left")
    return merged.rename(columns={outcome: "value"}).assign(outcome=OUTCOME_CHOICES[outcome])[
        ["area", "year", "spend_per_head", "outcome", "value"]]
