"""``python -m harm hotspots``: Getis-Ord Gi* hot and cold spots by area, LSOA or grid cell."""

from harm.aoristic import METHODS, hour_of_week_weights
from harm.cli.common import (add_area_args, add_incident_args, add_out_arg, area_set_from_args,
                             incidents_from_args, write_csv)
from harm.errors import HarmInputError
from harm.incidents import is_month_precision_only
from harm.measures import measure_names, select
from harm.problem_profile import LEVELS, Selection, incident_weights, unit_results, units_for_level

AREA_COLUMNS = ["area", "count", "gi_z", "p_value", "p_fdr", "gi_bin"]
GRID_COLUMNS = ["x_min", "y_min", "count", "gi_z", "p_value", "p_fdr", "gi_bin"]


def register(sub):
    p = sub.add_parser(
        "hotspots", help="Gi* hot and cold spots by area, LSOA or grid cell",
        description="One row per area, LSOA or grid cell, empty ones included: count (weighted "
                    "when --time aoristic and --days/--hours apply), Gi* z-score, two-sided "
                    "p-value, Benjamini-Hochberg adjusted p-value and ArcGIS Gi_Bin class "
                    "(+-3/2/1 = hot/cold spot at 99/95/90%%). The study area is the union of the "
                    "areas (--boundaries, or every area of --area-level).")
    add_incident_args(p)
    add_area_args(p)
    p.add_argument("--level", choices=LEVELS, default="area",
                   help="area: the areas themselves; lsoa: the LSOAs inside them; grid: square "
                        "cells over them (default area)")
    p.add_argument("--cell-size", type=float, metavar="METRES",
                   help="grid cell size in metres (default 1/50 of the shorter side of the study "
                        "area, rounded up to 100 m)")
    p.add_argument("--days", metavar="Mon,...,Sun", help="only these days' nights, e.g. Fri,Sat")
    p.add_argument("--hours", metavar="START-END",
                   help="only these hours, e.g. 21-02 (21:00-01:59; after midnight counts with "
                        "the night before)")
    p.add_argument("--time", choices=METHODS, default="aoristic",
                   help="aoristic: spread each incident over its from-to window (default); "
                        "start: its start time only")
    p.add_argument("--measure", default="all", choices=measure_names(),
                   help="which incidents to count (default all)")
    add_out_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    selection = Selection.of(args.days, args.hours, args.time)
    incidents = incidents_from_args(args)
    incidents = incidents[select(incidents, args.measure)].reset_index(drop=True)
    if selection.time_filtered and is_month_precision_only(incidents):
        raise HarmInputError("these incidents have the month only, no day or time of day",
                             fix="Leave out --days and --hours")
    units = units_for_level(incidents, area_set_from_args(args), args.level, args.cell_size)
    time_weights = hour_of_week_weights(incidents, args.time) if selection.time_filtered else None
    weights = incident_weights(selection, time_weights, mask=[True] * len(incidents))
    table, _ = unit_results(units, weights)
    if units.kind == "grid":
        out = table[GRID_COLUMNS]
    else:
        out = table.rename(columns={"name": "area"})[
            AREA_COLUMNS + (["rate_per_1000"] if units.has_population else [])]
    write_csv(out, args.out)
    hot, cold = int((out["gi_bin"] > 0).sum()), int((out["gi_bin"] < 0).sum())
    print(f"wrote {len(out):,} {units.label}s to {args.out}: {out['count'].sum():,.1f} incidents "
          f"counted ({selection.describe_time()}, {args.time}); {hot:,} hot and {cold:,} cold spots")
    return 0
