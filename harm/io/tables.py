"""Open any table a user brings (CSV, XLSX, Parquet) as text cells, or say why it can't be.

:func:`read_table` is the one entry point. It looks at the bytes, not the file name, to tell
a workbook or a Parquet file from a CSV, and gives one :class:`~harm.errors.HarmInputError`
naming the file, what is wrong and how to fix it when the file is not a usable table (empty,
binary, a web page, wrong delimiter, unreadable encoding, an unclosed quote).

A usable table comes back as a :class:`Table`: every cell a ``str`` (no type guessing, empty
string for an empty cell), one row per record in the file *including blank lines*, so that
``row_number`` (the spreadsheet row: header = row 1) points at the right line. Rows with more
fields than the header are kept and marked in ``Table.bad`` so that readers reject them with
that reason instead of losing them.
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
import pandas as pd

from harm.errors import HarmInputError

Progress = Callable[[float, str], None]
CHUNK_ROWS = 100_000
MAX_UNZIPPED_BYTES = 2_000_000_000  # a workbook bigger than this when unzipped is refused
SAVE_AS_CSV = "Save it as CSV (comma-separated, UTF-8) and try again."


def _quiet(fraction: float, message: str) -> None:  # noqa: ARG001 - the default progress sink
    return None


@dataclass
class Table:
    """A table read from one file: text cells, blank rows kept, bad rows marked."""

    name: str  # the file name shown to the user
    format: str  # "csv", "xlsx" or "parquet"
    frame: pd.DataFrame  # str cells, "" for empty
    bad: pd.Series = None  # per row: "" or why the row cannot be read (e.g. too many fields)
    encoding: str = ""
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        if self.bad is None:
            self.bad = pd.Series("", index=self.frame.index, dtype="object")

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    @property
    def rows(self) -> int:
        return len(self.frame)

    def row_numbers(self) -> np.ndarray:
        """Spreadsheet row numbers (header = row 1) of the table's rows."""
        return np.arange(len(self.frame), dtype="int64") + 2

    def blank(self) -> np.ndarray:
        """True for rows whose every cell is empty (a blank line)."""
        if not len(self.frame.columns):
            return np.ones(len(self.frame), dtype=bool)
        empty = np.ones(len(self.frame), dtype=bool)
        for column in self.frame.columns:
            empty &= (self.frame[column].str.strip() == "").to_numpy()
        return empty


# --- what kind of file is this? ---------------------------------------------------------------

def sniff_format(raw: bytes, name: str) -> str:
    """``csv``, ``xlsx`` or ``parquet`` from the content; a clear error for anything else."""
    head = raw[:8]
    if not raw[:4096].strip() and not raw.strip():  # (the whole file is only copied when it starts blank)
        raise HarmInputError("the file is empty", where=name, fix="Choose a file with a header row and data.")
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(raw, name)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise HarmInputError("this is an old Excel (.xls) or other Office binary file", where=name,
                             fix="Open it in Excel and save it as .xlsx or as CSV (UTF-8).")
    if head.startswith(b"%PDF"):
        raise HarmInputError("this is a PDF document, not a table", where=name, fix=SAVE_AS_CSV)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise HarmInputError("this text is UTF-16 encoded (Excel's 'Unicode Text')", where=name,
                             fix="Save it as 'CSV UTF-8 (Comma delimited)' and try again.")
    if head.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf")):
        raise HarmInputError("this is a compressed archive, not a table", where=name,
                             fix="Extract the CSV from it first.")
    if b"\x00" in raw[:4096]:
        raise HarmInputError("this is a binary file, not a CSV table", where=name, fix=SAVE_AS_CSV)
    start = raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
        raise HarmInputError("this is a web page or XML document, not a CSV table", where=name,
                             fix="Download the CSV file itself (not the page that links to it).")
    if start.startswith((b"{", b"[")) and not start.startswith(b"[]"):
        raise HarmInputError("this looks like JSON, not a CSV table", where=name,
                             fix="Boundary files (GeoJSON) go under 'Import boundaries'; incidents must be CSV, "
                                 "XLSX or Parquet.")
    return "csv"


