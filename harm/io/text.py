"""Opening text tables: encodings, delimiters and the messages when a file is not a table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from harm.errors import HarmInputError

ENCODINGS = ("utf-8-sig", "cp1252")


def decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw[:4096]:
        raise HarmInputError("this is a binary file, not a CSV table", where=name,
                             fix="Export the data as CSV (comma-separated, UTF-8) and try again.")
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise HarmInputError("the text encoding could not be read", where=name,
                         fix="Save the file as UTF-8 (or Windows-1252) CSV.")


def read_csv_text(raw: bytes, name: str) -> pd.DataFrame:
    """All cells as strings (no type guessing), header from the first line, CRLF or LF."""
    text = decode(raw, name)
    if not text.strip():
        raise HarmInputError("the file is empty", where=name, fix="Choose a file with a header row and data.")
    first_line = text.splitlines()[0]
    if "," not in first_line:
        try:
            dialect = csv.Sniffer().sniff(first_line, delimiters=";\t|")
            raise HarmInputError(
                f"the columns are separated by {dialect.delimiter!r}, not commas", where=name,
                fix="Save the file as comma-separated CSV.")
        except csv.Error:
            pass
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise HarmInputError(f"this is not a readable CSV table ({str(exc).splitlines()[0]})", where=name,
                             fix="Check that every row has the same number of comma-separated fields.") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise HarmInputError("file not found", where=str(path), fix="Check the path.") from exc
    except IsADirectoryError as exc:
        raise HarmInputError("this is a folder, not a file", where=str(path), fix="Name a CSV file.") from exc
