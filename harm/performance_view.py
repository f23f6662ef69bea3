"""What the Performance page and ``python -m harm performance`` / ``spc`` show, built from the
engine (:mod:`harm.performance`, METHODS §4; :mod:`harm.spc`, §5). No numbers are computed
here that the engine does not compute; this module picks, orders and words them.

The page's flow, each step cheap once the first is cached:

1. :func:`measure_counts` — monthly counts for every measure x area (and the
   ``(outside areas)`` / ``(no location)`` labels), once per data set and area level;
2. :func:`counts_for` — one measure's ``area, month, count`` (areas in alphabetical order, as
   in the panel's table 1; unassigned labels last, so the total reconciles);
3. :func:`harm.performance.performance_table` / ``six_month_change`` for an as-of month;
4. :func:`exceptions_report` — every measure x area with a significant change or a recent
   SPC special cause, newest first.

Decision on incidents with no area: the total row includes them, so that a panel's total
matches the force-wide count; they get their own untested row before the total, so the
table adds up (``harm.performance`` module docstring). When the user picks some areas, the
table is those areas only and the total is theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pandas as pd

from harm import performance as pf
from harm import periods, spc
from harm.errors import HarmInputError
from harm.measures import get_measure, measure_names

MEASURE_COUNT_COLUMNS = ["measure", "area", "month", "count"]
CLI_COLUMNS = ["area", "ytd", "ytd_last_year", "pct_change", "p_value", "p_adj", "change",
               "avg_4yr", "pct_vs_4yr_avg", "p_value_4yr", "p_adj_4yr", "change_4yr"]
SPC_CLI_COLUMNS = ["month", "value", "mean", "lower", "upper", "special_cause"]
SIX_MONTH_CLI_COLUMNS = ["area", "last_6_months", "previous_6_months", "pct_change", "p_value", "p_adj",
                         "change"]
RECENT_SPC_MONTHS = 6
ARROWS = {pf.INCREASE: "▲", pf.DECREASE: "▼", pf.NO_CHANGE: "●", pf.NOT_AVAILABLE: "–", pf.NOT_TESTED: "–"}
UNASSIGNED_WORDS = {"(outside areas)": "outside every area", "(no location)": "with no location"}
SIGNAL_COMMON = "Common cause"
SIGNAL_HIGHER = "Special cause: higher"
SIGNAL_LOWER = "Special cause: lower"


# --- cautions ---------------------------------------------------------------------------------

MARKER_CAUTION = ("Interest markers are flagged by the officer recording the crime, so their counts follow "
                  "recording practice as well as crime: better recording raised marker use over the years.")
DRUGS_MARKER_CAUTION = (" A recording-system change in October 2017 sharply reduced drugs-marker use: a fall "
                        "from then is not a fall in drug-related crime. Recalculate the SPC limits from "
                        "October 2017 to compare like with like.")


def measure_caution(measure: str) -> str:
    """The data-quality caution for a measure ("" when none): marker counts follow recording practice."""
    chosen = get_measure(measure)
    if not chosen.marker:
        return ""
    return MARKER_CAUTION + (DRUGS_MARKER_CAUTION if chosen.marker == "drugs" else "")


# --- months -----------------------------------------------------------------------------------

def last_complete_month(incidents: pd.DataFrame) -> pd.Period:
    """The newest month the data cover in full: the month of the latest incident when that
    incident is on the month's last day or is dated to the month only (data.police.uk), else
    the month before."""
    stamps = incidents["occurred_from"]
    if stamps.notna().sum() == 0:
        raise HarmInputError("there are no dated incidents", fix="Load incidents with an occurred_from date")
    latest = stamps.max()
    last = periods.parse_month(latest)
    if latest.day == last.days_in_month:
        return last
    in_last = (stamps >= last.start_time).to_numpy()
    if "date_precision" in incidents and (incidents["date_precision"].astype(str).to_numpy()[in_last] == "month").any():
        return last
    return last - 1


def as_of_choices(coverage: periods.Window, last_complete: pd.Period) -> list[str]:
    """As-of months whose year to date the data cover, newest first (``"YYYY-MM"``)."""
    first, last = coverage
    months = pd.period_range(first, min(last, last_complete), freq="M")
    return [m.strftime("%Y-%m") for m in reversed(months) if periods.ytd_window(m)[0] >= first]


# --- counts -----------------------------------------------------------------------------------

def measure_counts(
    incidents: pd.DataFrame,
    area_labels: pd.Series,
    *,
    measures: Sequence[str] | None = None,
    coverage: periods.Window | None = None,
) -> pd.DataFrame:
    """Monthly counts for every measure x area x month (``measure, area, month, count``),
    unassigned labels included, over ``coverage`` (default: the months with any incident)."""
    coverage = coverage if coverage is not None else pf.months_covered(incidents)
    names = list(measures or measure_names())
    by_measure = pf.monthly_counts_by_measure(incidents, area_labels, names, months=coverage, include_unassigned=True)
    parts = [by_measure[name].assign(measure=name) for name in names]
    frame = pd.concat(parts, ignore_index=True)
    frame["measure"] = pd.Categorical(frame["measure"], categories=list(measures or measure_names()))
    return frame[MEASURE_COUNT_COLUMNS]


def counts_for(measure_counts: pd.DataFrame, measure: str, *, areas: Sequence[str] = ()) -> pd.DataFrame:
    """One measure's ``area, month, count``: areas alphabetically, then the unassigned labels.

    ``areas`` (a selection) keeps those areas only, without the unassigned labels.
    """
    get_measure(measure)
    rows = measure_counts[measure_counts["measure"] == measure]
    names = [str(a) for a in rows["area"].cat.categories] if isinstance(rows["area"].dtype, pd.CategoricalDtype) \
        else sorted(map(str, rows["area"].unique()))
    if areas:
        unknown = [a for a in areas if a not in names]
        if unknown:
            raise HarmInputError(f"no area called {', '.join(map(repr, unknown))}",
                                 fix=f"Choose from: {', '.join(n for n in names if n not in pf.UNASSIGNED_AREAS)}")
        order = [a for a in sorted(names) if a in set(areas)]
    else:
        order = sorted(n for n in names if n not in pf.UNASSIGNED_AREAS) + \
            [n for n in pf.UNASSIGNED_AREAS if n in names]
    out = rows[rows["area"].isin(order)].copy()
    out["area"] = pd.Categorical(out["area"].astype(str), categories=order)
    return out.sort_values(["area", "month"], kind="mergesort")[["area", "month", "count"]].reset_index(drop=True)


def area_names(counts: pd.DataFrame) -> list[str]:
    """The areas of a :func:`counts_for` frame (not the unassigned labels), in table order."""
    return [str(a) for a in pd.unique(counts["area"]) if a not in pf.UNASSIGNED_AREAS]


def series_for(counts: pd.DataFrame, area: str, *, through=None) -> pd.Series:
    """Monthly counts of one area, or of every row for ``harm.performance.TOTAL_LABEL``
    (unassigned incidents included), up to ``through`` (a month) when given."""
    if area == pf.TOTAL_LABEL:
        months = periods.to_months(counts["month"], where="counts month")
        series = pd.Series(counts["count"].to_numpy(), index=months).groupby(level=0).sum()
        series.name = pf.TOTAL_LABEL
    else:
        series = pf.area_series(counts, area)
    if through is not None:
        series = series[series.index <= periods.parse_month(through, where="as-of month")]
    if series.empty:
        raise HarmInputError(f"no months of data up to {through}", fix="Choose a later as-of month")
    return series.astype(float)


def trend_frame(counts: pd.DataFrame, *, through=None) -> pd.DataFrame:
    """``area, month (timestamp), count`` for the small multiples: area rows only."""
    rows = counts[~counts["area"].isin(pf.UNASSIGNED_AREAS)]
    months = periods.to_months(rows["month"], where="counts month")
    keep = np.ones(len(rows), dtype=bool) if through is None else \
        months <= periods.parse_month(through, where="as-of month")
    return pd.DataFrame({"area": rows["area"].astype(str).to_numpy()[keep],
                         "month": months[keep].to_timestamp(),
                         "count": rows["count"].to_numpy()[keep]})


def areas_in_file_name(level: str, areas: Sequence[str] = ()) -> str:
    """What a download's file name says about its areas: ``policing-areas`` for every area
    of the level, the areas' names for up to three chosen, ``5-selected-csps`` for more."""
    # an imported boundary set "custom:<slug>" -> "<slug>-areas"
    every = f"{level.split(':', 1)[1]}-areas" if ":" in level else f"{level}s"
    if not areas:
        return every
    if len(areas) <= 3:
        return "-".join(sorted(areas))
    return f"{len(areas)}-selected-{every}"


