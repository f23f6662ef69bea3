"""data.police.uk street-level crime CSVs (``YYYY-MM-<force>-street.csv``), any force, any month.

How each row becomes (or does not become) an incident — also in ``data/DATA_DICTIONARY.md``:

* A crime row (it has a ``Crime ID``) loads as one incident: ``crime_id`` = Crime ID,
  ``occurred_from`` = the first day of ``Month``, ``date_precision`` = ``month``,
  ``offence_group`` = ``offence`` = ``Crime type`` (so ``Violence and sexual offences`` counts
  for the violence measure — it includes sexual offences — and ``Drugs`` for drug offences),
  markers false, location from Longitude/Latitude.
* A crime row without coordinates loads with no location (counted under ``(no location)``)
  and is counted in the import notes.
* Anti-social behaviour rows are not crimes and have no Crime ID: they are listed in the
  rejects with the reason ``anti-social behaviour record (no Crime ID)``.
* Other rows that cannot be used are rejected with a reason (unknown crime type, bad month,
  bad coordinates, blank row); a Crime ID seen before is a duplicate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from harm.errors import HarmInputError
from harm.incidents import MARKERS, conform, empty
from harm.io.coords import latlon_to_bng
from harm.io.rejects import RejectLog, duplicate_rejects
from harm.io.result import LoadResult
from harm.io.tables import Table

COLUMNS = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
           "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"]
NEEDED = ["Crime ID", "Month", "Longitude", "Latitude", "Crime type"]
ASB = "Anti-social behaviour"
ASB_REASON = "anti-social behaviour record (no Crime ID)"
CRIME_TYPES = (
    "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs", "Other crime", "Other theft",
    "Possession of weapons", "Public order", "Robbery", "Shoplifting", "Theft from the person",
    "Vehicle crime", "Violence and sexual offences",
    # categories used before May 2013
    "Violent crime", "Public disorder and weapons", "Other crime and anti-social behaviour",
)
VIOLENCE_NOTE = ("data.police.uk 'Violence and sexual offences' counts as violence here; it includes "
                 "sexual offences, which the force-level violence measure does not.")
PRECISION_NOTE = "data.police.uk gives the month only: no day or time of day, and locations are snapped to " \
                 "anonymised points."
OTHER_POLICE_UK = {
    "Outcome type": "a data.police.uk outcomes file",
    "Object of search": "a data.police.uk stop-and-search file",
}


def is_police_uk(columns) -> bool:
    """True when the header is a data.police.uk street-level crime file's (order does not matter)."""
    return set(COLUMNS) <= {str(c).strip() for c in columns}


def check_police_uk_like(columns, name: str) -> None:
    """A clear error for data.police.uk files that are not street-level crime files."""
    present = {str(c).strip() for c in columns}
    for marker, what in OTHER_POLICE_UK.items():
        if marker in present:
            raise HarmInputError(f"this is {what}, not a street-level crime file", where=name,
                                 fix="Use the files named YYYY-MM-<force>-street.csv from data.police.uk.")
    shared = present & set(COLUMNS)
    if len(shared) >= 6 and not set(NEEDED) <= present:
        missing = [c for c in NEEDED if c not in present]
        raise HarmInputError(f"this looks like a data.police.uk street file but lacks column(s) {', '.join(missing)}",
                             where=name, fix="Use the file as downloaded from data.police.uk, without editing "
                                             "its header.")


def read_police_uk(table: Table) -> LoadResult:
    """Every row of one street file loaded as an incident or listed with a reason."""
    name, frame = table.name, table.frame
    missing = [c for c in NEEDED if c not in frame.columns]
    if missing:
        raise HarmInputError(f"missing data.police.uk column(s): {', '.join(missing)}", where=name,
                             fix="Use the street-level CSV as downloaded from data.police.uk.")
    log = RejectLog(name, table.row_numbers())
    log.reject(table.bad.to_numpy() != "", "(row)", "", table.bad.to_numpy())
    log.reject(table.blank(), "(row)", "", "blank row")

    crime_id = frame["Crime ID"].str.strip()
    crime_type = frame["Crime type"].str.strip()
    no_id = (crime_id == "").to_numpy()
    is_asb = (crime_type == ASB).to_numpy()
    log.reject(is_asb & no_id, "Crime ID", crime_id, ASB_REASON)
    log.reject(is_asb, "Crime type", crime_type, "anti-social behaviour record (not a crime record)")
    log.reject(no_id, "Crime ID", crime_id, "empty Crime ID")
    known = crime_type.isin(CRIME_TYPES).to_numpy()
    log.reject(~known, "Crime type", crime_type, "unknown offence (not a data.police.uk crime type)")

    month_text = frame["Month"].str.strip()
    month = _parse_months(month_text)
    log.reject(month.isna().to_numpy(), "Month", month_text, "unparseable date (Month should be YYYY-MM)")
    x, y = latlon_to_bng(frame["Latitude"], frame["Longitude"], log, "Latitude", "Longitude")

    ok = log.ok
    rows = table.row_numbers()[ok]
    ids = crime_id[ok].reset_index(drop=True)
    duplicated = ids.duplicated().to_numpy()
    incidents = pd.DataFrame({
        "crime_id": ids,
        "occurred_from": month[ok].reset_index(drop=True),
        "occurred_to": pd.NaT,
        "date_precision": "month",
        "offence_group": crime_type[ok].reset_index(drop=True),
        "offence": crime_type[ok].reset_index(drop=True),
        **{m: False for m in MARKERS},
        "x": x[ok], "y": y[ok],
    })[~duplicated]
    rejects = pd.concat([log.frame(), duplicate_rejects(name, rows[duplicated], ids[duplicated])],
                        ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)
    loaded = conform(incidents) if len(incidents) else empty()
    result = LoadResult(loaded, rejects, table.rows, int(duplicated.sum()), notes=_notes(table, loaded, ok))
    result.check()
    return result


def _parse_months(text: pd.Series) -> pd.Series:
    """``YYYY-MM`` to the first day of the month; NaT otherwise (parsed once per distinct value)."""
    codes, uniques = pd.factorize(text)
    valid = pd.Series(uniques).str.fullmatch(r"\d{4}-\d{2}").fillna(False).to_numpy(bool)
    parsed = pd.to_datetime(pd.Series(uniques).where(valid), format="%Y-%m", errors="coerce")
    values = parsed.to_numpy("datetime64[ns]")
    out = np.where(codes >= 0, values[np.clip(codes, 0, None)], np.datetime64("NaT"))
    return pd.Series(out.astype("datetime64[ns]"), index=text.index)


def _notes(table: Table, loaded: pd.DataFrame, ok: np.ndarray) -> list[str]:
    notes = list(table.notes)
    forces = []
    if "Falls within" in table.frame:
        forces = sorted(set(pd.unique(table.frame["Falls within"][ok].str.strip())) - {""})
    if len(loaded):
        first, last = (f"{d:%Y-%m}" for d in (loaded["occurred_from"].min(), loaded["occurred_from"].max()))
        span = first if first == last else f"{first} to {last}"
        notes.append(f"{table.name}: data.police.uk street-level crime, {', '.join(forces) or 'force not given'}, "
                     f"{span}.")
        no_location = int(loaded["x"].isna().sum())
        if no_location:
            notes.append(f"{table.name}: {no_location:,} crimes have no location: loaded, and counted under "
                         "'(no location)'.")
    return notes
