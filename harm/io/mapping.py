"""Force extracts with any column names: a mapping onto the canonical incident table.

A :class:`MappingProfile` says which column of the extract holds each canonical field, how
dates are written (day first, as in the UK, or month first), how precise they are, and,
optionally, which offence group each value of the offence column becomes. The Data page
suggests one from the headers (:func:`suggest_mapping`), the user confirms it, and it is
saved by name (``harm.store.save_mapping``) for the next extract and for
``python -m harm import FILE --mapping NAME``.

:func:`apply_mapping` turns the extract into the canonical CSV's text columns and runs the
canonical reader (``harm.io.incident_csv.parse_incident_table``), so a mapped file is
validated exactly like a canonical CSV; the rejects then name the extract's own columns
and values.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from harm.errors import HarmInputError
from harm.incidents import MARKERS, PRECISIONS
from harm.io.incident_csv import parse_incident_table
from harm.io.result import LoadResult
from harm.io.tables import Table


@dataclass(frozen=True)
class Field:
    label: str
    required: bool = False
    help: str = ""


FIELDS: dict[str, Field] = {
    "crime_id": Field("Crime reference (unique)", True, "one per crime; repeats are duplicates"),
    "occurred_from": Field("Date (or date and time) it happened, from", True, "e.g. 25/12/2024 or 25/12/2024 14:30"),
    "occurred_from_time": Field("Time from (if in its own column)", False, "e.g. 14:30 or 1430"),
    "occurred_to": Field("Date (or date and time) it happened, to", False, "end of the window; may be empty"),
    "occurred_to_time": Field("Time to (if in its own column)", False, ""),
    "date_precision": Field("Date precision (minute/day/month)", False, "usually left out: worked out from the dates"),
    "offence_group": Field("Offence group / crime type", True, "e.g. Violence with injury, Possession of drugs"),
    "offence": Field("Offence", False, "the offence within the group"),
    "alcohol": Field("Alcohol marker", False, "true/false, yes/no, Y/N, 1/0; left out = false"),
    "drugs": Field("Drugs marker", False, ""),
    "domestic_abuse": Field("Domestic abuse marker", False, ""),
    "latitude": Field("Latitude (WGS84)", False, "or easting/northing"),
    "longitude": Field("Longitude (WGS84)", False, ""),
    "easting": Field("Easting (British National Grid)", False, "or latitude/longitude"),
    "northing": Field("Northing (British National Grid)", False, ""),
    "lsoa_code": Field("LSOA code", False, "informational only"),
}
REQUIRED = [f for f, spec in FIELDS.items() if spec.required]
PRECISION_CHOICES = ("auto", *PRECISIONS)

SYNONYMS: dict[str, list[str]] = {
    "crime_id": ["crime id", "crime reference", "crime ref", "crime number", "crime no", "crn", "urn",
                 "occurrence id", "occurrence number", "occurrence reference", "occurrence ref", "occurrence no",
                 "incident ref", "crime reference number", "crn number", "incident id", "incident number",
                 "incident reference", "reference", "ref", "record id", "id"],
    "occurred_from": ["occurred from", "committed from", "committed date from", "date from", "from date",
                      "start date", "start date time", "offence date", "incident date", "date committed",
                      "first committed", "committed date", "occurred date", "occurred on", "date time", "datetime",
                      "date", "month"],
    "occurred_from_time": ["time from", "from time", "start time", "committed time from", "committed time",
                           "offence time", "incident time", "time"],
    "occurred_to": ["occurred to", "committed to", "committed date to", "date to", "to date", "end date",
                    "end date time", "last committed"],
    "occurred_to_time": ["time to", "to time", "end time", "committed time to"],
    "date_precision": ["date precision", "precision"],
    "offence_group": ["offence group", "crime type", "crime group", "offence category", "crime category",
                      "ho class", "home office class", "category", "offence type", "crime class", "class"],
    "offence": ["offence", "offence description", "crime description", "ho offence", "offence name",
                "offence code description", "crime subtype", "sub type", "subcategory", "description"],
    "alcohol": ["alcohol", "alcohol flag", "alcohol related", "alcohol marker", "alcohol involved", "alcohol qualifier"],
    "drugs": ["drugs", "drug", "drugs flag", "drug flag", "drug related", "drugs related", "drugs marker",
              "drugs qualifier"],
    "domestic_abuse": ["domestic abuse", "domestic", "domestic flag", "domestic abuse flag", "da flag", "da",
                       "domestic violence", "dv flag", "dv", "domestic abuse marker", "domestic qualifier"],
    "latitude": ["latitude", "lat", "wgs84 latitude"],
    "longitude": ["longitude", "long", "lon", "lng", "wgs84 longitude"],
    "easting": ["easting", "eastings", "x", "x coordinate", "x coord", "grid x", "os x", "bng x", "map x"],
    "northing": ["northing", "northings", "y", "y coordinate", "y coord", "grid y", "os y", "bng y", "map y"],
    "lsoa_code": ["lsoa code", "lsoa", "lsoa11cd", "lsoa21cd", "lsoa 2011", "lsoa 2021"],
}

DATE_TIME_FORMATS = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                     "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f"]
DAY_FIRST_DATE_TIME = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
                       "%d.%m.%Y %H:%M", "%d/%m/%y %H:%M", "%d %b %Y %H:%M", "%d-%b-%Y %H:%M"]
MONTH_FIRST_DATE_TIME = ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p",
                         "%m/%d/%y %H:%M"]
DATE_FORMATS = ["%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y", "%Y%m%d"]
DAY_FIRST_DATE = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]
MONTH_FIRST_DATE = ["%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y"]
MONTH_FORMATS = ["%Y-%m", "%b %Y", "%B %Y", "%m/%Y", "%b-%y"]
TIME_FORMATS = ["%H:%M:%S", "%H:%M", "%H%M", "%H.%M", "%H:%M:%S.%f"]
DATE_HINT = "unparseable date (expected e.g. 25/12/2024, 25/12/2024 14:30 or 2024-12-25T14:30)"
UNPARSEABLE = "\x00unparseable"


@dataclass
class MappingProfile:
    """Which extract column holds each canonical field, and how to read its values."""

    name: str
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> extract column
    offence_groups: dict[str, str] = field(default_factory=dict)  # value -> group; "" excludes; {} = as is
    day_first: bool = True
    date_precision: str = "auto"
    sheet: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict, where: str = "") -> MappingProfile:
        if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
            raise HarmInputError("this is not a mapping profile", where=where,
                                 fix="Create the mapping on the Data page, or write JSON with 'name' and 'columns'.")
        known = {k: data[k] for k in ("name", "columns", "offence_groups", "day_first", "date_precision", "sheet")
                 if k in data}
        profile = cls(**{"name": str(data.get("name") or "mapping"), **{k: v for k, v in known.items() if k != "name"}})
        profile.columns = {str(k): str(v) for k, v in profile.columns.items() if v}
        profile.offence_groups = {str(k): str(v) for k, v in (profile.offence_groups or {}).items()}
        profile.validate(where)
        return profile

    @classmethod
    def from_json(cls, text: str, where: str = "") -> MappingProfile:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise HarmInputError(f"the mapping profile is not valid JSON ({exc.msg})", where=where,
                                 fix="Create the mapping on the Data page and save it.") from exc
        return cls.from_dict(data, where)

    def validate(self, where: str = "") -> None:
        """Check the profile itself (not a file): required fields, pairs, known options."""
        where = where or f"mapping '{self.name}'"
        unknown = [f for f in self.columns if f not in FIELDS]
        if unknown:
            raise HarmInputError(f"unknown field(s) {', '.join(unknown)}", where=where,
                                 fix=f"Fields are: {', '.join(FIELDS)}.")
        missing = [FIELDS[f].label for f in REQUIRED if not self.columns.get(f)]
        if missing:
            raise HarmInputError(f"no column chosen for: {', '.join(missing)}", where=where,
                                 fix="Choose the extract's column for each required field.")
        for a, b in (("latitude", "longitude"), ("easting", "northing")):
            if bool(self.columns.get(a)) != bool(self.columns.get(b)):
                raise HarmInputError(f"{a} and {b} go together: choose both or neither", where=where)
        if self.columns.get("latitude") and self.columns.get("easting"):
            raise HarmInputError("choose latitude/longitude or easting/northing, not both", where=where)
        if self.date_precision not in PRECISION_CHOICES:
            raise HarmInputError(f"date precision '{self.date_precision}' is not one of "
                                 f"{', '.join(PRECISION_CHOICES)}", where=where)

    def missing_columns(self, columns) -> list[str]:
        present = set(columns)
        return [c for c in self.columns.values() if c not in present]


# --- suggesting a mapping ---------------------------------------------------------------------

def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text).lower().replace("_", " ")).split())


def suggest_mapping(columns, sample: pd.DataFrame | None = None, name: str = "") -> MappingProfile:
    """A first guess from the headers (and a few rows, for coordinates and day/month order)."""
    normal = {c: _normal(c) for c in columns}
    candidates = []
    for field_name, words in SYNONYMS.items():
        for rank, word in enumerate(words):
            for column, text in normal.items():
                if text == word:
                    score = 100 - rank
                elif len(word) > 3 and re.search(rf"\b{re.escape(word)}\b", text):
                    score = 50 - rank + len(word) / 10
                else:
                    continue
                candidates.append((score, field_name, column))
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for _score, field_name, column in sorted(candidates, key=lambda c: -c[0]):
        if field_name not in chosen and column not in used:
            chosen[field_name] = column
            used.add(column)
    _fix_coordinate_pairs(chosen, sample)
    profile = MappingProfile(name=name or "my extract", columns=chosen)
    if sample is not None and chosen.get("occurred_from") in getattr(sample, "columns", []):
        profile.day_first = guess_day_first(sample[chosen["occurred_from"]])
    return profile


def _fix_coordinate_pairs(chosen: dict[str, str], sample: pd.DataFrame | None) -> None:
    if chosen.get("easting") and chosen.get("northing") and sample is not None:
        values = pd.to_numeric(sample.get(chosen["easting"], pd.Series(dtype="str")), errors="coerce").abs()
        if values.notna().any() and (values.dropna() <= 180).all() and not chosen.get("latitude"):
            chosen["longitude"], chosen["latitude"] = chosen.pop("easting"), chosen.pop("northing")
    for a, b in (("latitude", "longitude"), ("easting", "northing")):
        if bool(chosen.get(a)) != bool(chosen.get(b)):
            chosen.pop(a, None)
            chosen.pop(b, None)
    if chosen.get("latitude") and chosen.get("easting"):
        chosen.pop("easting")
        chosen.pop("northing")


def guess_day_first(dates: pd.Series) -> bool:
    """False only when some date is clearly month first (e.g. 12/25/2024); UK order otherwise."""
    parts = dates.astype("str").str.extract(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}")
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    return not ((second > 12).any() and not (first > 12).any())


# --- reading dates ----------------------------------------------------------------------------

def parse_dates(date_text: pd.Series, time_text: pd.Series | None = None, *, day_first: bool = True
                ) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Date (and time) text to datetimes; also whether each has a time of day and is month-only.

    Unparseable or empty values are NaT. Each distinct text is parsed once.
    """
    date_text = date_text.astype("str").str.strip()
    codes, uniques = pd.factorize(date_text)
    uniq = pd.Series(uniques, dtype="str")
    values = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[ns]")
    has_time = np.zeros(len(uniq), dtype=bool)
    month_only = np.zeros(len(uniq), dtype=bool)
    order = (DAY_FIRST_DATE_TIME, DAY_FIRST_DATE) if day_first else (MONTH_FIRST_DATE_TIME, MONTH_FIRST_DATE)
    groups = [(DATE_TIME_FORMATS + order[0], "time"), (DATE_FORMATS + order[1], "date"), (MONTH_FORMATS, "month")]
    for formats, kind in groups:
        for fmt in formats:
            todo = values.isna() & (uniq != "")
            if not todo.any():
                break
            parsed = pd.to_datetime(uniq[todo], format=fmt, errors="coerce")
            hit = parsed.notna()
            if hit.any():
                index = parsed.index[hit]
                values[index] = parsed[hit].astype("datetime64[ns]")
                has_time[index] = kind == "time"
                month_only[index] = kind == "month"
    out = pd.Series(values.to_numpy()[np.clip(codes, 0, None)], index=date_text.index)
    out[codes < 0] = pd.NaT
    row_time = has_time[np.clip(codes, 0, None)] & (codes >= 0)
    row_month = month_only[np.clip(codes, 0, None)] & (codes >= 0)
    if time_text is not None:
        out, row_time = _add_times(out, row_time, time_text)
    return out, row_time, row_month


