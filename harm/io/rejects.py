"""Collecting rejected rows fast: one call per (mask, column, reason), first reason wins."""

from __future__ import annotations

import numpy as np
import pandas as pd

from harm.io.result import REJECT_COLUMNS, empty_rejects

DUPLICATE = "duplicate crime_id"


class RejectLog:
    """Rows of one file that fail a check; a row keeps the first reason it was rejected for."""

    def __init__(self, file: str, row_numbers: np.ndarray):
        self.file = file
        self.rows = np.asarray(row_numbers, dtype="int64")
        self.ok = np.ones(len(self.rows), dtype=bool)
        self._parts: list[pd.DataFrame] = []

    def reject(self, mask, column: str, values, reason) -> None:
        """Reject rows where ``mask`` (still ok); ``values`` and ``reason`` are scalars or per-row arrays."""
        mask = np.asarray(mask, dtype=bool) & self.ok
        if not mask.any():
            return
        self.ok &= ~mask
        self._parts.append(pd.DataFrame({
            "file": self.file,
            "row": self.rows[mask],
            "column": column,
            "value": _pick(values, mask),
            "reason": _pick(reason, mask),
        }))

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return empty_rejects()
        out = pd.concat(self._parts, ignore_index=True)[REJECT_COLUMNS]
        return out.sort_values("row", kind="stable").reset_index(drop=True)


def _pick(values, mask: np.ndarray):
    if isinstance(values, (pd.Series, pd.Index)):
        return np.asarray(values.astype("object"))[mask]
    if isinstance(values, np.ndarray):
        return values[mask]
    return values


def duplicate_rejects(file: str, rows: np.ndarray, crime_ids) -> pd.DataFrame:
    return pd.DataFrame({"file": file, "row": np.asarray(rows, dtype="int64"), "column": "crime_id",
                         "value": np.asarray(crime_ids, dtype="object"), "reason": DUPLICATE})[REJECT_COLUMNS]


def reason_summary(rejects: pd.DataFrame) -> pd.DataFrame:
    """``reason, rows`` — how many rows were rejected for each reason (most first)."""
    if len(rejects) == 0:
        return pd.DataFrame({"reason": pd.Series(dtype="str"), "rows": pd.Series(dtype="int64")})
    counts = rejects["reason"].astype("str").value_counts()
    return pd.DataFrame({"reason": counts.index.astype("str"), "rows": counts.to_numpy("int64")})