# --- the tables as the CLI writes them and the page shows them ---------------------------------

def _counts_or_na(values) -> pd.Series:
    return pd.Series(pd.array([None if pd.isna(v) else int(v) for v in values], dtype="Int64"))


def cli_table(table: pd.DataFrame, *, extras: bool = False) -> pd.DataFrame:
    """A :func:`harm.performance.performance_table` as ``python -m harm performance`` writes it:
    ``CLI_COLUMNS``; percentages rounded to one decimal place half away from zero (computed
    exactly from the counts); p-values unrounded; empty cells where a figure is n/a.

    ``extras`` adds ``rate_per_1000`` (2 decimals, when known), ``note_4yr`` and ``note_last_year``.
    """
    out = pd.DataFrame({"area": table["area"].astype(str).to_numpy()})
    out["ytd"] = table["ytd"].to_numpy(dtype=np.int64)
    out["ytd_last_year"] = _counts_or_na(table["ytd_last_year"])
    out["pct_change"] = [pf.rounded_percent_change(c, b) for c, b in zip(table["ytd"], table["ytd_last_year"])]
    out["p_value"] = table["p_value"].to_numpy(dtype=float)
    out["p_adj"] = table["p_adj"].to_numpy(dtype=float)
    out["change"] = table["change"].astype(str).to_numpy()
    out["avg_4yr"] = table["avg_4yr"].to_numpy(dtype=float)
    out["pct_vs_4yr_avg"] = [pf.rounded_percent_change(c, Fraction(s) / pf.AVERAGE_YEARS) if pd.notna(s) else np.nan
                             for c, s in zip(table["ytd"], table["sum_4yr"])]
    out["p_value_4yr"] = table["p_value_4yr"].to_numpy(dtype=float)
    out["p_adj_4yr"] = table["p_adj_4yr"].to_numpy(dtype=float)
    out["change_4yr"] = table["change_4yr"].astype(str).to_numpy()
    if extras:
        if "rate_per_1000" in table:
            out["rate_per_1000"] = table["rate_per_1000"].round(2).to_numpy()
        out["note_4yr"] = table["note_4yr"].astype(str).to_numpy()
        out["note_last_year"] = table["note_last_year"].astype(str).to_numpy()
    return out


