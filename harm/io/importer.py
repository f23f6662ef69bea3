"""Import files into the local store: incidents, boundaries, or other tables — nothing lost.

The engine behind the Data page and ``python -m harm import``:

* :func:`read_incident_file` — one file: data.police.uk street CSV (detected from its
  header), the canonical incident CSV, or a force extract read through a mapping profile.
* :func:`read_incident_inputs` — several files into one frame: a ``crime_id`` seen in an
  earlier file (or in ``known_ids``) is a duplicate; LSOAs are attached from the points.
* :func:`import_incidents`, :func:`import_boundaries`, :func:`import_table` — read and keep
  in the store (``harm.store``), with provenance: file name, SHA-256, size, when, counts.

Every file either fails as a whole with one :class:`~harm.errors.HarmInputError` (naming the
file, what is wrong, how to fix it) or gives a :class:`~harm.io.result.LoadResult` whose rows
read = loaded + rejected + duplicates. Importing a file into a data set that already holds it
(same SHA-256) adds nothing: its crimes come back as duplicates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from harm import store
from harm.errors import HarmInputError
from harm.incidents import conform, empty
from harm.io import police_uk
from harm.io.incident_csv import REQUIRED as CANONICAL_REQUIRED
from harm.io.incident_csv import read_canonical_table
from harm.io.mapping import MappingProfile, apply_mapping, suggest_mapping
from harm.io.rejects import duplicate_rejects
from harm.io.result import REJECT_COLUMNS, LoadResult, empty_rejects
from harm.io.tables import Table, read_header, read_table, sniff_format
from harm.io.text import read_bytes

Progress = Callable[[float, str], None]
POLICE_UK, CANONICAL, MAPPED = "data.police.uk street CSV", "canonical incident CSV", "force extract"
TABLE_KINDS = ("treatment", "testing", "spend")


def _quiet(fraction: float, message: str) -> None:  # noqa: ARG001
    return None


@dataclass
class FileInput:
    """A file to import: its name (as the user knows it), its bytes and, for a workbook, the sheet to read
    (None: the mapping profile's sheet, else the first sheet with data)."""

    name: str
    data: bytes
    sheet: str | None = None

    @classmethod
    def from_path(cls, path) -> FileInput:
        path = Path(path)
        return cls(path.name, read_bytes(path))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class FileReport:
    """What became of one file."""

    file: str
    sha256: str
    size: int
    format: str
    detected: str  # POLICE_UK, CANONICAL, "force extract (mapping NAME)", "boundaries", a table kind
    result: LoadResult
    already_imported: str = ""  # when this SHA-256 was imported into the data set before

    def source_entry(self, imported_at: str) -> dict:
        r = self.result
        return {"file": self.file, "sha256": self.sha256, "bytes": self.size, "format": self.format,
                "read_as": self.detected, "imported_at": imported_at, "rows_read": r.rows_read,
                "loaded": r.loaded, "rejected": r.rejected, "duplicates": r.duplicates}


@dataclass
class ImportReport:
    """The reconciliation of one import: per file and in total."""

    kind: str
    files: list[FileReport]
    dataset: store.DatasetInfo | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(f.result.rows_read for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.result.loaded for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.result.rejected for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.result.duplicates for f in self.files)

    def summary(self) -> str:
        return (f"read {self.rows_read}, loaded {self.loaded}, "
                f"rejected {self.rejected}, duplicates {self.duplicates}")

    @property
    def rejects(self) -> pd.DataFrame:
        """Every row not loaded, with file, row, column, value and reason (duplicates included)."""
        parts = [f.result.rejects for f in self.files if len(f.result.rejects)]
        return pd.concat(parts, ignore_index=True)[REJECT_COLUMNS] if parts else empty_rejects()

    def reconciliation(self) -> pd.DataFrame:
        """One row per file and a total: rows read = loaded + rejected + duplicates."""
        rows = [{"file": f.file, "read as": f.detected, "rows read": f.result.rows_read, "loaded": f.result.loaded,
                 "rejected": f.result.rejected, "duplicates": f.result.duplicates} for f in self.files]
        rows.append({"file": "Total", "read as": "", "rows read": self.rows_read, "loaded": self.loaded,
                     "rejected": self.rejected, "duplicates": self.duplicates})
        return pd.DataFrame(rows)

    def check(self) -> None:
        for f in self.files:
            f.result.check()
        assert self.rows_read == self.loaded + self.rejected + self.duplicates, self.summary()


# --- incidents: one file ----------------------------------------------------------------------

def detect_incident_format(columns) -> str | None:
    """POLICE_UK or CANONICAL from a header, or None when a mapping is needed."""
    if police_uk.is_police_uk(columns):
        return POLICE_UK
    stripped = {str(c).strip() for c in columns}
    if set(CANONICAL_REQUIRED) <= stripped and ({"latitude", "longitude"} <= stripped
                                                or {"easting", "northing"} <= stripped):
        return CANONICAL
    return None


@dataclass
class IncidentInspection:
    """A first look at an incident file, for the page: format, columns, a sample, a suggestion."""

    name: str
    format: str
    detected: str | None
    columns: list[str]
    rows: int
    sample: pd.DataFrame
    suggestion: MappingProfile | None
    table: Table | None = None  # the whole table (extracts and canonical files; not police.uk)
    sheet: str | None = None  # the workbook sheet chosen (None: the first with data)


def inspect_incident_file(inp: FileInput, sheet: str | None = None) -> IncidentInspection:
    """Read the header (and the table, for extracts) to say how the file would be read."""
    sheet = sheet or inp.sheet
    fmt = sniff_format(inp.data, inp.name)
    columns = read_header(inp.data, inp.name, sheet=sheet)
    detected = detect_incident_format(columns)
    if detected == POLICE_UK:
        return IncidentInspection(inp.name, fmt, detected, columns, _estimate_rows(inp.data), pd.DataFrame(), None,
                                  sheet=sheet)
    police_uk.check_police_uk_like(columns, inp.name)
    table = read_table(inp.data, inp.name, sheet=sheet)
    sample = table.frame.head(200)
    suggestion = None if detected else suggest_mapping(table.columns, sample, Path(inp.name).stem)
    return IncidentInspection(inp.name, fmt, detected, table.columns, table.rows, sample, suggestion, table, sheet)


def _estimate_rows(raw: bytes) -> int:
    return max(raw.count(b"\n") - 1 + (0 if raw.endswith(b"\n") else 1), 0)


def read_incident_file(inp: FileInput, mapping: MappingProfile | None = None, *,
                       progress: Progress = _quiet) -> tuple[LoadResult, str]:
    """One file as a LoadResult (LSOAs not yet attached) and how it was read."""
    fmt = sniff_format(inp.data, inp.name)
    sheet = inp.sheet or (mapping.sheet if mapping else None)
    columns = read_header(inp.data, inp.name, sheet=sheet)
    detected = detect_incident_format(columns)
    if detected == POLICE_UK:
        table = read_table(inp.data, inp.name, sheet=sheet, columns=police_uk.NEEDED + ["Falls within"],
                           progress=lambda f, m: progress(f * 0.6, m))
        progress(0.6, f"Checking {table.rows:,} rows")
        result = police_uk.read_police_uk(table)
        progress(1.0, f"Checked {table.rows:,} rows")
        return result, POLICE_UK
    police_uk.check_police_uk_like(columns, inp.name)
    table = read_table(inp.data, inp.name, sheet=sheet, progress=progress)
    if detected == CANONICAL:
        return read_canonical_table(table), CANONICAL
    if mapping is None:
        suggestion = suggest_mapping(table.columns, table.frame.head(200))
        guessed = ", ".join(f"{k}={v}" for k, v in suggestion.columns.items()) or "none"
        raise HarmInputError(
            f"the columns are not data.police.uk's or the canonical incident CSV's ({fmt}, columns: "
            f"{', '.join(table.columns[:12])}{' ...' if len(table.columns) > 12 else ''})", where=inp.name,
            fix=f"Map them on the Data page and save the mapping, then use --mapping NAME (suggested: {guessed}).")
    return apply_mapping(table, mapping), f"{MAPPED} (mapping '{mapping.name}')"


# --- incidents: several files -----------------------------------------------------------------

def read_incident_inputs(inputs: list[FileInput], mapping: MappingProfile | None = None, *,
                         known_ids: pd.Index | None = None, progress: Progress = _quiet
                         ) -> tuple[pd.DataFrame, list[FileReport]]:
    """Read every file, drop crime_ids seen before (as duplicates), attach LSOAs; no store."""
    if not inputs:
        raise HarmInputError("no files to import", fix="Name at least one file.")
    seen = pd.Index([] if known_ids is None else known_ids, dtype="str")
    total = sum(len(i.data) for i in inputs) or 1
    done = 0
    reports, frames = [], []
    for inp in inputs:
        share = len(inp.data) / total * 0.7

        def file_progress(fraction, message, _start=done, _share=share, _name=inp.name):
            progress(_start / total * 0.7 + fraction * _share, f"{_name}: {message}")

        progress(done / total * 0.7, f"Reading {inp.name}")
        result, detected = read_incident_file(inp, mapping, progress=file_progress)
        result = _drop_seen(result, seen, inp.name)
        if result.loaded:
            seen = seen.append(pd.Index(result.frame["crime_id"].astype("str")))
            frames.append(result.frame)
        reports.append(FileReport(inp.name, inp.sha256, len(inp.data), sniff_format(inp.data, inp.name),
                                  detected, result))
        done += len(inp.data)
    progress(0.72, "Finding the area of each incident")
    combined = pd.concat(frames, ignore_index=True) if frames else empty()
    if len(combined):
        from harm.areas import attach_lsoa

        combined = attach_lsoa(conform(combined))
    return combined, reports


def loaded_row_numbers(result: LoadResult) -> np.ndarray:
    """The file row numbers of ``result.frame``'s rows (every row is loaded or in the rejects once)."""
    every = np.arange(result.rows_read, dtype="int64") + 2
    taken = result.rejects["row"].to_numpy("int64") if len(result.rejects) else np.array([], dtype="int64")
    return np.setdiff1d(every, taken, assume_unique=False)


def _drop_seen(result: LoadResult, seen: pd.Index, name: str) -> LoadResult:
    if not len(seen) or not result.loaded:
        return result
    repeated = result.frame["crime_id"].astype("str").isin(seen).to_numpy()
    if not repeated.any():
        return result
    rows = loaded_row_numbers(result)
    extra = duplicate_rejects(name, rows[repeated], result.frame["crime_id"][repeated])
    rejects = pd.concat([result.rejects, extra], ignore_index=True).sort_values("row", kind="stable")
    out = LoadResult(result.frame[~repeated].reset_index(drop=True), rejects.reset_index(drop=True),
                     result.rows_read, result.duplicates + int(repeated.sum()), list(result.notes))
    out.check()
    return out


def default_incident_name(inputs: list[FileInput], reports: list[FileReport] | None = None) -> str:
    """A data set name when the user gives none: the forces of police.uk files, else the file name."""
    forces: list[str] = []
    for report in reports or []:
        for note in report.result.notes:
            if "data.police.uk street-level crime, " in note:
                text = note.split("data.police.uk street-level crime, ", 1)[1].rsplit(", ", 1)[0]
                forces += [f.strip() for f in text.split(",") if f.strip() and f.strip() != "force not given"]
    if forces:
        return "data.police.uk " + " & ".join(sorted(set(forces)))[:60]
    return Path(inputs[0].name).stem[:60] if inputs else "imported incidents"


def import_incidents(inputs: list[FileInput], name: str | None = None, mapping: MappingProfile | None = None, *,
                     replace: bool = False, progress: Progress = _quiet) -> ImportReport:
    """Read incident files and keep them in the store as data set ``name`` (added to it if it exists).

    Rows whose ``crime_id`` is already in the data set count as duplicates; a file already
    imported into it (same SHA-256) adds nothing.
    """
    existing = None
    if name is not None:
        store.check_name(name)
        existing = store.find_dataset(name)
        if existing is not None and existing.kind != "incidents":
            raise HarmInputError(f"'{existing.name}' is a stored {existing.kind} data set, not incidents",
                                 fix="Choose another --name.")
        if replace:
            existing = None
    known = store.load_incident_ids(existing.name) if existing is not None else None
    incidents, reports = read_incident_inputs(inputs, mapping, known_ids=known, progress=progress)
    if name is None:
        name = default_incident_name(inputs, reports)
        existing = None if replace else store.find_dataset(name)
        if existing is not None and existing.kind != "incidents":
            name, existing = f"{name} (incidents)", store.find_dataset(f"{name} (incidents)", "incidents")
        if existing is not None:  # the default name is taken by earlier imports: add to that data set
            known = store.load_incident_ids(existing.name)
            for r in reports:
                r.result = _drop_seen(r.result, known, r.file)
            incidents = incidents[~incidents["crime_id"].astype("str").isin(known)].reset_index(drop=True)
    report = ImportReport("incidents", reports)
    report.check()
    previous = {s["sha256"]: s for s in existing.sources} if existing is not None else {}
    for r in reports:
        if r.sha256 in previous:
            r.already_imported = previous[r.sha256].get("imported_at", "")
            report.notes.append(f"{r.file} was already imported into this data set on {r.already_imported}: "
                                "nothing new was added.")
    report.notes += [n for r in reports for n in r.result.notes]
    if any(r.detected == POLICE_UK for r in reports):
        report.notes += [police_uk.VIOLENCE_NOTE, police_uk.PRECISION_NOTE]
    if incidents is not None and len(incidents):
        outside = int((incidents["lsoa_code"].isna() & incidents["x"].notna()).sum())
        if outside:
            report.notes.append(f"{outside:,} incidents lie outside the built-in areas (West Mercia and "
                                "Warwickshire): loaded, and counted under '(outside areas)' unless boundaries "
                                "you import cover them.")
    progress(0.85, "Saving to the local store")
    report.dataset = _save_incidents(name, existing, incidents, report)
    progress(1.0, "Done")
    return report


def _save_incidents(name: str, existing, incidents: pd.DataFrame, report: ImportReport) -> store.DatasetInfo:
    new_sources = [r for r in report.files if not r.already_imported]
    if existing is not None and not new_sources:
        return existing
    if existing is not None:
        combined = pd.concat([store.load_incidents(existing.name), incidents], ignore_index=True)
        rejects = pd.concat([store.load_rejects(existing.name),
                             *[r.result.rejects for r in new_sources]], ignore_index=True)
        sources = list(existing.sources)
        notes = list(existing.notes)
        created = existing.created_at
        name = existing.name
    else:
        combined, rejects, sources, notes, created = incidents, report.rejects, [], [], None
    stamp = store.now()
    sources += [r.source_entry(stamp) for r in new_sources]
    notes += [n for n in report.notes if n not in notes and "already imported" not in n]
    combined = conform(combined) if len(combined) else empty()
    return store.write_dataset(name, "incidents", combined, rejects, sources=sources, notes=notes,
                               details=incident_details(combined), created_at=created)


def incident_details(incidents: pd.DataFrame) -> dict:
    """What the page lists about a data set: months covered, precision, locations."""
    if not len(incidents):
        return {"first_month": None, "last_month": None, "precision": {}, "no_location": 0, "offence_groups": []}
    months = incidents["occurred_from"].dt.to_period("M")
    return {
        "first_month": str(months.min()), "last_month": str(months.max()),
        "precision": {str(k): int(v) for k, v in incidents["date_precision"].astype("str").value_counts().items()},
        "no_location": int(incidents["x"].isna().sum()),
        "outside_builtin_areas": int((incidents["lsoa_code"].isna() & incidents["x"].notna()).sum()),
        "offence_groups": sorted(map(str, incidents["offence_group"].dropna().unique())),
    }


# --- boundaries -------------------------------------------------------------------------------

def import_boundaries(inp: FileInput, name: str | None = None, name_field: str | None = None,
                      code_field: str | None = None) -> ImportReport:
    """Read a boundary file and keep it as boundary set ``name`` (replacing one of that name)."""
    from harm.io.boundaries import inspect_boundaries, read_boundary_file

    if not name_field:
        found = inspect_boundaries(inp.data, inp.name)
        fields = ", ".join(found.fields)
        raise HarmInputError("choose the field that names each area", where=inp.name,
                             fix=f"Give --area-field, one of: {fields} (suggested: {found.name_field}).")
    name = store.check_name(name or Path(inp.name).stem)
    existing = store.find_dataset(name)
    if existing is not None and existing.kind != "boundaries":
        raise HarmInputError(f"'{existing.name}' is a stored {existing.kind} data set, not boundaries",
                             fix="Choose another name.")
    result = read_boundary_file(inp.data, inp.name, name_field, code_field)
    file_report = FileReport(inp.name, inp.sha256, len(inp.data), Path(inp.name).suffix.lstrip(".").lower(),
                             "boundaries", result)
    report = ImportReport("boundaries", [file_report], notes=list(result.notes))
    report.check()
    areas = result.frame
    details = {"name_field": name_field, "code_field": code_field, "areas": len(areas),
               "bounds_bng": [round(float(v)) for v in areas.total_bounds]}
    report.dataset = store.write_dataset(name, "boundaries", areas, result.rejects,
                                         sources=[file_report.source_entry(store.now())], notes=result.notes,
                                         details=details)
    return report


# --- other tables (treatment, drug testing, spend) --------------------------------------------

def read_kind_file(inp: FileInput, kind: str) -> LoadResult:
    """One treatment / drug-testing / spend file, checked by that kind's own reader.

    Spend files are read row by row (``harm.spend.reader``); treatment and drug-testing files
    are checked whole by their readers (which stop at the first bad value) and counted as the
    rows of the file, blank rows rejected.
    """
    if kind not in TABLE_KINDS:
        raise HarmInputError(f"unknown kind '{kind}'",
                             fix=f"Use one of: incidents, boundaries, {', '.join(TABLE_KINDS)}.")
    if kind == "spend":
        from harm.spend.reader import read_spend_file

        return read_spend_file(inp.name, raw=inp.data, name=inp.name)
    table = read_table(inp.data, inp.name)
    if kind == "testing":
        from harm.drugs.testing import read_testing_csv

        read_testing_csv(inp.data, inp.name)
    else:
        from harm.treatment.readers import read_treatment_file

        read_treatment_file(inp.data, inp.name)
    return _table_result(table)


def import_table(inputs: list[FileInput], kind: str, name: str | None = None) -> ImportReport:
    """Keep treatment, drug-testing or spend files as data set ``name`` (added to it if it exists).

    The original files are kept byte for byte (``harm.store.dataset_files``) so the commands
    and pages of that kind read them with their own readers; the rows as read are kept too.
    A file already in the data set (same SHA-256) adds nothing.
    """
    if kind not in TABLE_KINDS:
        raise HarmInputError(f"unknown kind '{kind}'",
                             fix=f"Use one of: incidents, boundaries, {', '.join(TABLE_KINDS)}.")
    if not inputs:
        raise HarmInputError("no files to import", fix="Name at least one file.")
    name = store.check_name(name or Path(inputs[0].name).stem)
    existing = store.find_dataset(name)
    if existing is not None and existing.kind != kind:
        raise HarmInputError(f"'{existing.name}' is a stored {existing.kind} data set, not {kind}",
                             fix="Choose another name.")
    known = {s["sha256"]: s.get("imported_at", "") for s in existing.sources} if existing is not None else {}
    reports, new = [], []
    for inp in inputs:
        result = read_kind_file(inp, kind)
        if inp.sha256 in known:
            result = _as_duplicate_file(result, inp.name)
        report = FileReport(inp.name, inp.sha256, len(inp.data), sniff_format(inp.data, inp.name), kind, result,
                            known.get(inp.sha256, ""))
        reports.append(report)
        if inp.sha256 not in known:
            new.append((inp, report))
            known[inp.sha256] = "this import"
    report = ImportReport(kind, reports, notes=[n for r in reports for n in r.result.notes])
    report.check()
    if not new and existing is not None:
        report.dataset = existing
        return report
    frames = [_text_frame(r.result.frame).assign(source_file=inp.name) for inp, r in new]
    old = [store.load_table(existing.name)] if existing is not None else []
    data = pd.concat(old + frames, ignore_index=True)
    data = data.astype("object").where(data.notna(), "").astype("str")
    rejects = pd.concat(([store.load_rejects(existing.name)] if existing is not None else [])
                        + [r.result.rejects for _, r in new], ignore_index=True)
    stamp = store.now()
    sources = (list(existing.sources) if existing is not None else []) + [r.source_entry(stamp) for _, r in new]
    files = {(inp.sha256, inp.name): inp.data for inp, _ in new}
    report.dataset = store.write_dataset(name, kind, data, rejects, sources=sources, notes=report.notes,
                                         details={"columns": list(map(str, data.columns))},
                                         created_at=existing.created_at if existing is not None else None,
                                         files=files)
    return report


def _text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        out[str(column)] = frame[column].astype("object").where(frame[column].notna(), "").astype("str")
    return out


def _table_result(table: Table) -> LoadResult:
    from harm.io.rejects import RejectLog

    log = RejectLog(table.name, table.row_numbers())
    log.reject(table.bad.to_numpy() != "", "(row)", "", table.bad.to_numpy())
    log.reject(table.blank(), "(row)", "", "blank row")
    keep = log.ok
    frame = table.frame[keep].copy()
    frame.insert(0, "source_row", table.row_numbers()[keep].astype("str"))
    result = LoadResult(frame.reset_index(drop=True), log.frame(), table.rows, 0, list(table.notes))
    result.check()
    return result


def _as_duplicate_file(result: LoadResult, name: str) -> LoadResult:
    """The same file again: every row it would load is a duplicate (explained in a note)."""
    out = LoadResult(result.frame.iloc[0:0], result.rejects, result.rows_read, result.duplicates + result.loaded,
                     list(result.notes) + [f"{name} was already imported into this data set: nothing new was added."])
    out.check()
    return out
