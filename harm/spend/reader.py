"""Importing a user's spend table (CSV or XLSX, first sheet): every row is loaded or listed with its reason.

``read_spend_file(path)`` is what the page and ``python -m harm import --kind spend`` call.
The rules (also in ``data/DATA_DICTIONARY.md``, "Spend"):

- Header names are matched without regard to case, spaces or punctuation
  ("Contract end date", "contract_end" and "Amount (£)" all work); unknown columns are
  ignored and listed in the notes; a missing required column stops the import with a message.
- A row is rejected (file, row, column, value, reason) when its year is not a financial year
  like ``2019/20``, its area, funder or category is not one the dashboard knows, its programme
  is empty, its amount is empty, not a number or negative, or a contract date is not a date
  or the end comes before the start. ``TBC`` as an amount means "to be confirmed": the row
  is loaded, shown as such and left out of totals.
- As in every import (:mod:`harm.io.tables`, :mod:`harm.io.rejects`): blank rows and rows with
  more cells than the header are listed as rejects too. Rows that repeat another row exactly
  are loaded and counted in the notes (two equal grants can be real; check they are not
  entered twice).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from harm.errors import HarmInputError
from harm.io.rejects import RejectLog
from harm.io.result import LoadResult
from harm.io.tables import Table, read_table
from harm.io.text import read_bytes
from harm.spend import table as st
from harm.spend.geography import canonical_area
from harm.tables import to_csv_bytes

REQUIRED = ["year", "area", "funder", "programme", "category", "amount"]
OPTIONAL = ["provider", "contract_start", "contract_end", "outcome", "note"]
HEADER_ALIASES = {
    "financial_year": "year", "fy": "year", "program": "programme", "funding_stream": "funder",
    "amount_gbp": "amount", "resources": "amount", "spend": "amount",
    "contract_end_date": "contract_end", "end_date": "contract_end",
    "contract_start_date": "contract_start", "start_date": "contract_start",
    "outcome_measure": "outcome", "notes": "note", "comment": "note", "comments": "note",
}
TEMPLATE_COLUMNS = ["year", "area", "funder", "programme", "provider", "category", "amount",
                    "contract_start", "contract_end", "outcome", "note"]
_YEAR = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$")


def _header_key(text: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", str(text).casefold()).strip("_")
    return HEADER_ALIASES.get(key, key)


def _rename_columns(table: pd.DataFrame, name: str, required: list[str], optional: list[str]):
    keys = [_header_key(c) for c in table.columns]
    known = set(required) | set(optional)
    repeated = sorted({k for k in keys if k in known and keys.count(k) > 1})
    if repeated:
        raise HarmInputError(f"more than one column means {', '.join(repeated)}", where=name,
                             fix="Keep one column of each name.")
    missing = [c for c in required if c not in keys]
    if missing:
        raise HarmInputError(f"missing required column(s): {', '.join(missing)}", where=name,
                             fix="Start from the template: columns " + ", ".join(required + optional) + ".")
    ignored = [c for c, k in zip(table.columns, keys) if k not in known]
    out = table.set_axis(keys, axis=1)[[k for k in keys if k in known]]
    return out, ignored


# --- parsing values --------------------------------------------------------------------------

def parse_financial_year(text: str) -> str | None:
    """``"2019/20"``, ``"2019-20"`` or ``"2019/2020"`` -> ``"2019/20"``; None if not a financial year."""
    match = _YEAR.match(str(text))
    if not match:
        return None
    start, end = int(match.group(1)), match.group(2)
    follows = int(end) == start + 1 if len(end) == 4 else int(end) == (start + 1) % 100
    return f"{start}/{(start + 1) % 100:02d}" if follows else None


def parse_amount(text: str) -> float | None:
    """Pounds from ``"£30,377"``, ``"30377.00"``, ``"(1,000)"`` (negative); None if not a number."""
    cleaned = str(text).strip().replace("£", "").replace(",", "").replace(" ", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    try:
        value = float(cleaned.strip("()"))
    except ValueError:
        return None
    return -value if negative else value


def parse_date(text: str) -> pd.Timestamp | None:
    """A date from ``YYYY-MM-DD`` (a spreadsheet's ``YYYY-MM-DD 00:00:00`` too) or ``DD/MM/YYYY``."""
    text = str(text).strip()
    for pattern, fmt in ((r"\d{4}-\d{2}-\d{2}( 00:00:00)?", "%Y-%m-%d"), (r"\d{1,2}/\d{1,2}/\d{4}", "%d/%m/%Y")):
        if re.fullmatch(pattern, text):
            try:
                return pd.to_datetime(text[:10] if fmt == "%Y-%m-%d" else text, format=fmt)
            except ValueError:
                return None
    return None


# --- the spend table -------------------------------------------------------------------------

def read_spend_file(path, raw: bytes | None = None, name: str | None = None) -> LoadResult:
    """Read a spend table (CSV or XLSX); every row is loaded or listed in ``rejects``."""
    name = name or Path(path).name
    data = read_bytes(Path(path)) if raw is None else raw
    return read_spend_table(read_table(data, name))


def _start(table: Table, required: list[str], optional: list[str]):
    """Renamed text columns, the reject log with blank and ragged rows rejected, ignored columns."""
    frame, ignored = _rename_columns(table.frame, table.name, required, optional)
    log = RejectLog(table.name, table.row_numbers())
    log.reject(table.bad.to_numpy() != "", "(row)", "", table.bad.to_numpy())
    log.reject(table.blank(), "(row)", "", "blank row")
    text = {c: (frame[c].astype(str).str.strip() if c in frame else pd.Series("", index=frame.index))
            for c in required + optional}
    return text, log, ignored


def _reject(log: RejectLog, mask, text: pd.Series, column: str, reason) -> None:
    """Reject rows where ``mask``; ``reason`` is text or a function of the cell's value."""
    mask = np.asarray(mask, dtype=bool)
    values = text.to_numpy(dtype=object)
    reasons = np.array([reason(v) for v in values], dtype=object) if callable(reason) else reason
    log.reject(mask, column, values, reasons)


def _result(table: Table, log: RejectLog, frame: pd.DataFrame, notes: list[str]) -> LoadResult:
    result = LoadResult(frame, log.frame(), table.rows, 0, list(table.notes) + notes)
    result.check()
    return result


def read_spend_table(table: Table) -> LoadResult:
    """Validate a :class:`~harm.io.tables.Table` (any header spelling) into a spend frame with rejects."""
    text, log, ignored = _start(table, REQUIRED, OPTIONAL)
    years = text["year"].map(parse_financial_year)
    _reject(log, years.isna(), text["year"], "year", "year must be a financial year written like 2019/20")
    areas = text["area"].map(canonical_area)
    _reject(log, areas.isna(), text["area"], "area",
            lambda v: f"unknown area {v!r}: use a local authority, CSP or force area of the dashboard "
                      "(e.g. Worcestershire, North Worcestershire, West Mercia)")
    funders = text["funder"].str.casefold().map(st.FUNDER_ALIASES)
    _reject(log, funders.isna(), text["funder"], "funder",
            lambda v: f"unknown funder {v!r}: use {', '.join(st.FUNDERS[:-1])} or {st.FUNDERS[-1]}")
    _reject(log, text["programme"] == "", text["programme"], "programme", "empty programme: say what the money buys")
    categories = text["category"].str.casefold().map(st.CATEGORY_ALIASES)
    _reject(log, categories.isna(), text["category"], "category",
            lambda v: f"unknown category {v!r}: use one of {', '.join(st.CATEGORIES)}")
    tbc = text["amount"].str.casefold().isin(st.TBC_WORDS)
    _reject(log, text["amount"] == "", text["amount"], "amount", "empty amount (write TBC if it is to be confirmed)")
    amounts = pd.to_numeric(text["amount"].where(~tbc, "").map(lambda v: parse_amount(v) if v else None),
                            errors="coerce").astype("float64")
    _reject(log, amounts.isna() & ~tbc, text["amount"], "amount", "amount is not a number of pounds")
    _reject(log, amounts < 0, text["amount"], "amount", "amount is negative: record refunds as a note, not as spend")
    dates = {}
    for column in ("contract_start", "contract_end"):
        dates[column] = pd.to_datetime(text[column].map(lambda v: parse_date(v) if v else None))
        _reject(log, (text[column] != "") & dates[column].isna(), text[column], column,
                f"{column} is not a date: write it as YYYY-MM-DD (e.g. 2020-03-31)")
    _reject(log, (dates["contract_end"] < dates["contract_start"]).fillna(False), text["contract_end"],
            "contract_end", "contract_end is before contract_start")

    frame = pd.DataFrame({
        "year": years, "area": areas, "funder": funders, "programme": text["programme"],
        "provider": text["provider"], "category": categories, "amount": amounts,
        "amount_status": np.where(tbc, st.TO_BE_CONFIRMED, st.CONFIRMED),
        "contract_start": dates["contract_start"], "contract_end": dates["contract_end"],
        "outcome": text["outcome"], "note": text["note"],
    })[log.ok]
    frame = st.conform(frame)
    return _result(table, log, frame, _spend_notes(frame, ignored))


def _spend_notes(frame: pd.DataFrame, ignored: list[str]) -> list[str]:
    notes = []
    if ignored:
        notes.append(f"ignored column(s) the spend table does not use: {', '.join(ignored)}")
    tbc = int((frame["amount_status"] == st.TO_BE_CONFIRMED).sum())
    if tbc:
        notes.append(f"{tbc} line(s) with the amount to be confirmed (TBC): shown as such, left out of totals")
    repeats = int(frame.duplicated(keep="first").sum())
    if repeats:
        notes.append(f"{repeats} row(s) repeat another row exactly and were loaded: check they are not "
                     "entered twice")
    return notes


# --- Public Health Grant allocations ---------------------------------------------------------

def read_allocation_file(path, raw: bytes | None = None, name: str | None = None) -> LoadResult:
    """Public Health Grant received per local authority and year: columns ``year, area, allocation``."""
    from harm.spend.geography import area_names

    name = name or Path(path).name
    table = read_table(read_bytes(Path(path)) if raw is None else raw, name)
    text, log, ignored = _start(table, ["year", "area", "allocation"], [])
    years = text["year"].map(parse_financial_year)
    _reject(log, years.isna(), text["year"], "year", "year must be a financial year written like 2019/20")
    areas = text["area"].map(canonical_area)
    _reject(log, ~areas.isin(area_names("la")), text["area"], "area",
            lambda v: f"{v!r} is not a public-health local authority: use one of {', '.join(area_names('la'))}")
    amounts = pd.to_numeric(text["allocation"].map(lambda v: parse_amount(v) if v else None),
                            errors="coerce").astype("float64")
    _reject(log, amounts.isna() | (amounts <= 0), text["allocation"], "allocation",
            "allocation must be a positive number of pounds")
    frame = pd.DataFrame({"year": years, "area": areas, "allocation": amounts})[log.ok]
    frame = frame.astype({"year": "string", "area": "string"}).reset_index(drop=True)
    repeated = frame.duplicated(["year", "area"], keep=False)
    if repeated.any():
        pairs = sorted(set(frame.loc[repeated, "year"] + " " + frame.loc[repeated, "area"]))
        raise HarmInputError("more than one allocation for the same year and authority: " + ", ".join(pairs),
                             where=name, fix="Give one allocation per authority and year.")
    notes = [f"ignored column(s): {', '.join(ignored)}"] if ignored else []
    return _result(table, log, frame, notes)


# --- templates -------------------------------------------------------------------------------

def template() -> pd.DataFrame:
    """A spend table to fill in: every column, with three example lines from the demo framework."""
    return pd.DataFrame([
        {"year": "2019/20", "area": "Herefordshire", "funder": "PCC grant",
         "programme": "drug intervention programme", "provider": "Addaction (via Herefordshire Council)",
         "category": "criminal justice substance misuse", "amount": 30377, "contract_start": "2019-04-01",
         "contract_end": "2020-03-31", "outcome": "referrals into structured treatment", "note": ""},
        {"year": "2019/20", "area": "Worcestershire", "funder": "Public Health Grant",
         "programme": "drug and alcohol treatment contract", "provider": "",
         "category": "drug and alcohol treatment", "amount": 3798000, "contract_start": "",
         "contract_end": "2020-03-31", "outcome": "successful completions", "note": ""},
        {"year": "2019/20", "area": "West Mercia", "funder": "PCC grant",
         "programme": "Naloxone for first responders", "provider": "TBC", "category": "harm reduction",
         "amount": "TBC", "contract_start": "", "contract_end": "", "outcome": "drug-related deaths",
         "note": "proposed"},
    ], columns=TEMPLATE_COLUMNS)


def template_notes() -> pd.DataFrame:
    """One row per column of the template: required or not, and what it accepts."""
    from harm.spend.geography import area_names

    accepts = {
        "year": "financial year, e.g. 2019/20",
        "area": "one of: " + ", ".join(area_names()),
        "funder": "one of: " + ", ".join(st.FUNDERS),
        "programme": "what the money buys, e.g. drug intervention programme",
        "provider": "who delivers it (may be empty or TBC)",
        "category": "; ".join(f"{c} ({h})" for c, h in st.CATEGORY_HELP.items()),
        "amount": "pounds for that year (£ and commas allowed), or TBC",
        "contract_start": "YYYY-MM-DD or DD/MM/YYYY; empty = 1 April of the year",
        "contract_end": "YYYY-MM-DD or DD/MM/YYYY; may be empty",
        "outcome": "the outcome measure the line is meant to move (may be empty)",
        "note": "free text, e.g. proposed",
    }
    return pd.DataFrame({"column": list(accepts), "required": [c in REQUIRED for c in accepts],
                         "accepts": list(accepts.values())})


def template_csv() -> bytes:
    return to_csv_bytes(template())


def template_xlsx() -> bytes:
    """The template as a workbook: sheet ``spend`` to fill in, sheet ``notes`` explaining each column."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:  # our own text: nothing to neutralise
        template().to_excel(writer, index=False, sheet_name="spend")
        template_notes().to_excel(writer, index=False, sheet_name="notes")
    return buffer.getvalue()


# --- spend data sets kept on the Data page ---------------------------------------------------

def stored_spend_names() -> list[str]:
    """Names of the spend data sets imported on the Data page (``python -m harm import --kind spend``)."""
    from harm import store

    return store.dataset_names("spend")


def read_stored_spend(name: str) -> LoadResult:
    """A stored spend data set, its kept files read again with :func:`read_spend_file` and combined."""
    from harm import store
    from harm.io.result import empty_rejects

    results = [read_spend_file(path) for path in store.kept_files(name, "spend")]
    frame = st.conform(pd.concat([r.frame for r in results], ignore_index=True))
    rejects = pd.concat([r.rejects for r in results], ignore_index=True) if results else empty_rejects()
    combined = LoadResult(frame, rejects, sum(r.rows_read for r in results), 0,
                          [n for r in results for n in r.notes])
    combined.check()
    return combined