def _add_times(dates: pd.Series, has_time: np.ndarray, time_text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    text = time_text.astype("str").str.strip()
    offset = pd.Series(pd.NaT, index=text.index, dtype="timedelta64[ns]")
    for fmt in TIME_FORMATS:
        todo = offset.isna() & (text != "")
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        hit = parsed.notna()
        offset[parsed.index[hit]] = (parsed[hit] - parsed[hit].dt.normalize()).astype("timedelta64[ns]")
    given = (text != "").to_numpy()
    bad_time = given & offset.isna().to_numpy()
    combined = dates.dt.normalize() + offset.fillna(pd.Timedelta(0))
    out = dates.where(~given, combined)
    out[bad_time] = pd.NaT
    return out, np.where(given, ~bad_time, has_time)


# --- applying a mapping -----------------------------------------------------------------------

def apply_mapping(table: Table, profile: MappingProfile) -> LoadResult:
    """Load an extract through ``profile``; every row is loaded or rejected with a reason."""
    profile.validate()
    missing = profile.missing_columns(table.columns)
    if missing:
        raise HarmInputError(f"the mapping '{profile.name}' uses column(s) the file lacks: {', '.join(missing)}",
                             where=table.name, fix=f"The file's columns are: {', '.join(table.columns)}. "
                                                   "Choose another mapping or edit this one on the Data page.")
    src = table.frame
    cols = profile.columns

    def text(field_name: str) -> pd.Series:
        column = cols.get(field_name)
        return src[column].astype("str").str.strip() if column else pd.Series("", index=src.index, dtype="str")

    overrides: dict[str, pd.Series] = {}  # canonical column -> per-row (column, value, reason) or None
    canon = pd.DataFrame(index=src.index)
    crime_id = text("crime_id")
    bad = table.bad.to_numpy() != ""
    blank = table.blank()
    canon["crime_id"] = crime_id.where(~(bad | blank), "")
    overrides["crime_id"] = _override(len(src), [
        (bad, "(row)", "", table.bad.to_numpy()),
        (blank & ~bad, "(row)", "", "blank row"),
    ])

    start, start_time, start_month = parse_dates(text("occurred_from"),
                                                 text("occurred_from_time") if cols.get("occurred_from_time") else None,
                                                 day_first=profile.day_first)
    end, _end_time, _ = parse_dates(text("occurred_to"),
                                    text("occurred_to_time") if cols.get("occurred_to_time") else None,
                                    day_first=profile.day_first)
    from_text = _joined(text("occurred_from"), text("occurred_from_time"))
    to_text = _joined(text("occurred_to"), text("occurred_to_time"))
    canon["occurred_from"] = _iso(start, "")
    canon["occurred_to"] = _iso(end, "").where(end.notna() | (to_text == ""), UNPARSEABLE)
    date_column = _source_label(cols, "occurred_from", "occurred_from_time")
    to_column = _source_label(cols, "occurred_to", "occurred_to_time")
    overrides["occurred_from"] = _override(len(src), [
        ((from_text == "").to_numpy(), date_column, from_text, "empty date"),
        (start.isna().to_numpy(), date_column, from_text, DATE_HINT)])
    overrides["occurred_to"] = _override(len(src), [(np.ones(len(src), bool), to_column, to_text, DATE_HINT)])

    if profile.date_precision != "auto":
        canon["date_precision"] = profile.date_precision
    elif cols.get("date_precision"):
        canon["date_precision"] = text("date_precision")
    else:
        canon["date_precision"] = np.where(start_time, "minute", np.where(start_month, "month", "day"))

    group_text = text("offence_group")
    if profile.offence_groups:
        mapped = group_text.map(profile.offence_groups)
        unknown = mapped.isna().to_numpy() & (group_text != "").to_numpy()
        excluded = (mapped == "").fillna(False).to_numpy(bool)
        canon["offence_group"] = mapped.fillna("").astype("str")
        overrides["offence_group"] = _override(len(src), [
            (unknown, cols["offence_group"], group_text,
             f"unknown offence (not in the offence groups of mapping '{profile.name}')"),
            (excluded, cols["offence_group"], group_text, f"offence excluded by mapping '{profile.name}'"),
        ])
    else:
        canon["offence_group"] = group_text
    canon["offence"] = text("offence") if cols.get("offence") else group_text
    for marker in MARKERS:
        canon[marker] = text(marker) if cols.get(marker) else "false"
    if cols.get("easting"):
        canon["easting"], canon["northing"] = text("easting"), text("northing")
    else:
        canon["latitude"], canon["longitude"] = text("latitude"), text("longitude")
    canon["lsoa_code"] = text("lsoa_code")

    result = parse_incident_table(canon.astype("str"), table.name)
    result.rejects = _name_source_columns(result.rejects, cols, src, overrides)
    result.notes = list(table.notes) + _notes(table, profile, result)
    result.check()
    return result


def _joined(a: pd.Series, b: pd.Series) -> pd.Series:
    return (a + " " + b).str.strip()


def _source_label(cols: dict[str, str], date_field: str, time_field: str) -> str:
    parts = [cols.get(date_field), cols.get(time_field)]
    return " + ".join(p for p in parts if p) or date_field


def _iso(values: pd.Series, missing: str) -> pd.Series:
    return values.dt.strftime("%Y-%m-%dT%H:%M").fillna(missing).astype("str")


def _override(n: int, rules: list) -> pd.DataFrame:
    """Per row: the (column, value, reason) to report instead of the canonical reader's words."""
    out = pd.DataFrame({"column": pd.Series([None] * n, dtype="object"),
                        "value": pd.Series([None] * n, dtype="object"),
                        "reason": pd.Series([None] * n, dtype="object")})
    for mask, column, value, reason in reversed(rules):  # first rule wins
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            continue
        out.loc[mask, "column"] = column
        out.loc[mask, "value"] = np.asarray(value.astype("object"))[mask] if isinstance(value, pd.Series) else value
        out.loc[mask, "reason"] = reason[mask] if isinstance(reason, np.ndarray) else reason
    return out


def _name_source_columns(rejects: pd.DataFrame, cols: dict[str, str], src: pd.DataFrame,
                         overrides: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rejects in the extract's terms: its column names, its own values, clearer reasons."""
    if len(rejects) == 0:
        return rejects
    out = rejects.copy()
    out["column"] = out["column"].astype("object")
    out["value"] = out["value"].astype("object")
    position = out["row"].to_numpy("int64") - 2
    done = np.zeros(len(out), dtype=bool)
    for column, table in overrides.items():
        here = (out["column"] == column).to_numpy() & ~done
        if not here.any():
            continue
        chosen = table.iloc[position[here]]
        use = chosen["reason"].notna().to_numpy()
        index = np.flatnonzero(here)[use]
        for part in ("column", "value", "reason"):
            out.iloc[index, out.columns.get_loc(part)] = chosen[part].to_numpy()[use]
        done[index] = True
    for canonical, source in cols.items():
        hit = (out["column"] == canonical).to_numpy() & ~done
        if hit.any():
            index = np.flatnonzero(hit)
            out.iloc[index, out.columns.get_loc("column")] = source
            out.iloc[index, out.columns.get_loc("value")] = src[source].astype("object").to_numpy()[position[index]]
    return out


def _notes(table: Table, profile: MappingProfile, result: LoadResult) -> list[str]:
    notes = [f"{table.name}: read with mapping '{profile.name}' "
             f"({'day' if profile.day_first else 'month'} first dates)."]
    unmapped = [m for m in MARKERS if not profile.columns.get(m)]
    if unmapped:
        notes.append(f"{table.name}: no column for the {', '.join(m.replace('_', ' ') for m in unmapped)} "
                     "marker(s): set to false.")
    if not (profile.columns.get("latitude") or profile.columns.get("easting")):
        notes.append(f"{table.name}: no location columns: every incident is counted under '(no location)'.")
    else:
        no_location = int(result.frame["x"].isna().sum()) if len(result.frame) else 0
        if no_location:
            notes.append(f"{table.name}: {no_location:,} incidents have no location: loaded, and counted under "
                         "'(no location)'.")
    return notes
