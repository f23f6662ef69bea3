"""``python -m harm counts``: incidents by area, financial year, month, offence group."""

from harm.cli.common import (add_area_args, add_incident_args, add_out_arg, area_set_from_args,
                             incidents_from_args, write_csv)
from harm.counts import DIMENSIONS, count_incidents
from harm.errors import HarmInputError
from harm.measures import measure_names, select


def register(sub):
    p = sub.add_parser("counts", help="count incidents by area, financial year, month or offence group",
                       description="Writes one column per --by dimension plus count. Incidents outside "
                                   "every area are counted as '(outside areas)', those without a location "
                                   "as '(no location)', so the counts add up.")
    add_incident_args(p)
    add_area_args(p)
    p.add_argument("--by", default="area", help=f"comma-separated, any of {','.join(DIMENSIONS)} (default area)")
    p.add_argument("--measure", default="violence", choices=measure_names(),
                   help="which incidents to count (default violence, as table 1; 'all' for every incident)")
    add_out_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    by = [d.strip() for d in args.by.split(",") if d.strip()]
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise HarmInputError(f"--by has unknown dimension(s): {', '.join(unknown)}",
                             fix=f"Use any of: {', '.join(DIMENSIONS)}.")
    incidents = incidents_from_args(args)
    incidents = incidents[select(incidents, args.measure)].reset_index(drop=True)
    area_set = area_set_from_args(args) if "area" in by else None
    table = count_incidents(incidents, by, area_set)
    write_csv(table, args.out)
    print(f"wrote {len(table)} rows, {int(table['count'].sum())} incidents, to {args.out}")
    return 0
