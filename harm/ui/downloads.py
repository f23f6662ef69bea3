"""Download buttons for tables: CSV and XLSX, formula-like cells neutralised."""

import re

import pandas as pd
import streamlit as st

from harm.tables import to_csv_bytes, to_xlsx_bytes


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def table_downloads(frame: pd.DataFrame, name: str) -> None:
    """CSV and XLSX buttons side by side; ``name`` says what the file is (no extension)."""
    base = slug(name)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("⬇ CSV", to_csv_bytes(frame), f"{base}.csv", "text/csv", key=f"csv-{base}")
    right.download_button("⬇ XLSX", to_xlsx_bytes(frame), f"{base}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx-{base}")
