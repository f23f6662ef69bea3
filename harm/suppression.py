"""Small-number suppression (METHODS.md §6), the one implementation for pages, downloads and CLI.

Rules
-----
- **Primary**: a count of 1 to 4 is not shown; it is written ``<5``. Zero is shown.
- **Secondary**: a cell is also hidden when the cells that *are* shown would let a hidden
  one be worked out. Cells that add up are described as *groups*: some parts and the
  total they add up to (rows of a table against its total row, columns against a total
  column). Within a group:

  * exactly one member hidden -> it could be worked out by subtraction, so the total is
    hidden too (METHODS.md: "a total is suppressed where it would let a suppressed cell
    be worked out"); when the total is the only hidden member (hidden to protect another
    group) the smallest non-zero part is hidden as well;
  * two or more parts hidden, all of them 1-4, with the total shown -> their sum is known;
    if that sum pins every one of them (all 1s or all 4s) the total is hidden.

  Hiding a cell can open another group (a hidden total is a part of a larger table), so
  the rules are applied until nothing changes.
- Hidden counts read ``<5`` (primary) or ``[c]`` (secondary: the cell is not small itself,
  it is hidden so that a small one cannot be worked out; writing ``<5`` there would be false).
- **Rates** built on a hidden count (a completion rate on hidden completions) are hidden
  too: the rate times the shown denominator would give the count back.

Usage: :func:`suppress` takes a long or wide frame, which columns are counts, the
margins (:class:`Margin`: which key column has a total row) and column totals, and
returns a :class:`Suppressed` with the mask, numbers for charts (NaN where hidden) and the
text for tables, downloads and the CLI (``<5`` / ``[c]``; hidden rates blank).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from harm.errors import HarmInputError

SUPPRESSED_TEXT = "<5"
SECONDARY_TEXT = "[c]"  # hidden so that a "<5" cannot be worked out (GSS "confidential" mark)
SMALLEST_SHOWN = 5  # counts 1..SMALLEST_SHOWN-1 are hidden
HIDDEN_RATE_TEXT = ""
METHOD_NOTE = (
    "Counts of 1 to 4 are shown as <5; a total (or another cell) that would let such a count be worked out "
    "is hidden too, shown as [c]; rates built on a hidden count are left blank (METHODS.md §6)."
)


@dataclass(frozen=True)
class Margin:
    """Rows whose ``column`` is not ``total`` add up to the row whose ``column`` is ``total``.

    The rows that add up share every other key column, e.g. ``Margin("substance", "all")``:
    for each area and year, the substance rows add up to the ``all`` row.
    """

    column: str
    total: str


@dataclass
class Suppressed:
    """The outcome of :func:`suppress`."""

    frame: pd.DataFrame  # the input, unchanged
    mask: pd.DataFrame  # True where a count or rate is hidden (count and rate columns)
    primary: pd.DataFrame  # True where a count is 1-4
    count_columns: list[str] = field(default_factory=list)
    rate_columns: list[str] = field(default_factory=list)

    @property
    def n_hidden(self) -> int:
        return int(self.mask[self.count_columns].to_numpy().sum())

    @property
    def n_secondary(self) -> int:
        cols = self.count_columns
        return int((self.mask[cols].to_numpy() & ~self.primary[cols].to_numpy()).sum())

    def numbers(self) -> pd.DataFrame:
        """The frame with hidden counts and rates as NaN (for charts)."""
        out = self.frame.copy()
        for column in self.count_columns + self.rate_columns:
            out[column] = out[column].astype("float64").mask(self.mask[column].to_numpy())
        return out

    def text(self, *, rate_text: str = HIDDEN_RATE_TEXT, thousands: bool = False,
             rate_format: str | None = None) -> pd.DataFrame:
        """The frame for tables, downloads and the CLI: ``<5`` / ``[c]`` for hidden counts, hidden rates blank.

        Counts print as whole numbers (``thousands=True`` adds separators, for screens);
        rates are left as numbers except where hidden, or formatted with ``rate_format``
        (e.g. ``"{:.1%}"``, for screens).
        """
        out = self.frame.copy()
        for column in self.count_columns:
            hidden = self.mask[column].to_numpy()
            primary = self.primary[column].to_numpy()
            out[column] = _as_text(out[column], hidden & primary, SUPPRESSED_TEXT, thousands)
            secondary = hidden & ~primary
            out.loc[secondary, column] = SECONDARY_TEXT
        for column in self.rate_columns:
            out[column] = _as_text(out[column], self.mask[column].to_numpy(), rate_text, False, keep=True)
            if rate_format:
                out[column] = [v if isinstance(v, str) else ("" if pd.isna(v) else rate_format.format(v))
                               for v in out[column]]
        return out


def _as_text(values: pd.Series, hidden: np.ndarray, text: str, thousands: bool,
             keep: bool = False) -> pd.Series:
    """Counts as they print (whole numbers without ``.0``), ``text`` where hidden, blank for NaN."""
    def fmt(v):
        if keep:
            return v
        if pd.isna(v):
            return ""
        v = float(v)
        if not v.is_integer():
            return f"{v:,.1f}" if thousands else f"{v:.1f}"
        return f"{int(v):,}" if thousands else str(int(v))

    shown = [text if h else fmt(v) for v, h in zip(values.tolist(), hidden)]
    return pd.Series(shown, index=values.index, dtype="object")


def primary_mask(values) -> np.ndarray:
    """True for counts of 1 to 4 (NaN and 0 are shown)."""
    v = np.asarray(values, dtype="float64")
    with np.errstate(invalid="ignore"):
        return (v >= 1) & (v < SMALLEST_SHOWN)


def suppress(
    frame: pd.DataFrame,
    count_columns: list[str],
    *,
    margins: list[Margin] | tuple[Margin, ...] = (),
    column_totals: dict[str, list[str]] | None = None,
    rates: dict[str, list[str]] | None = None,
    keys: list[str] | None = None,
) -> Suppressed:
    """Hide small counts and whatever would reveal them (see the module docstring).

    ``count_columns`` are the counts to protect. ``margins`` describe total rows: for a
    :class:`Margin` ``(column, total)``, the rows sharing all other ``keys`` add up to
    the row whose ``column`` equals ``total``. ``keys`` default to every column that is
    neither a count nor a rate. ``column_totals`` maps a total column to the count
    columns that add up to it, within each row. ``rates`` maps a rate column to the
    count columns it is built on: it is hidden when any of them is.
    """
    column_totals = column_totals or {}
    rates = rates or {}
    _check_columns(frame, count_columns, column_totals, rates, margins)
    rate_columns = list(rates)
    if keys is None:
        keys = [c for c in frame.columns if c not in count_columns and c not in rate_columns]
    frame = frame.reset_index(drop=True)
    values = frame[count_columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64")
    n_rows, n_cols = values.shape
    primary = primary_mask(values)
    groups = _margin_groups(frame, count_columns, keys, margins) + _column_groups(
        n_rows, count_columns, column_totals)
    hidden = _solve(values.ravel(), primary.ravel(), groups).reshape(n_rows, n_cols)

    mask = pd.DataFrame(hidden, columns=count_columns)
    for rate, basis in rates.items():
        mask[rate] = mask[basis].any(axis=1)
    primary_frame = pd.DataFrame(primary, columns=count_columns)
    return Suppressed(frame, mask, primary_frame, list(count_columns), rate_columns)


def _check_columns(frame, count_columns, column_totals, rates, margins) -> None:
    needed = set(count_columns) | {m.column for m in margins}
    for total, parts in column_totals.items():
        needed |= {total, *parts}
        if total not in count_columns or not set(parts) <= set(count_columns):
            raise HarmInputError(f"column total {total!r} and its parts must be count columns")
    for rate, basis in rates.items():
        needed |= {rate, *basis}
        if not set(basis) <= set(count_columns):
            raise HarmInputError(f"the rate {rate!r} must be built on count columns")
    missing = sorted(needed - set(frame.columns))
    if missing:
        raise HarmInputError(f"the table has no column(s) {', '.join(missing)} to suppress")


def _margin_groups(frame, count_columns, keys, margins) -> list[tuple[np.ndarray, int]]:
    """(part cells, total cell) for each margin, each group of other keys, each count column."""
    n_cols = len(count_columns)
    groups = []
    for margin in margins:
        others = [k for k in keys if k != margin.column]
        is_total = (frame[margin.column].astype("string") == str(margin.total)).fillna(False).to_numpy()
        grouped = frame.groupby(others, sort=False, dropna=False).indices if others else {(): np.arange(len(frame))}
        for rows in grouped.values():
            rows = np.asarray(rows)
            totals = rows[is_total[rows]]
            if len(totals) != 1:
                continue  # no total row shown in this group: nothing can be worked out from it
            parts = rows[~is_total[rows]]
            if len(parts) == 0:
                continue
            for c in range(n_cols):
                groups.append((parts * n_cols + c, int(totals[0]) * n_cols + c))
    return groups


def _column_groups(n_rows, count_columns, column_totals) -> list[tuple[np.ndarray, int]]:
    n_cols = len(count_columns)
    position = {c: i for i, c in enumerate(count_columns)}
    groups = []
    for total, parts in column_totals.items():
        part_pos = np.array([position[p] for p in parts])
        for r in range(n_rows):
            groups.append((r * n_cols + part_pos, r * n_cols + position[total]))
    return groups


def _solve(values: np.ndarray, primary: np.ndarray, groups) -> np.ndarray:
    """Grow the hidden set until no group lets a hidden cell be worked out."""
    hidden = primary.copy()
    groups_of = defaultdict(list)
    for g, (parts, total) in enumerate(groups):
        for cell in (*parts.tolist(), total):
            groups_of[cell].append(g)
    pending = sorted({g for cell in np.flatnonzero(hidden) for g in groups_of.get(int(cell), ())})
    pending_set = set(pending)
    while pending:
        g = pending.pop()
        pending_set.discard(g)
        parts, total = groups[g]
        cell = _cell_to_hide(values, hidden, primary, parts, total)
        if cell is None:
            continue
        hidden[cell] = True
        for other in groups_of[cell] + [g]:
            if other not in pending_set:
                pending.append(other)
                pending_set.add(other)
    return hidden


def _cell_to_hide(values, hidden, primary, parts, total) -> int | None:
    """The next cell this group needs hidden, or None when it reveals nothing."""
    members = np.append(parts, total)
    if np.isnan(values[members]).any():
        return None  # a missing value: the cells do not add up to anything known
    unknown = hidden[members]
    n_unknown = int(unknown.sum())
    if n_unknown == 0:
        return None
    if n_unknown == 1:
        if not hidden[total]:
            return int(total)
        shown = parts[~hidden[parts]]
        if len(shown) == 0:
            return None
        positive = shown[values[shown] > 0]  # prefer the smallest non-zero part
        candidates = positive if len(positive) else shown
        return int(candidates[np.argmin(values[candidates])])
    if not hidden[total]:
        hidden_parts = parts[hidden[parts]]
        if len(hidden_parts) == n_unknown and primary[hidden_parts].all():
            known_sum = values[total] - values[parts[~hidden[parts]]].sum()
            k = len(hidden_parts)
            if known_sum in (k, (SMALLEST_SHOWN - 1) * k):
                return int(total)
    return None


def format_suppressed_count(value) -> str:
    """One count as shown: ``<5`` for 1-4, the number otherwise, blank for missing."""
    if pd.isna(value):
        return ""
    return SUPPRESSED_TEXT if primary_mask([value])[0] else f"{int(value):,}"
