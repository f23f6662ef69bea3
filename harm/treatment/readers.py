"""Readers for the public treatment formats and the dashboard's own treatment CSV.

Each reader returns a :class:`harm.treatment.data.TreatmentData` holding what the file
has. Layouts are recognised from the header:

- **OHID Fingertips** indicator CSV (``indicator-data.csv`` from the Fingertips API, e.g.
  indicator 93517 "Proportion of opiate and/or crack cocaine users not in treatment", as
  ``unmet_opiates.csv``): unmet need per area and year (count not in treatment,
  denominator = estimated users, value = % not in treatment with its 95% interval and
  the file's comparison with England). Successful-completion indicators become
  completions (``Count``) out of people in treatment (``Denominator``).
- **NDTMS ViewIt, local authorities** ("all indicators for all local authorities"):
  counts rounded to the nearest 5, missing values written ``NULL``; the
  ``sex``/``age_group`` totals are kept (written ``Total`` or ``TOTAL``).
- **NDTMS ViewIt, England** totals: other column names (``ReportingPeriod_Data``,
  ``Area_Data``, ``DrugGroup_Data`` ...), numbers in treatment only.
- **The dashboard's treatment CSV**: the columns of ``schema.ANNUAL_COLUMNS`` (annual) or
  ``schema.QUARTERLY_COLUMNS`` (quarterly, as the demo data).

Anything else raises a ``HarmInputError`` naming the columns each layout needs.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from harm.errors import HarmInputError
from harm.io.tables import read_table
from harm.treatment import schema
from harm.treatment.areas import code_for_name
from harm.treatment.data import TreatmentData
from harm.treatment.schema import ENGLAND, ENGLAND_NAME, OCU

MISSING_WORDS = {"", "null", "na", "n/a", "nan", "none", "*", "-", ".."}

FINGERTIPS_REQUIRED = ["Indicator ID", "Indicator Name", "Area Code", "Area Name", "Time period", "Value",
                       "Count", "Denominator"]
VIEWIT_LA_REQUIRED = ["ReportingPeriod", "Area", "sex", "age_group", "drug_group", "intreatment_allintx"]
VIEWIT_ENGLAND_REQUIRED = ["ReportingPeriod_Data", "Area_Data", "DrugGroup_Data", "Gender_Data",
                           "AgeGroup_Data", "Num_InTreatment_AllInTx"]
CANONICAL_REQUIRED = ["area", "year", "substance", "in_treatment"]
CANONICAL_QUARTERLY_REQUIRED = ["area", "year", "quarter", "substance", "carried_over", "new_presentations"]

LAYOUTS = {
    "OHID Fingertips indicator CSV": FINGERTIPS_REQUIRED,
    "NDTMS ViewIt local authority export": VIEWIT_LA_REQUIRED,
    "NDTMS ViewIt England export": VIEWIT_ENGLAND_REQUIRED,
    "the dashboard's treatment CSV": CANONICAL_REQUIRED,
}

# ViewIt local-authority columns -> our counts.
VIEWIT_COUNTS = {
    "intreatment_allintx": "in_treatment",
    "newpresentation_newtx": "new_presentations",
    "scnr_scrn_allintx": "completions",
    "scnr_representation_allintx": "re_presentations",
    "referralsource_criminal_justice_newtx": "referrals_cjs",
    "scnr_intreatment_allintx": "completion_base",
}
VIEWIT_WAITS_OVER_3_WEEKS = ["waitsfirst_3to6weeks_newtx", "waitsfirst_over6weeks_newtx"]
VIEWIT_EXIT_PREFIX = "exits_"
VIEWIT_ROUNDING_NOTE = ("NDTMS ViewIt local authority counts are rounded to the nearest 5 by the publisher, so "
                        "parts may not add up to totals and rates on small numbers are approximate.")
FINGERTIPS_UNMET_ID = 93517


# --- reading text ---------------------------------------------------------------------------

def _read_text(source, name: str) -> pd.DataFrame:
    """A CSV as text cells (UTF-8 with or without BOM, else Windows-1252), header cleaned."""
    raw = source.read_bytes() if isinstance(source, Path) else (source if isinstance(source, bytes) else source.read())
    frame = read_table(raw, name).frame
    return frame.apply(lambda column: column.str.strip()) if len(frame.columns) else frame


def _numbers(series: pd.Series) -> pd.Series:
    """Text cells to floats: ``NULL``, empty, ``*`` and similar become NaN; thousands commas go."""
    text = series.astype(str).str.strip()
    missing = text.str.lower().isin(MISSING_WORDS)
    values = pd.to_numeric(text.str.replace(",", "", regex=False).where(~missing), errors="coerce")
    return values.astype("float64")


def _has(frame: pd.DataFrame, columns: list[str]) -> bool:
    present = {c.lower() for c in frame.columns}
    return all(c.lower() in present for c in columns)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    lookup = {c.lower(): c for c in frame.columns}
    return frame[lookup[name.lower()]]


def _year(text: str, *, where: str) -> str:
    """``2016/17``, ``2016-17``, ``2016/2017`` or a Fingertips sortable ``20160000`` -> ``2016/17``."""
    text = str(text).strip()
    match = re.match(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$", text) or re.match(r"^(\d{4})0000$", text)
    if not match:
        raise HarmInputError(f"{text!r} is not a financial year", where=where, fix="Write years like 2016/17")
    return schema.year_label(int(match.group(1)))


def _is_total(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip().str.lower().isin({"total", "persons", "all", "all ages"})


# --- the layouts ----------------------------------------------------------------------------

def read_treatment_file(source, name: str | None = None) -> TreatmentData:
    """Read one treatment file (path, bytes or file object); the layout is recognised from its header."""
    name = name or (source.name if isinstance(source, Path) else "uploaded file")
    frame = _read_text(source, name)
    if _has(frame, FINGERTIPS_REQUIRED):
        return read_fingertips(frame, name)
    if _has(frame, VIEWIT_ENGLAND_REQUIRED):
        return read_viewit_england(frame, name)
    if _has(frame, VIEWIT_LA_REQUIRED):
        return read_viewit_la(frame, name)
    if _has(frame, CANONICAL_REQUIRED) or _has(frame, CANONICAL_QUARTERLY_REQUIRED):
        return read_canonical(frame, name)
    expected = "; ".join(f"{layout} ({', '.join(cols)})" for layout, cols in LAYOUTS.items())
    found = ", ".join(frame.columns[:8]) + (" ..." if len(frame.columns) > 8 else "")
    raise HarmInputError(f"the columns ({found}) are not a treatment layout this dashboard reads", where=name,
                         fix=f"Expected one of: {expected}")


def _total_rows(frame: pd.DataFrame, sex: str, age: str, name: str) -> pd.DataFrame:
    """The all-persons, all-ages rows of a ViewIt export (``Total`` in both columns)."""
    rows = frame[(_is_total(_column(frame, sex)) & _is_total(_column(frame, age))).to_numpy()]
    if rows.empty:
        raise HarmInputError(f"no rows with {sex} and {age} 'Total'", where=name,
                             fix="Export all persons and ages (the Total rows) from ViewIt")
    return rows


def read_viewit_la(frame: pd.DataFrame, name: str) -> TreatmentData:
    """NDTMS ViewIt local-authority export -> annual counts per authority, year and substance."""
    rows = _total_rows(frame, "sex", "age_group", name)
    out = pd.DataFrame({
        "level": "la",
        "area": _column(rows, "Area").str.strip().to_numpy(),
        "year": [_year(v, where=name) for v in _column(rows, "ReportingPeriod")],
        "substance": [_substance(v, name) for v in _column(rows, "drug_group")],
    })
    for source_col, ours in VIEWIT_COUNTS.items():
        out[ours] = _numbers(_column(rows, source_col)).to_numpy() if _has(rows, [source_col]) else np.nan
    waits = [c for c in VIEWIT_WAITS_OVER_3_WEEKS if _has(rows, [c])]
    out["waiting_over_3_weeks"] = (sum(_numbers(_column(rows, c)).to_numpy() for c in waits)
                                   if len(waits) == len(VIEWIT_WAITS_OVER_3_WEEKS) else np.nan)
    exit_cols = [c for c in rows.columns if c.lower().startswith(VIEWIT_EXIT_PREFIX)]
    out["exits"] = (np.sum([_numbers(rows[c]).to_numpy() for c in exit_cols], axis=0)
                    if exit_cols else np.nan)
    out["retained_12_weeks"] = np.nan  # not in ViewIt exports
    out["area_code"] = [code_for_name(a) for a in out["area"]]
    annual = _dedupe(out.dropna(subset=["substance"]), name)
    notes = [VIEWIT_ROUNDING_NOTE, f"{name}: retention over 12 weeks is not in ViewIt exports."]
    return TreatmentData(annual=annual, source=f"NDTMS ViewIt ({name})", notes=notes)


def read_viewit_england(frame: pd.DataFrame, name: str) -> TreatmentData:
    """NDTMS ViewIt England export -> England numbers in treatment per year and substance."""
    rows = _total_rows(frame, "Gender_Data", "AgeGroup_Data", name)
    out = pd.DataFrame({
        "level": ENGLAND, "area_code": "E92000001", "area": ENGLAND_NAME,
        "year": [_year(v, where=name) for v in _column(rows, "ReportingPeriod_Data")],
        "substance": [_substance(v, name) for v in _column(rows, "DrugGroup_Data")],
        "in_treatment": _numbers(_column(rows, "Num_InTreatment_AllInTx")).to_numpy(),
    })
    areas = set(_column(rows, "Area_Data").str.strip().str.lower())
    if areas - {"england"}:
        raise HarmInputError(f"Area_Data has {', '.join(sorted(areas - {'england'}))}", where=name,
                             fix="Use the England export, or the local authority export for areas")
    notes = [f"{name}: the England export has numbers in treatment only (no completions)."]
    return TreatmentData(annual=_dedupe(out.dropna(subset=["substance"]), name),
                         source=f"NDTMS ViewIt England ({name})", notes=notes)


def read_fingertips(frame: pd.DataFrame, name: str) -> TreatmentData:
    """OHID Fingertips indicator CSV -> unmet need (indicator 93517) and/or completions."""
    rows = frame
    if _has(frame, ["Sex"]):
        rows = frame[_column(frame, "Sex").str.strip().str.lower().isin({"persons", ""}).to_numpy()]
    if _has(rows, ["Category Type"]):
        rows = rows[_column(rows, "Category Type").str.strip().eq("").to_numpy()]
    parts, notes = [], []
    for (indicator_id, indicator), group in rows.groupby(
            [_column(rows, "Indicator ID").str.strip(), _column(rows, "Indicator Name").str.strip()], sort=False):
        kind = _fingertips_kind(indicator_id, indicator)
        if kind == "unmet":
            parts.append(TreatmentData(prevalence=_fingertips_unmet(group, name)))
        elif kind is not None:
            parts.append(TreatmentData(annual=_fingertips_completions(group, kind, name)))
        else:
            notes.append(f"{name}: indicator {indicator_id} ({indicator}) is not one the dashboard uses.")
    if not parts:
        raise HarmInputError("no indicator the dashboard uses", where=name,
                             fix=f"Use Fingertips indicator {FINGERTIPS_UNMET_ID} (opiate and/or crack users not in "
                                 "treatment) or a successful-completion indicator")
    from harm.treatment.data import combine

    combined = combine(parts)
    combined.source = f"OHID Fingertips ({name})"
    combined.notes = combined.notes + notes + [
        f"{name}: Fingertips counts of people not in treatment are averages and may have fractions."]
    return combined


def _fingertips_kind(indicator_id: str, indicator: str) -> str | None:
    text = indicator.lower()
    if indicator_id == str(FINGERTIPS_UNMET_ID) or "not in treatment" in text:
        return "unmet"
    if "successful completion" in text:
        for words, key in (("non-opiate", "non-opiate"), ("opiate", "opiate"), ("alcohol", "alcohol")):
            if words in text:
                return "non-opiate and alcohol" if key == "non-opiate" and "alcohol" in text else key
    return None


def _fingertips_frame(group: pd.DataFrame, name: str) -> pd.DataFrame:
    area_type = _column(group, "Area Type").str.strip().str.lower() if _has(group, ["Area Type"]) else None
    area = _column(group, "Area Name").str.strip()
    is_england = (area.str.lower() == "england").to_numpy() | (
        (area_type == "england").to_numpy() if area_type is not None else False)
    compared = (_column(group, "Compared to England value or percentiles").str.strip().str.lower()
                if _has(group, ["Compared to England value or percentiles"]) else pd.Series("", index=group.index))
    return pd.DataFrame({
        "level": np.where(is_england, ENGLAND, "la"),
        "area_code": _column(group, "Area Code").str.strip().to_numpy(),
        "area": np.where(is_england, ENGLAND_NAME, area.to_numpy()),
        "year": [_year(v, where=name) for v in _column(group, "Time period")],
        "value": _numbers(_column(group, "Value")).to_numpy(),
        "ci_low": _numbers(_column(group, "Lower CI 95.0 limit")).to_numpy()
        if _has(group, ["Lower CI 95.0 limit"]) else np.nan,
        "ci_high": _numbers(_column(group, "Upper CI 95.0 limit")).to_numpy()
        if _has(group, ["Upper CI 95.0 limit"]) else np.nan,
        "count": _numbers(_column(group, "Count")).to_numpy(),
        "denominator": _numbers(_column(group, "Denominator")).to_numpy(),
        "compared": [_comparison_word(c) for c in compared],
    })


def _comparison_word(text: str) -> str:
    text = str(text).strip().lower()
    return text if text in (schema.BETTER, schema.SIMILAR, schema.WORSE) else ""


def _fingertips_unmet(group: pd.DataFrame, name: str) -> pd.DataFrame:
    f = _fingertips_frame(group, name)
    return pd.DataFrame({
        "level": f["level"], "area_code": f["area_code"], "area": f["area"], "year": f["year"],
        "substance": OCU, "prevalence": f["denominator"], "prevalence_low": np.nan, "prevalence_high": np.nan,
        "in_treatment": f["denominator"] - f["count"], "not_in_treatment": f["count"],
        "share_not_in_treatment": f["value"] / 100, "share_low": f["ci_low"] / 100, "share_high": f["ci_high"] / 100,
        "source_comparison": f["compared"],
    })


def _fingertips_completions(group: pd.DataFrame, substance: str, name: str) -> pd.DataFrame:
    f = _fingertips_frame(group, name)
    out = f[["level", "area_code", "area", "year"]].copy()
    out["substance"] = substance
    out["completions"] = f["count"]
    out["completion_base"] = f["denominator"]
    return out


def read_canonical(frame: pd.DataFrame, name: str) -> TreatmentData:
    """The dashboard's own annual or quarterly treatment CSV."""
    frame = frame.rename(columns={c: c.strip().lower() for c in frame.columns})
    quarterly = "quarter" in frame.columns
    required = CANONICAL_QUARTERLY_REQUIRED if quarterly else CANONICAL_REQUIRED
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise HarmInputError(f"no column(s) {', '.join(missing)}", where=name,
                             fix=f"The treatment CSV needs {', '.join(required)}")
    out = pd.DataFrame({
        "level": frame["level"].str.strip().str.lower() if "level" in frame else "la",
        "area": frame["area"].str.strip(),
        "year": [_year(v, where=name) for v in frame["year"]],
        "substance": [_substance(v, name) for v in frame["substance"]],
    })
    out["area_code"] = frame["area_code"].str.strip() if "area_code" in frame else [code_for_name(a) for a in out["area"]]
    bad_levels = sorted(set(out["level"]) - {"la", "csp", ENGLAND})
    if bad_levels:
        raise HarmInputError(f"unknown level(s) {', '.join(bad_levels)}", where=name, fix="Use la, csp or england")
    counts = schema.QUARTERLY_COUNTS if quarterly else schema.COUNTS + ["completion_base"]
    for column in counts:
        out[column] = _numbers(frame[column]) if column in frame else np.nan
    if quarterly:
        out["quarter"] = _numbers(frame["quarter"]).astype("Int64")
        if out["quarter"].isna().any() or not out["quarter"].dropna().between(1, 4).all():
            raise HarmInputError("quarter must be 1 to 4", where=name, fix="Number quarters 1 (Apr-Jun) to 4 (Jan-Mar)")
        out["in_treatment"] = out["carried_over"] + out["new_presentations"]
        out["period"] = out["year"] + " Q" + out["quarter"].astype(str)
        return TreatmentData(quarterly=out[schema.QUARTERLY_COLUMNS], source=f"Treatment CSV ({name})")
    return TreatmentData(annual=_dedupe(out, name), source=f"Treatment CSV ({name})")