def six_month_cli_table(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`harm.performance.six_month_change` result with the CLI's rounding (as :func:`cli_table`)."""
    out = pd.DataFrame({"area": table["area"].astype(str).to_numpy()})
    out["last_6_months"] = table["last_6_months"].to_numpy(dtype=np.int64)
    out["previous_6_months"] = _counts_or_na(table["previous_6_months"])
    out["pct_change"] = [pf.rounded_percent_change(c, b)
                         for c, b in zip(table["last_6_months"], table["previous_6_months"])]
    out["p_value"] = table["p_value"].to_numpy(dtype=float)
    out["p_adj"] = table["p_adj"].to_numpy(dtype=float)
    out["change"] = table["change"].astype(str).to_numpy()
    return out


def verdict_text(change: str, note: str = "") -> str:
    """The verdict with its arrow (``▲ statistically significant increase``); "n/a" with its reason."""
    text = f"{ARROWS.get(change, '')} {change}".strip()
    return f"{text}: {note}" if change == pf.NOT_AVAILABLE and note else text


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The performance table as the page shows it: text cells, one decimal, arrows with words,
    "n/a" with the reason in the verdict cell."""
    text = pf.format_performance_table(table)
    note_last = table["note_last_year"].astype(str).to_numpy()
    out = pd.DataFrame({
        "Area": text["area"],
        "YTD": text["ytd"],
        "YTD last year": text["ytd_last_year"],
        "% change": text["pct_change"],
        "Change v last year": [verdict_text(c, n) for c, n in zip(table["change"], note_last)],
        "4-year average": text["avg_4yr"],
        "% v 4-yr avg": text["pct_vs_4yr_avg"],
        "Change v 4-year average": [verdict_text(c, n) for c, n in zip(table["change_4yr"], table["note_4yr"])],
    })
    if "rate_per_1000" in text:
        out["Rate per 1,000"] = text["rate_per_1000"]
    out["p"], out["adjusted p"] = text["p_value"], text["p_adj"]
    out["p (4-yr)"], out["adjusted p (4-yr)"] = text["p_value_4yr"], text["p_adj_4yr"]
    return out


def six_month_display(table: pd.DataFrame) -> pd.DataFrame:
    """The six-month comparison as the page shows it (text cells, arrows with words)."""
    return pd.DataFrame({
        "Area": table["area"].astype(str),
        "Last 6 months": [str(int(v)) for v in table["last_6_months"]],
        "Previous 6 months": ["n/a" if pd.isna(v) else str(int(v)) for v in table["previous_6_months"]],
        "% change": [pf.percent_change_text(c, b) for c, b in zip(table["last_6_months"], table["previous_6_months"])],
        "Change": [verdict_text(c, n) for c, n in zip(table["change"], table["note"])],
        "p": [pf.p_value_text(p) for p in table["p_value"]],
        "adjusted p": [pf.p_value_text(p) for p in table["p_adj"]],
    })


def table_notes(table: pd.DataFrame, *, areas_selected: bool = False) -> list[str]:
    """Plain-English notes for under the table: why a column is n/a, what the total includes."""
    notes = []
    note_4yr = str(table["note_4yr"].iloc[0])
    if note_4yr:
        as_of = table["as_of"].iloc[0]
        first = periods.years_earlier(periods.ytd_window(as_of), pf.AVERAGE_YEARS)
        notes.append(
            f"The 4-year columns are n/a: {note_4yr}. The 4-year average needs the same months in each "
            f"of the four previous financial years, back to {periods.format_period(first)} "
            f"({periods.financial_year(first[0])})."
        )
    if str(table["note_last_year"].iloc[0]):
        notes.append(f"The last-year columns are n/a: {table['note_last_year'].iloc[0]}.")
    unassigned = table[table["area"].isin(pf.UNASSIGNED_AREAS)]
    if areas_selected:
        notes.append("The total row is the total of the selected areas only.")
    elif len(unassigned):
        parts = " and ".join(f"{int(r.ytd):,} {UNASSIGNED_WORDS[r.area]}" for r in unassigned.itertuples())
        notes.append(
            f"The total row includes the incidents that are in no area ({parts} this year to date), so it "
            "matches the force-wide count. Their row is shown so that the table adds up; it is not tested."
        )
    else:
        notes.append("The total row is every incident of this measure in the data (every one is in an area).")
    return notes


# --- SPC ----------------------------------------------------------------------------------------

def spc_frame(series: pd.Series, *, rebase_at=None) -> pd.DataFrame:
    """:func:`harm.spc.xmr_chart` plus what the chart draws: ``month_start`` (timestamp),
    ``signal`` (common cause / higher / lower), ``rule`` (the rule's label) and ``explanation``."""
    chart = spc.xmr_chart(series, rebase_at=rebase_at)
    chart["month_start"] = periods.to_months(chart["month"]).to_timestamp()
    chart["signal"] = np.select(
        [chart["special_cause"] == "", chart["direction"] == "up"], [SIGNAL_COMMON, SIGNAL_HIGHER], SIGNAL_LOWER)
    chart["rule"] = [spc.RULE_LABELS.get(r, SIGNAL_COMMON) for r in chart["special_cause"]]
    chart["explanation"] = [point_explanation(r, d) for r, d in zip(chart["special_cause"], chart["direction"])]
    return chart


_WAY = {"up": ("above", "higher", "upper"), "down": ("below", "lower", "lower")}


def point_explanation(rule: str, direction: str = "") -> str:
    """What one point of an XmR chart means, in words, for its rule and direction
    (``harm.spc.RULE_TEXTS`` made specific: "above the upper process limit")."""
    if not rule or direction not in _WAY:
        return spc.RULE_TEXTS.get(rule, spc.RULE_TEXTS[""])
    side, more, limit = _WAY[direction]
    texts = {
        "outside_limits": f"This month is {side} the {limit} process limit. Months this far from the average are "
                          "unlikely from ordinary month-to-month variation alone.",
        "trend": f"This month is part of a run of 7 or more months, each {more} than the one before. A steady "
                 f"{'climb' if direction == 'up' else 'fall'} like this suggests something has changed.",
        "two_in_three": f"Two of three months in a row are more than two thirds of the way from the average to the "
                        f"{limit} process limit. That is unusual by chance.",
        "shift": f"This month is part of a run of 7 or more months all {side} the average. The level may have "
                 "shifted. A month exactly on the average breaks a run.",
    }
    return texts.get(rule, spc.RULE_TEXTS.get(rule, ""))


def spc_cli_table(chart: pd.DataFrame) -> pd.DataFrame:
    """An XmR chart as ``python -m harm spc`` writes it: ``SPC_CLI_COLUMNS``, month as YYYY-MM."""
    out = chart[SPC_CLI_COLUMNS].copy()
    out["month"] = [m.strftime("%Y-%m") for m in periods.to_months(chart["month"])]
    if (out["value"] == out["value"].round()).all():
        out["value"] = out["value"].astype(np.int64)  # counts print as counts
    return out.reset_index(drop=True)


def spc_summary(chart: pd.DataFrame) -> list[str]:
    """One sentence per special-cause rule seen in the chart: when, which way, what it means."""
    lines = []
    flagged = chart[chart["special_cause"] != ""]
    for rule in spc.RULE_PRECEDENCE:
        hits = flagged[flagged["special_cause"] == rule]
        if hits.empty:
            continue
        months = [m.strftime("%b %Y") for m in periods.to_months(hits["month"])]
        ways = sorted(set(hits["direction"]))
        lines.append(f"{spc.RULE_LABELS[rule]} ({' and '.join(ways)}): {len(hits)} month"
                     f"{'s' if len(hits) != 1 else ''}, latest {months[-1]}. {spc.RULE_TEXTS[rule]}")
    return lines


# --- exceptions ---------------------------------------------------------------------------------

def exceptions_report(
    measure_counts: pd.DataFrame,
    as_of,
    *,
    coverage: periods.Window,
    areas: Sequence[str] = (),
    rebase_at=None,
    recent_months: int = RECENT_SPC_MONTHS,
) -> pd.DataFrame:
    """Every measure x area (and total) with a significant change as of ``as_of`` (YTD v last
    year, v the 4-year average, last 6 months v the 6 before) or an SPC special cause in the
    ``recent_months`` to ``as_of``; newest first (:func:`harm.performance.exceptions`)."""
    as_of = periods.parse_month(as_of, where="as-of month")
    with_six = periods.covers(coverage, periods.months_before(as_of, 6))
    tables, six, charts = {}, {}, {}
    for measure in pd.unique(measure_counts["measure"].astype(str)):
        counts = counts_for(measure_counts, measure, areas=areas)
        if counts["count"].sum() == 0:
            continue
        tables[measure] = pf.performance_table(counts, as_of, coverage=coverage)
        if with_six:
            six[measure] = pf.six_month_change(counts, as_of, coverage=coverage)
        wide = _monthly_wide(counts, through=as_of)
        if len(wide) >= 2:
            for area in wide.columns:
                charts[(measure, area)] = spc.xmr_chart(wide[area], rebase_at=rebase_at)
    return pf.exceptions(tables, charts, six_month_tables=six, recent_months=recent_months)


def _monthly_wide(counts: pd.DataFrame, *, through) -> pd.DataFrame:
    """Months x (areas, then the total of every row) up to ``through``: the series SPC needs."""
    months = periods.to_months(counts["month"], where="counts month")
    keep = (months <= periods.parse_month(through, where="as-of month"))
    area_codes, labels = pd.factorize(counts["area"].astype(str).to_numpy()[keep])
    month_codes, month_index = pd.factorize(months[keep], sort=True)
    matrix = np.zeros((len(month_index), len(labels)))
    np.add.at(matrix, (month_codes, area_codes), counts["count"].to_numpy(dtype=float)[keep])
    wide = pd.DataFrame(matrix, index=month_index, columns=list(labels))
    total = wide.sum(axis=1)
    wide = wide[area_names(counts)]
    wide[pf.TOTAL_LABEL] = total
    return wide


def exceptions_count_text(found: pd.DataFrame) -> str:
    """One line over the exceptions list: how many, of which kind, across how many measures."""
    n = len(found)
    spc_rows = int((found["comparison"] == "SPC chart").sum())
    measures = found["measure"].nunique()
    return (f"{n} exception{'s' if n != 1 else ''} across {measures} measure{'s' if measures != 1 else ''}: "
            f"{n - spc_rows} significant change{'s' if n - spc_rows != 1 else ''}, "
            f"{spc_rows} SPC special cause{'s' if spc_rows != 1 else ''}.")


def exceptions_display(found: pd.DataFrame) -> pd.DataFrame:
    """The exceptions list as the page shows it: month, measure, area, what, finding with arrow."""
    def arrow(finding: str) -> str:
        if "increase" in finding or finding.endswith("(up)"):
            return "▲"
        return "▼" if "decrease" in finding or finding.endswith("(down)") else ""

    return pd.DataFrame({
        "Month": [m.strftime("%Y-%m") for m in found["month"]],
        "Measure": found["measure_label"].astype(str),
        "Area": found["area"].astype(str),
        "Comparison": found["comparison"].astype(str),
        "Finding": [f"{arrow(f)} {f}".strip() for f in found["finding"]],
        "adjusted p": [pf.p_value_text(p) for p in found["p_adj"]],
    })
