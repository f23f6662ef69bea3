"""The canonical incident CSV (see ``data/DATA_DICTIONARY.md``): read with rejects, write."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

from harm.errors import HarmInputError
from harm.incidents import MARKERS, PRECISIONS, conform, empty
from harm.io.coords import latlon_to_bng
from harm.io.rejects import RejectLog, duplicate_rejects
from harm.io.result import LoadResult
from harm.io.tables import Table, read_table
from harm.io.text import read_bytes

REQUIRED = ["crime_id", "occurred_from", "date_precision", "offence_group", "offence", *MARKERS]
CSV_COLUMNS = ["crime_id", "occurred_from", "occurred_to", "date_precision", "offence_group",
               "offence", *MARKERS, "latitude", "longitude", "lsoa_code"]
TRUE_WORDS = {"true", "t", "yes", "y", "1"}
FALSE_WORDS = {"false", "f", "no", "n", "0", ""}

_to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def _finite(a, b) -> tuple[np.ndarray, np.ndarray]:
    """pyproj turns NaN into inf: put NaN back where a coordinate is unknown."""
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    unknown = ~(np.isfinite(a) & np.isfinite(b))
    return np.where(unknown, np.nan, a), np.where(unknown, np.nan, b)


def looks_canonical(columns) -> bool:
    return set(REQUIRED) <= set(columns)


def read_incident_csv(path: Path, raw: bytes | None = None, name: str | None = None) -> LoadResult:
    """Read a canonical incident CSV; every row is loaded or listed in ``rejects``."""
    name = name or Path(path).name
    return read_canonical_table(read_table(read_bytes(path) if raw is None else raw, name))


def read_canonical_table(table: Table) -> LoadResult:
    """A canonical incident table read by :func:`harm.io.tables.read_table`, blank and ragged rows named as such."""
    frame = table.frame.copy()
    bad = table.bad.to_numpy() != ""
    blank = table.blank()
    if bad.any() or blank.any():
        frame.loc[bad | blank, "crime_id"] = ""
    result = parse_incident_table(frame, table.name)
    if bad.any() or blank.any():
        rejects = result.rejects.copy()
        position = rejects["row"].to_numpy("int64") - 2
        for mask, reason in ((blank, None), (bad, table.bad.to_numpy())):
            hit = mask[position] & (rejects["column"] == "crime_id").to_numpy()
            rejects.loc[hit, "column"] = "(row)"
            rejects.loc[hit, "value"] = ""
            rejects.loc[hit, "reason"] = "blank row" if reason is None else reason[position[hit]]
        result.rejects = rejects
    result.notes = list(table.notes) + result.notes
    no_location = int(result.frame["x"].isna().sum()) if len(result.frame) else 0
    if no_location:
        result.notes.append(f"{table.name}: {no_location:,} incidents have no location: loaded, and counted under "
                            "'(no location)'.")
    return result


def parse_incident_table(table: pd.DataFrame, name: str) -> LoadResult:
    missing = [c for c in REQUIRED if c not in table.columns]
    has_latlon = {"latitude", "longitude"} <= set(table.columns)
    has_bng = {"easting", "northing"} <= set(table.columns)
    if missing or not (has_latlon or has_bng):
        need = missing + ([] if has_latlon or has_bng else ["latitude/longitude or easting/northing"])
        raise HarmInputError(
            f"missing required column(s): {', '.join(need)}", where=name,
            fix="The canonical incident CSV needs: " + ", ".join(REQUIRED)
            + ", occurred_to (may be empty), and latitude/longitude or easting/northing.")
    rows = np.arange(len(table)) + 2  # spreadsheet row numbers: header is row 1
    log = RejectLog(name, rows)

    def reject(mask, column, reason):
        log.reject(mask, column, table[column] if column in table else "", reason)

    crime_id = table["crime_id"].str.strip()
    reject((crime_id == "").to_numpy(), "crime_id", "empty crime_id")
    start = pd.to_datetime(table["occurred_from"].str.strip(), errors="coerce", format="ISO8601")
    reject(start.isna().to_numpy(), "occurred_from", "unparseable date (use YYYY-MM-DDTHH:MM)")
    end_text = table["occurred_to"].str.strip() if "occurred_to" in table else pd.Series("", index=table.index)
    end = pd.to_datetime(end_text.replace("", None), errors="coerce", format="ISO8601")
    reject((end.isna() & (end_text != "")).to_numpy(), "occurred_to", "unparseable date (use YYYY-MM-DDTHH:MM or leave empty)")
    precision = table["date_precision"].str.strip().str.lower()
    reject(~precision.isin(PRECISIONS).to_numpy(), "date_precision", "date_precision must be minute, day or month")
    group = table["offence_group"].str.strip()
    reject((group == "").to_numpy(), "offence_group", "empty offence_group")
    markers = {}
    for m in MARKERS:
        text = table[m].str.strip().str.lower()
        reject(~text.isin(TRUE_WORDS | FALSE_WORDS).to_numpy(), m, "marker must be true or false")
        markers[m] = text.isin(TRUE_WORDS).to_numpy()
    if has_latlon:
        x, y = latlon_to_bng(table["latitude"], table["longitude"], log)
    else:
        x, y = _easting_northing(table, reject)

    frame = pd.DataFrame({
        "crime_id": crime_id, "occurred_from": start, "occurred_to": end, "date_precision": precision,
        "offence_group": group, "offence": table["offence"].str.strip(), **markers, "x": x, "y": y,
        "lsoa_code": table["lsoa_code"].str.strip().replace("", None) if "lsoa_code" in table else None,
    })[log.ok]
    duplicated = frame["crime_id"].duplicated().to_numpy()
    rejects = pd.concat([log.frame(), duplicate_rejects(name, rows[log.ok][duplicated], frame["crime_id"][duplicated])],
                        ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)
    frame = frame[~duplicated]
    result = LoadResult(conform(frame) if len(frame) else empty(), rejects, len(table), int(duplicated.sum()))
    result.check()
    return result


def _easting_northing(table, reject) -> tuple[np.ndarray, np.ndarray]:
    x = pd.to_numeric(table["easting"].str.strip(), errors="coerce").to_numpy()
    y = pd.to_numeric(table["northing"].str.strip(), errors="coerce").to_numpy()
    reject((table["easting"].str.strip() != "").to_numpy() & np.isnan(x), "easting", "easting is not a number")
    outside = ~np.isnan(x) & ((x < 0) | (x > 700000) | (y < 0) | (y > 1300000))
    reject(outside, "easting", "easting/northing outside British National Grid")
    return x, y


def write_incident_csv(incidents: pd.DataFrame, path: Path) -> None:
    """Write the canonical CSV with WGS84 latitude/longitude (6 decimal places)."""
    lon, lat = _finite(*_to_wgs84.transform(incidents["x"].to_numpy(), incidents["y"].to_numpy()))
    out = pd.DataFrame({
        "crime_id": incidents["crime_id"],
        "occurred_from": incidents["occurred_from"].dt.strftime("%Y-%m-%dT%H:%M"),
        "occurred_to": incidents["occurred_to"].dt.strftime("%Y-%m-%dT%H:%M"),
        "date_precision": incidents["date_precision"],
        "offence_group": incidents["offence_group"],
        "offence": incidents["offence"],
        **{m: np.where(incidents[m], "true", "false") for m in MARKERS},
        "latitude": np.round(lat, 6), "longitude": np.round(lon, 6),
        "lsoa_code": incidents["lsoa_code"],
    })
    out.to_csv(path, index=False, columns=CSV_COLUMNS)