def _substance(value: str, name: str) -> str | None:
    try:
        return schema.substance_key(value, where=name)
    except HarmInputError:
        return None


def _dedupe(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """One row per area, year and substance; a repeated row must not disagree."""
    keys = schema.KEYS
    dup = frame.duplicated(keys, keep=False)
    if dup.any():
        clash = frame[dup].groupby(keys, dropna=False).nunique(dropna=False).gt(1).any(axis=1)
        if clash.any():
            area, year, substance = clash[clash].index[0][2:5]
            raise HarmInputError(f"two different rows for {area}, {year}, {substance}", where=name,
                                 fix="Keep one row per area, year and substance")
        frame = frame.drop_duplicates(keys)
    for column in schema.ANNUAL_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    return frame[schema.ANNUAL_COLUMNS].reset_index(drop=True)


def read_treatment_files(sources: list, names: list[str] | None = None) -> TreatmentData:
    """Several files at once, combined (see :func:`harm.treatment.data.combine`)."""
    from harm.treatment.data import combine

    names = names or [None] * len(sources)
    return combine([read_treatment_file(s, n) for s, n in zip(sources, names)])


# --- treatment data sets kept on the Data page ----------------------------------------------

def stored_treatment_names() -> list[str]:
    """Names of the treatment data sets imported on the Data page (``python -m harm import --kind treatment``)."""
    from harm import store

    return store.dataset_names("treatment")


def read_stored_treatment(name: str) -> TreatmentData:
    """A stored treatment data set: its kept files read again with :func:`read_treatment_file` and
    combined; the source names the data set and its files."""
    from harm import store

    data = read_treatment_files(store.kept_files(name, "treatment"))
    data.source = f"Data set {store.get_dataset(name, 'treatment').name}: {data.source}"
    return data
