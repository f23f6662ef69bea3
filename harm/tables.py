"""Tables for download: CSV and XLSX with cells a spreadsheet would run as formulas neutralised."""

from __future__ import annotations

import io

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that start like a formula with a quote (numbers are left alone)."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or isinstance(series.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            text = series.astype("string")
            risky = text.str.startswith(FORMULA_STARTS).fillna(False)
            out[column] = text.where(~risky, "'" + text)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_formulas(frame).to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()


def write_csv(frame: pd.DataFrame, path) -> None:
    with open(path, "wb") as f:
        f.write(to_csv_bytes(frame))
