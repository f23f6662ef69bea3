"""``python -m harm temporal``: incidents by day of week and hour of day (168 rows)."""

import sys

from harm.aoristic import METHODS, temporal_profile, window_quality
from harm.cli.common import add_incident_args, add_out_arg, incidents_from_args, write_csv
from harm.errors import HarmInputError
from harm.incidents import is_month_precision_only
from harm.measures import measure_names, select


def register(sub):
    p = sub.add_parser(
        "temporal", help="incidents by day of week and hour (168 rows)",
        description="Writes day (Mon..Sun), hour (0-23) and weight: the number of incidents in "
                    "each hour of the week, aoristic (each incident spread over its from-to "
                    "window, default) or by start time. Incidents without a time of day are "
                    "left out and counted on stderr.")
    add_incident_args(p)
    p.add_argument("--time", choices=METHODS, default="aoristic",
                   help="aoristic (default) or start")
    p.add_argument("--measure", default="all", choices=measure_names(),
                   help="which incidents to count (default all)")
    add_out_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    incidents = incidents_from_args(args)
    incidents = incidents[select(incidents, args.measure)].reset_index(drop=True)
    if is_month_precision_only(incidents):
        raise HarmInputError("these incidents have the month only, no day or time of day",
                             fix="A day x hour profile needs incidents recorded to the minute")
    table = temporal_profile(incidents, args.time)
    write_csv(table, args.out)
    quality = window_quality(incidents)
    print(f"wrote 168 rows to {args.out}: {table['weight'].sum():,.1f} incidents ({args.time})")
    print(f"{quality.n_without_time_of_day:,} incidents without a time of day are not counted; "
          f"{quality.share_longer_than_24h:.1%} of the others have windows longer than 24 hours",
          file=sys.stderr)
    return 0
