"""``python -m harm treatment``: successful completions with Wilson intervals against England."""

from __future__ import annotations

import sys
from pathlib import Path

from harm.cli.common import add_out_arg, treatment_from_args, write_csv
from harm.errors import HarmInputError
from harm.treatment import completion_output, completion_table
from harm.treatment.schema import ALL, LEVELS, SUBSTANCES, substance_key


def register(sub):
    p = sub.add_parser(
        "treatment", help="successful completions of drug treatment per area, year and substance",
        description="Writes area, period, substance, in_treatment, completions, completion_rate, ci_low, ci_high, "
                    "england_rate, vs_england. Rates are per cent (one decimal place) with Wilson 95%% intervals; "
                    "vs_england is better/similar/worse by whether the interval excludes England's rate. Counts of "
                    "1-4 are written <5, a total that would reveal one [c], and rates on hidden counts are blank.")
    p.add_argument("--treatment", nargs="+", type=Path, metavar="FILE|DATASET",
                   help="OHID Fingertips / NDTMS ViewIt CSV exports or the dashboard's treatment CSV, or the names "
                        "of stored treatment data sets; default: the demo data (synthetic)")
    p.add_argument("--area-level", choices=LEVELS, default="la",
                   help="la: public-health local authorities (default); csp: Community Safety Partnerships")
    p.add_argument("--substance", metavar="NAME",
                   help=f"only this substance group ({', '.join(SUBSTANCES + (ALL,))})")
    add_out_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    substances = [substance_key(args.substance, where="--substance")] if args.substance else None
    data = treatment_from_args(args.treatment)
    annual = data.annual_frame()
    if args.area_level not in set(annual["level"]):
        have = ", ".join(sorted(set(annual["level"]) - {"england"})) or "no areas"
        raise HarmInputError(f"the treatment data have no {args.area_level} rows (they have {have})",
                             fix="Choose --area-level to match the data (ViewIt and Fingertips files are la)")
    # Suppress on the whole table, then keep the substance asked for, so that a total hidden to
    # protect another substance's count stays hidden.
    table = completion_output(completion_table(annual, level=args.area_level))
    if substances:
        table = table[table["substance"].isin(substances)]
    write_csv(table, args.out)
    print(f"{data.source}", file=sys.stderr)
    print(f"wrote {len(table)} rows to {args.out}")
    return 0
