"""``python -m harm performance`` (the panel's table, METHODS §4) and ``python -m harm spc``
(an XmR chart's numbers, METHODS §5)."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from harm import performance as pf
from harm import performance_view as view
from harm import periods
from harm.areas import assign
from harm.cli.common import (add_area_args, add_incident_args, add_out_arg, area_set_from_args,
                             incidents_from_args, write_csv)
from harm.errors import HarmInputError
from harm.measures import get_measure, measure_names

MEASURE_HELP = ("which incidents to count: " + ", ".join(measure_names())
                + " (default all: every incident loaded)")


def register(sub):
    p = sub.add_parser(
        "performance", help="year to date against last year and the 4-year average, with exact tests",
        description="One row per area, then a row per unassigned label that holds incidents ('(outside "
                    "areas)', '(no location)'; not tested), then 'Total' (every incident of the measure, so it "
                    "matches the force-wide count). Exact conditional Poisson test (binomial, p = 1/2 against "
                    "last year, 1/5 against the four previous years), Benjamini-Hochberg across the area rows; "
                    "the total is tested on its own. Percentages to one decimal place; empty cells are n/a.")
    add_incident_args(p)
    add_area_args(p)
    p.add_argument("--measure", default="all", metavar="NAME", help=MEASURE_HELP)
    p.add_argument("--as-of", required=True, metavar="YYYY-MM", help="the last month of the year to date")
    p.add_argument("--six-months-out", metavar="FILE.csv",
                   help="also write the last six months against the six before, per area")
    p.add_argument("--exceptions-out", metavar="FILE.csv",
                   help="also write every measure x area with a significant change or a recent SPC special cause")
    p.add_argument("--rebase", metavar="YYYY-MM", help="for --exceptions-out: SPC limits recalculated from this month")
    add_out_arg(p)
    p.set_defaults(func=run_performance)

    s = sub.add_parser(
        "spc", help="XmR chart (NHS Making Data Count) of monthly counts: limits and special causes",
        description="One row per month: month, value, mean, lower, upper, special_cause (the first rule that "
                    "flags the month, in the order outside_limits, trend, two_in_three, shift; empty for common "
                    "cause). Without --area, the series is every incident of the measure.")
    add_incident_args(s)
    add_area_args(s)
    s.add_argument("--area", metavar="NAME", help="one area of the area level or boundaries (default: all incidents)")
    s.add_argument("--measure", default="all", metavar="NAME", help=MEASURE_HELP)
    s.add_argument("--rebase", metavar="YYYY-MM", help="recalculate the limits from this month (e.g. 2017-10)")
    add_out_arg(s)
    s.set_defaults(func=run_spc)


def _rebase(text):
    return periods.parse_month(text, where="--rebase") if text else None


def _measure(name: str) -> str:
    try:
        return get_measure(name).name
    except HarmInputError as exc:
        raise HarmInputError(exc.what, where="--measure", fix=exc.fix) from None


def run_performance(args) -> int:
    as_of = periods.parse_month(args.as_of, where="--as-of")
    args.measure = _measure(args.measure)
    rebase = _rebase(args.rebase)
    incidents = incidents_from_args(args)
    coverage = pf.months_covered(incidents)
    area_set = area_set_from_args(args)
    labels = assign(incidents, area_set)
    measures = measure_names() if args.exceptions_out else [args.measure]
    counts_by_measure = view.measure_counts(incidents, labels, measures=measures, coverage=coverage)
    counts = view.counts_for(counts_by_measure, args.measure)
    table = pf.performance_table(counts, as_of, coverage=coverage)
    write_csv(view.cli_table(table), args.out)
    for note in [*view.table_notes(table), view.measure_caution(args.measure)]:
        if note:
            print(note, file=sys.stderr)
    print(f"wrote {len(table)} rows ({args.measure}, year to date as of {as_of.strftime('%Y-%m')}) to {args.out}")
    if args.six_months_out:
        six = pf.six_month_change(counts, as_of, coverage=coverage)
        write_csv(view.six_month_cli_table(six), args.six_months_out)
        print(f"wrote the six-month comparison to {args.six_months_out}")
    if args.exceptions_out:
        found = view.exceptions_report(counts_by_measure, as_of, coverage=coverage, rebase_at=rebase)
        found = found.assign(month=[m.strftime("%Y-%m") for m in found["month"]])
        write_csv(found, args.exceptions_out)
        print(f"wrote {len(found)} exceptions to {args.exceptions_out}")
    return 0


def run_spc(args) -> int:
    args.measure = _measure(args.measure)
    rebase = _rebase(args.rebase)
    incidents = incidents_from_args(args)
    coverage = pf.months_covered(incidents)
    if args.area:
        area_set = area_set_from_args(args)
        if args.area not in area_set.names:
            raise HarmInputError(f"--area {args.area!r} is not an area of {area_set.label or area_set.level}",
                                 fix=f"Choose one of: {', '.join(sorted(area_set.names))}")
        labels = assign(incidents, area_set)
    else:
        labels = _everything(len(incidents))
    counts = pf.monthly_counts(incidents, labels, measure=args.measure, months=coverage, include_unassigned=True)
    series = view.series_for(counts, args.area or pf.TOTAL_LABEL)
    chart = view.spc_frame(series, rebase_at=rebase)
    write_csv(view.spc_cli_table(chart), args.out)
    for line in view.spc_summary(chart):
        print(line, file=sys.stderr)
    print(f"wrote {len(chart)} months ({args.area or 'all incidents'}, {args.measure}) to {args.out}")
    return 0


def _everything(n: int) -> pd.Series:
    """One label for every incident: the series of all incidents."""
    return pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), categories=["all incidents"]))
