"""``python -m harm testing``: drug testing on arrest per area and month."""

from __future__ import annotations

import sys
from pathlib import Path

from harm.cli.common import add_out_arg, files_from_args, parse_period, write_csv
from harm.drugs import testing
from harm.drugs.testing_files import read_testing_files
from harm.errors import HarmInputError
from harm.treatment.demo import DEMO_TESTING_LABEL


def register(sub):
    p = sub.add_parser(
        "testing", help="drug testing on arrest per area and month",
        description="Writes area, month, tests, positive, positive_rate, assessed, entered_treatment, one row per "
                    "area and month plus an 'All areas' row per month. positive = positive for a Class A drug "
                    "(opiates and/or cocaine); positive_rate is per cent; assessed = attended the required "
                    "assessment. Counts of 1-4 are written <5, a total that would reveal one [c].")
    p.add_argument("--testing", nargs="+", type=Path, metavar="FILE|DATASET",
                   help="drug-testing CSV files (columns area, month, tests, positive_opiates_only, "
                        "positive_cocaine_only, positive_both, assessments_required, assessments_attended, "
                        "entered_treatment) or the names of stored drug-testing data sets; default: the demo data "
                        "(synthetic)")
    p.add_argument("--area-level", choices=testing.LEVELS, default="la",
                   help="for the demo data: la (default), csp, policing-area or force")
    p.add_argument("--period", metavar="YYYY-MM..YYYY-MM", help="only these months (inclusive)")
    add_out_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    if args.testing:
        data = read_testing_files(files_from_args(args.testing, "testing"))
        source = ", ".join(str(p) for p in args.testing)
    else:
        data = testing.load_testing(args.area_level)
        source = DEMO_TESTING_LABEL
    first, last = parse_period(args.period)
    data = testing.in_months(data, first.strftime("%Y-%m") if first else None, last.strftime("%Y-%m") if last else None)
    if data.empty:
        raise HarmInputError("no testing data in that period", where="--period", fix="Choose months the data cover")
    table = testing.testing_output(data)
    write_csv(table, args.out)
    print(source, file=sys.stderr)
    print(f"wrote {len(table)} rows to {args.out}")
    return 0