def _zip_kind(raw: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = archive.namelist()
            unzipped = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise HarmInputError("this zip or workbook file is damaged", where=name, fix=SAVE_AS_CSV) from exc
    if "xl/workbook.xml" in names:
        if unzipped > MAX_UNZIPPED_BYTES:
            raise HarmInputError("the workbook is too large to open safely "
                                 f"({unzipped / 1e9:.1f} GB unzipped)", where=name, fix=SAVE_AS_CSV)
        return "xlsx"
    if any(n.lower().endswith(".shp") for n in names):
        raise HarmInputError("this is a zipped shapefile (boundaries), not an incident table", where=name,
                             fix="Import it under 'Import boundaries' (or python -m harm import --kind boundaries).")
    if "word/document.xml" in names:
        raise HarmInputError("this is a Word document, not a table", where=name, fix=SAVE_AS_CSV)
    raise HarmInputError("this is a zip archive, not a table", where=name, fix="Extract the CSV from it first.")


def detect_encoding(raw: bytes, name: str) -> str:
    """``utf-8-sig`` (with or without BOM) or ``cp1252``; an error for anything else."""
    try:
        raw.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError as exc:
        raise HarmInputError(f"the text encoding could not be read (byte {exc.start + 1} is neither "
                             "UTF-8 nor Windows-1252)", where=name,
                             fix="Save the file as CSV UTF-8 (or Windows-1252).") from exc


# --- the readers ------------------------------------------------------------------------------

def read_table(raw: bytes, name: str, *, sheet: str | None = None, columns: list[str] | None = None,
               progress: Progress = _quiet) -> Table:
    """Read ``raw`` (the bytes of a file called ``name``) as a :class:`Table` of text cells.

    ``columns``: keep only these (those present); reading fewer columns of a big CSV is faster.
    """
    kind = sniff_format(raw, name)
    if kind == "xlsx":
        table = read_xlsx(raw, name, sheet=sheet)
    elif kind == "parquet":
        table = read_parquet(raw, name)
    else:
        table = read_csv(raw, name, columns=columns, progress=progress)
    _check_header(table)
    if columns is not None and kind != "csv":
        table.frame = table.frame[[c for c in table.columns if c in set(columns)]]
    return table


def read_header(raw: bytes, name: str, *, sheet: str | None = None) -> list[str]:
    """The column names only (cheap for CSV; reads the whole sheet for XLSX)."""
    kind = sniff_format(raw, name)
    if kind != "csv":
        return read_table(raw, name, sheet=sheet).columns
    encoding = detect_encoding(raw, name)
    first = raw[:65536].decode(encoding, errors="replace").lstrip("\ufeff")
    try:
        line = next(csv.reader(io.StringIO(first, newline="")), [])
    except csv.Error as exc:
        raise HarmInputError(f"the header row cannot be read as CSV ({exc})", where=name,
                             fix="Save the file as CSV (comma-separated) with one header row.") from exc
    _check_delimiter(first, name)
    return [c.strip() for c in line]


def read_csv(raw: bytes, name: str, *, columns: list[str] | None = None, progress: Progress = _quiet) -> Table:
    encoding = detect_encoding(raw, name)
    text_start = raw[:65536].decode(encoding, errors="replace").lstrip("\ufeff")
    if not text_start.strip():
        raise HarmInputError("the file is empty", where=name, fix="Choose a file with a header row and data.")
    _check_delimiter(text_start, name)
    expected = max(raw.count(b"\n"), 1)
    try:
        if raw.count(b"\r") != raw.count(b"\r\n"):  # a bare CR (in a cell, or old Mac line ends):
            raise _NeedsSlowPath()  # pandas' C parser can split a record there
        frame = _read_csv_fast(raw, encoding, expected, progress, columns)
        bad = None
    except _NeedsSlowPath:
        frame, bad = _read_csv_slow(raw.decode(encoding).lstrip("\ufeff"), name)
        if columns is not None:
            frame = frame[[c for c in frame.columns if _clean_name(c) in set(columns)]]
    except pd.errors.ParserError as exc:
        raise _parser_error(exc, name) from exc
    except pd.errors.EmptyDataError as exc:
        raise HarmInputError("the file is empty", where=name, fix="Choose a file with a header row and data.") from exc
    frame.columns = _clean_columns(frame.columns)
    notes = []
    if encoding == "cp1252":
        notes.append(f"{name}: read as Windows-1252 text (it is not UTF-8).")
    return Table(name, "csv", frame, bad, encoding, notes)


class _NeedsSlowPath(Exception):
    pass


def _read_csv_fast(raw: bytes, encoding: str, expected_rows: int, progress: Progress,
                   columns: list[str] | None) -> pd.DataFrame:
    """pandas' C parser in chunks (for the progress bar); ragged rows send us to the slow path."""
    wanted = set(columns) if columns is not None else None
    chunks = []
    done = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            # every column is parsed (so a row with too many fields is noticed: pandas' usecols
            # would drop the extra fields silently); unwanted columns are dropped chunk by chunk
            reader = pd.read_csv(io.BytesIO(raw), encoding=encoding, dtype=str, keep_default_na=False,
                                 na_filter=False, skip_blank_lines=False, index_col=False,
                                 chunksize=CHUNK_ROWS, engine="c")
            with reader:
                for chunk in reader:
                    if wanted is not None:
                        chunk = chunk[[c for c in chunk.columns if _clean_name(c) in wanted]]
                    chunks.append(chunk)
                    done += len(chunk)
                    progress(min(done / expected_rows, 1.0), f"Read {done:,} rows")
        except pd.errors.ParserWarning as exc:
            raise _NeedsSlowPath() from exc
        except pd.errors.ParserError as exc:
            if "Expected" in str(exc) and "fields" in str(exc):
                raise _NeedsSlowPath() from exc
            raise
    if not chunks:
        raise pd.errors.EmptyDataError("no rows")
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0].reset_index(drop=True)
    return frame.astype("str")


