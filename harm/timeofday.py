"""Day of week, hour, and nights that cross midnight (METHODS §1).

Times are naive local times (Europe/London). The week has 168 hour-of-week bins,
``bin = day * 24 + hour`` with Monday 00:00 as bin 0 and days numbered Mon=0 .. Sun=6.

An hour window ``"21-02"`` means ``[21:00, 02:00)``. When a window wraps midnight (start
hour after end hour), the hours after midnight belong to the night of the *previous* day:
with days (Fri, Sat) and hours 21-02, Saturday 01:30 is Friday night and is selected,
Sunday 01:30 is Saturday night and is selected, Friday 01:30 (Thursday night) is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, NamedTuple

import numpy as np
import pandas as pd

from harm.errors import HarmInputError

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS_PER_WEEK = 168
MINUTES_PER_WEEK = 168 * 60

_HOURS_PATTERN = re.compile(r"^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$")


@dataclass(frozen=True)
class HourWindow:
    """Hours ``[start:00, end:00)``; ``end`` may be 24; wraps midnight when start > end."""

    start: int
    end: int

    @property
    def wraps(self) -> bool:
        return self.start > self.end

    @property
    def hours(self) -> tuple[int, ...]:
        """The clock hours covered, in the order they are reached (21, 22, 23, 0, 1)."""
        if self.wraps:
            return tuple(range(self.start, 24)) + tuple(range(0, self.end))
        return tuple(range(self.start, self.end))

    def __str__(self) -> str:
        return f"{self.start:02d}-{self.end:02d}"


class TimeSelection(NamedTuple):
    """A days-and-hours filter as the user writes it."""

    days: tuple[str, ...]
    hours: str


WHOLE_DAY = HourWindow(0, 24)
# "Most offending takes place on Friday and Saturday evenings between 21:00 and 01:59."
NIGHT_TIME_ECONOMY = TimeSelection(days=("Fri", "Sat"), hours="21-02")


def parse_hours(hours: str | HourWindow | tuple[int, int] | None) -> HourWindow:
    """``"21-02"`` -> ``HourWindow(21, 2)``; ``None`` means the whole day (00-24)."""
    if hours is None:
        return WHOLE_DAY
    if isinstance(hours, HourWindow):
        start, end = hours.start, hours.end
    elif isinstance(hours, tuple) and len(hours) == 2:
        start, end = hours
    else:
        match = _HOURS_PATTERN.match(str(hours))
        if not match:
            raise HarmInputError(
                f"--hours must look like 21-02, not {hours!r}",
                fix="Give a start and an end hour (00-24), e.g. 21-02 for 21:00 to 01:59",
            )
        start, end = int(match.group(1)), int(match.group(2))
    if not (0 <= int(start) <= 23 and 0 <= int(end) <= 24):
        raise HarmInputError(
            f"--hours {start}-{end} is out of range",
            fix="The start hour must be 00-23 and the end hour 00-24",
        )
    if start == end:
        raise HarmInputError(
            f"--hours {start:02d}-{end:02d} selects no hours",
            fix="Use 00-24 for the whole day",
        )
    return HourWindow(int(start), int(end))


def parse_days(days: str | Iterable[str | int] | None) -> tuple[int, ...]:
    """``"Fri,Sat"`` or ``["Fri", "Sat"]`` or ``[4, 5]`` -> ``(4, 5)``; ``None`` -> all days."""
    if days is None:
        return tuple(range(7))
    items = days.split(",") if isinstance(days, str) else list(days)
    numbers = sorted({_day_number(item) for item in items if str(item).strip()})
    if not numbers:
        raise HarmInputError("--days selects no day", fix="Give day names such as Fri,Sat")
    return tuple(numbers)


def _day_number(item: str | int) -> int:
    if isinstance(item, (int, np.integer)) and 0 <= int(item) <= 6:
        return int(item)
    name = str(item).strip()[:3].title()
    if name in DAYS and str(item).strip().lower() in _accepted_spellings(name):
        return DAYS.index(name)
    raise HarmInputError(
        f"--days: {item!r} is not a day",
        fix="Use Mon, Tue, Wed, Thu, Fri, Sat, Sun separated by commas",
    )


def _accepted_spellings(short: str) -> set[str]:
    full = {"Mon": "monday", "Tue": "tuesday", "Wed": "wednesday", "Thu": "thursday",
            "Fri": "friday", "Sat": "saturday", "Sun": "sunday"}[short]
    return {short.lower(), full}


def day_of_week(times: pd.Series) -> np.ndarray:
    """Mon=0 .. Sun=6 (float, NaN where the time is missing)."""
    return times.dt.day_of_week.to_numpy(dtype="float64", na_value=np.nan)


def hour_of_day(times: pd.Series) -> np.ndarray:
    """0..23 (float, NaN where the time is missing)."""
    return times.dt.hour.to_numpy(dtype="float64", na_value=np.nan)


def minute_of_week(times: pd.Series) -> np.ndarray:
    """Minutes since Monday 00:00, 0..10079 (float, NaN where missing); seconds dropped."""
    dt = times.dt
    parts = dt.day_of_week * 1440 + dt.hour * 60 + dt.minute
    return parts.to_numpy(dtype="float64", na_value=np.nan)


def hour_of_week(times: pd.Series) -> np.ndarray:
    """Hour-of-week bin ``day * 24 + hour``, 0..167 (float, NaN where missing)."""
    return day_of_week(times) * 24 + hour_of_day(times)


def night_of(times: pd.Series, hours: str | HourWindow) -> np.ndarray:
    """The day (Mon=0..Sun=6) whose night a time belongs to under the window ``hours``.

    With a wrapping window, times from 00:00 up to the end hour belong to the previous
    day; otherwise (and for all other times) it is the calendar day.
    """
    window = parse_hours(hours)
    day, hour = day_of_week(times), hour_of_day(times)
    if window.wraps:
        day = np.where(hour < window.end, (day - 1) % 7, day)
    return day


def selected_bins(days=None, hours=None) -> np.ndarray:
    """The sorted hour-of-week bins selected by ``days`` and ``hours`` (night rule applied).

    ``days`` and ``hours`` are as :func:`parse_days` and :func:`parse_hours` take them;
    ``None`` selects every day / every hour. Sunday night with 21-02 selects Monday
    00:00-01:59 (the week wraps too).
    """
    window = parse_hours(hours)
    bins = [
        _bin_of_night(day, hour, window) for day in parse_days(days) for hour in window.hours
    ]
    return np.unique(np.asarray(bins, dtype=np.int64))


def _bin_of_night(day: int, hour: int, window: HourWindow) -> int:
    if window.wraps and hour < window.end:
        day = (day + 1) % 7
    return day * 24 + hour


def in_selection(times: pd.Series, days=None, hours=None) -> np.ndarray:
    """True where a point in time falls in the selection (night rule applied)."""
    chosen = np.zeros(HOURS_PER_WEEK, dtype=bool)
    chosen[selected_bins(days, hours)] = True
    bins = hour_of_week(times)
    known = ~np.isnan(bins)
    out = np.zeros(len(bins), dtype=bool)
    out[known] = chosen[bins[known].astype(np.int64)]
    return out


def describe_selection(days=None, hours=None) -> str:
    """``"Fri, Sat nights 21:00-01:59"``-style text for method notes."""
    day_numbers, window = parse_days(days), parse_hours(hours)
    day_text = "every day" if len(day_numbers) == 7 else ", ".join(DAYS[d] for d in day_numbers)
    if window == WHOLE_DAY:
        return f"{day_text}, all hours"
    last = (window.end - 1) % 24
    text = f"{day_text}, {window.start:02d}:00-{last:02d}:59"
    if window.wraps and window.end > 0:
        text += " (hours after midnight count with the night before)"
    return text
