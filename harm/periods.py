"""Months, financial years and the windows the performance table compares.

A month is a ``pandas.Period`` with frequency ``M``; users write it ``2014-10``.
Financial years run April to March and are written ``2014/15``. A window is a
pair ``(first, last)`` of months, both included, written ``2014-04..2014-10``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from harm.errors import HarmInputError

FINANCIAL_YEAR_START_MONTH = 4  # April
_MONTH_TEXT = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")

Window = tuple[pd.Period, pd.Period]


def parse_month(value, *, where: str = "month") -> pd.Period:
    """A month from ``"YYYY-MM"`` text, a ``Period`` or a timestamp; ``HarmInputError`` otherwise."""
    if isinstance(value, pd.Period):
        if value.freqstr != "M":
            return value.asfreq("M")
        return value
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if hasattr(value, "year") and hasattr(value, "month"):  # Timestamp, datetime, date, NaT
        if pd.isna(value):
            raise HarmInputError("no month given", where=where, fix="Write the month as YYYY-MM, e.g. 2014-10")
        return pd.Period(year=value.year, month=value.month, freq="M")
    text = str(value)
    match = _MONTH_TEXT.match(text)
    if not match:
        raise HarmInputError(
            f"{text!r} is not a month", where=where, fix="Write the month as YYYY-MM, e.g. 2014-10"
        )
    if not 1 <= int(match.group(2)) <= 12:
        raise HarmInputError(
            f"{text.strip()!r} is a month that does not exist", where=where,
            fix="Months run 01 to 12: write the month as YYYY-MM, e.g. 2014-10",
        )
    return pd.Period(year=int(match.group(1)), month=int(match.group(2)), freq="M")


def to_months(values, *, where: str = "month") -> pd.PeriodIndex:
    """Many months at once (Period[M] values, ``"YYYY-MM"`` text or timestamps)."""
    if isinstance(values, (pd.Series, pd.Index)) and isinstance(values.dtype, pd.PeriodDtype):
        return pd.PeriodIndex(values).asfreq("M")
    values = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        if values.isna().any():
            raise HarmInputError("some months are missing", where=where, fix="Fill in every month as YYYY-MM")
        return pd.PeriodIndex(values.dt.to_period("M"))
    uniques = pd.unique(values.astype(object))
    lookup = {u: parse_month(u, where=where) for u in uniques}
    return pd.PeriodIndex([lookup[v] for v in values.astype(object)], freq="M")


def financial_year_start_year(month) -> int:
    """The calendar year in which ``month``'s financial year starts (2015-02 -> 2014)."""
    month = parse_month(month)
    return month.year if month.month >= FINANCIAL_YEAR_START_MONTH else month.year - 1


def financial_year(month) -> str:
    """The financial year of ``month`` written as a panel writes it: 2014-10 -> ``"2014/15"``."""
    start = financial_year_start_year(month)
    return f"{start}/{(start + 1) % 100:02d}"


def ytd_window(as_of) -> Window:
    """Year to date as of ``as_of``: April of its financial year through ``as_of`` itself."""
    as_of = parse_month(as_of)
    first = pd.Period(year=financial_year_start_year(as_of), month=FINANCIAL_YEAR_START_MONTH, freq="M")
    return first, as_of


def years_earlier(window: Window, years: int) -> Window:
    """The same calendar months ``years`` years earlier."""
    first, last = window
    return first - 12 * years, last - 12 * years


def months_before(as_of, count: int) -> Window:
    """The ``count`` months ending with ``as_of`` (``count=6`` -> the last six months)."""
    if count < 1:
        raise HarmInputError(f"a window needs at least one month, not {count}")
    as_of = parse_month(as_of)
    return as_of - (count - 1), as_of


def window_length(window: Window) -> int:
    """Number of months in the window, both ends included."""
    first, last = window
    return (last - first).n + 1


def covers(data_window: Window, window: Window) -> bool:
    """True when the data's months include every month of ``window``."""
    return data_window[0] <= window[0] and window[1] <= data_window[1]


def parse_period(text: str, *, where: str = "--period", open_ended: bool = False) -> Window:
    """``"YYYY-MM..YYYY-MM"`` to a window; the first month must not be after the last.

    With ``open_ended`` either side may be left out (``"2014-04.."``, ``"..2014-10"``) and
    comes back as ``None``: from the start of the data, or to its end.
    """
    parts = [part.strip() for part in str(text).split("..")]
    given = sum(bool(part) for part in parts)
    if len(parts) != 2 or given == 0 or (given == 1 and not open_ended):
        raise HarmInputError(
            f"{text!r} is not a period", where=where, fix="Write it as YYYY-MM..YYYY-MM, e.g. 2014-04..2014-10"
        )
    first, last = (parse_month(part, where=where) if part else None for part in parts)
    if first is not None and last is not None and first > last:
        raise HarmInputError(
            f"the period {text!r} starts after it ends", where=where, fix="Put the earlier month first"
        )
    return first, last


def format_period(window: Window) -> str:
    """A window written ``"2014-04..2014-10"``."""
    first, last = window
    return f"{first.strftime('%Y-%m')}..{last.strftime('%Y-%m')}"