def _read_csv_slow(text: str, name: str) -> tuple[pd.DataFrame, pd.Series]:
    """Python's csv module: every record kept; records with extra filled-in fields are marked bad."""
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(records)
        width = len(header)
        rows, bad = [], []
        for record in records:
            if len(record) > width and any(v.strip() for v in record[width:]):
                bad.append(f"the row has {len(record)} fields; the header has {width}")
            else:
                bad.append("")
            rows.append((record + [""] * width)[:width])
    except csv.Error as exc:
        raise HarmInputError(f"this is not a readable CSV table ({exc} near row {records.line_num})", where=name,
                             fix="Check the quotes: every opening \" needs a closing \".") from exc
    frame = pd.DataFrame(rows, columns=range(width), dtype="str") if rows else pd.DataFrame(
        {i: pd.Series(dtype="str") for i in range(width)})
    frame.columns = header
    return frame, pd.Series(bad, dtype="object")


def _parser_error(exc: Exception, name: str) -> HarmInputError:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    match = re.search(r"EOF inside string starting at row (\d+)", message)
    if match:
        return HarmInputError(f"a quoted field that starts in row {int(match.group(1)) + 1} is never closed",
                              where=name, fix="Check the quotes: every opening \" needs a closing \".")
    return HarmInputError(f"this is not a readable CSV table ({message})", where=name,
                          fix="Check that every row has the same number of comma-separated fields.")


def _check_delimiter(text_start: str, name: str) -> None:
    first_line = text_start.splitlines()[0] if text_start.splitlines() else ""
    if "," in first_line:
        return
    for delimiter, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
        if first_line.count(delimiter) >= 1:
            raise HarmInputError(f"the columns are separated by {label}, not commas", where=name,
                                 fix="Save the file as comma-separated CSV (in Excel: 'CSV UTF-8 (Comma delimited)').")


def _clean_name(column) -> str:
    return str(column).replace("\ufeff", "").strip()


def _clean_columns(columns) -> list[str]:
    out = []
    for i, column in enumerate(columns):
        text = _clean_name(column)
        if not text or re.fullmatch(r"Unnamed: \d+", text):
            text = f"(column {i + 1})"
        out.append(text)
    return out


def _check_header(table: Table) -> None:
    named = [c for c in table.columns if not c.startswith("(column ")]
    if not named:
        raise HarmInputError("the first row has no column names", where=table.name,
                             fix="Put the column names in the first row.")
    if table.rows == 0:
        raise HarmInputError("the file has a header row but no data rows", where=table.name,
                             fix="Choose a file with at least one row of data.")


# --- workbooks and Parquet --------------------------------------------------------------------

@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its name and how many rows hold anything (header included)."""

    name: str
    rows: int

    @property
    def label(self) -> str:
        if not self.rows:
            return f"{self.name} (empty)"
        return f"{self.name} ({self.rows - 1:,} data row{'s' if self.rows != 2 else ''})"


def workbook_sheets(raw: bytes, name: str) -> list[Sheet]:
    """The sheets of an XLSX file in workbook order; ``[]`` for a CSV or Parquet file."""
    if sniff_format(raw, name) != "xlsx":
        return []
    book = _open_workbook(raw, name)
    try:
        return [Sheet(sheet_name, _count_rows(book, sheet_name)) for sheet_name in book.sheetnames]
    finally:
        book.close()


def _count_rows(book, sheet_name: str) -> int:
    # A big sheet's recorded dimension is trusted (reading it through would double the import's time);
    # a small one is read, so that an empty sheet or one with only formatting counts as empty.
    recorded = book[sheet_name].max_row
    if recorded is not None and recorded > 1000:
        return recorded
    return len(_sheet_rows(book, sheet_name))


def default_sheet(sheets: list[Sheet]) -> str | None:
    """The sheet :func:`read_xlsx` reads when none is chosen: the first with anything in it."""
    return next((s.name for s in sheets if s.rows), None)


def _open_workbook(raw: bytes, name: str):
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise HarmInputError(f"the workbook could not be opened ({type(exc).__name__})", where=name,
                             fix=SAVE_AS_CSV) from exc


def _sheet_rows(book, sheet_name: str) -> list[list[str]]:
    """A sheet's rows as text, without the empty rows at its end."""
    rows = [[_cell_text(v) for v in row] for row in book[sheet_name].iter_rows(values_only=True)]
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def read_xlsx(raw: bytes, name: str, *, sheet: str | None = None) -> Table:
    """The first sheet with data (or ``sheet``); the first row is the header."""
    book = _open_workbook(raw, name)
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise HarmInputError(f"the workbook has no sheet called '{sheet}'", where=name,
                                 fix=f"Sheets: {', '.join(book.sheetnames)}.")
        names = [sheet] if sheet else book.sheetnames
        for sheet_name in names:
            rows = _sheet_rows(book, sheet_name)
            if rows:
                break
        else:
            if sheet:
                raise HarmInputError(f"the sheet '{sheet}' is empty", where=name,
                                     fix=f"Choose another sheet (the workbook has: {', '.join(book.sheetnames)}).")
            raise HarmInputError("the workbook has no data", where=name, fix="Choose a workbook with a header row and data.")
    finally:
        book.close()
    header, body = rows[0], rows[1:]
    width = max(len(header), max((len(r) for r in body), default=0))
    while width > len(header) and not any(len(r) >= width and r[width - 1] for r in body):
        width -= 1
    header = (header + [""] * width)[:width]
    bad = ["" if not any(r[len(header):]) else "the row has values beyond the last named column" for r in body]
    body = [(r + [""] * width)[:width] for r in body]
    frame = pd.DataFrame(body, columns=range(width), dtype="str") if body else pd.DataFrame(
        {i: pd.Series(dtype="str") for i in range(width)})
    frame.columns = _clean_columns(header)
    notes = [f"{name}: read sheet '{sheet_name}'."] if len(book.sheetnames) > 1 else []
    return Table(name, "xlsx", frame, pd.Series(bad, dtype="object"), "", notes)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0 and value.microsecond == 0:
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).strip()


def read_parquet(raw: bytes, name: str) -> Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        arrow = pq.read_table(io.BytesIO(raw))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise HarmInputError(f"the Parquet file could not be read ({str(exc).splitlines()[0][:120]})", where=name,
                             fix="Write it again with pandas or pyarrow, or save it as CSV.") from exc
    frame = arrow.to_pandas()
    out = pd.DataFrame(index=range(len(frame)))
    for column in frame.columns:
        out[str(column)] = _series_text(frame[column])
    out.columns = _clean_columns(out.columns)
    return Table(name, "parquet", out)


def _series_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
        has_time = (values.dropna() != values.dropna().dt.normalize()).any()
        text = values.dt.strftime("%Y-%m-%dT%H:%M:%S" if has_time else "%Y-%m-%d")
        return text.fillna("").astype("str")
    if pd.api.types.is_bool_dtype(series):
        return series.map({True: "true", False: "false"}).fillna("").astype("str")
    if pd.api.types.is_float_dtype(series):
        return series.map(lambda v: "" if pd.isna(v) else _cell_text(float(v))).astype("str")
    return series.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else _cell_text(v)
                      ).astype("str")
