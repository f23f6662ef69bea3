"""Arguments shared by the commands: incident files, period, areas, output."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from harm import periods
from harm.areas import AreaSet, load_area_set
from harm.errors import HarmInputError
from harm.geo.levels import LEVELS
from harm.tables import write_csv

__all__ = ["add_incident_args", "add_area_args", "incidents_from_args", "area_set_from_args",
           "parse_period", "write_csv", "add_out_arg"]


def add_incident_args(parser) -> None:
    parser.add_argument("--incidents", nargs="+", type=Path, metavar="FILE",
                        help="incident files (canonical CSV); default: the demo data")
    parser.add_argument("--period", metavar="YYYY-MM..YYYY-MM",
                        help="only incidents starting in these months (inclusive)")


def add_area_args(parser, default_level: str = "csp") -> None:
    parser.add_argument("--boundaries", type=Path, metavar="FILE",
                        help="a boundary file (GeoJSON, GeoPackage, zipped shapefile) to count in")
    parser.add_argument("--area-field", metavar="NAME", help="the field of --boundaries that names each area")
    parser.add_argument("--area-level", choices=LEVELS, default=default_level,
                        help=f"built-in area level (default {default_level})")


def add_out_arg(parser) -> None:
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.csv")


def parse_period(text: str | None) -> tuple[pd.Period | None, pd.Period | None]:
    """``--period`` as (first, last) months; either side may be left open (None); no text: (None, None)."""
    if not text or not text.strip():
        return None, None
    return periods.parse_period(text, where="--period", open_ended=True)


def incidents_from_args(args) -> pd.DataFrame:
    """The incidents named by ``--incidents`` (or the demo data), cut to ``--period``."""
    from harm.io.load import filter_period, load_incident_files

    if args.incidents:
        incidents, results = load_incident_files(args.incidents)
        for path, result in zip(args.incidents, results):
            print(f"{path}: {result.summary()}", file=sys.stderr)
    else:
        from harm.demo import load_demo_incidents

        incidents = load_demo_incidents()
    return filter_period(incidents, *parse_period(getattr(args, "period", None)))


def area_set_from_args(args) -> AreaSet:
    if args.boundaries:
        from harm.geo.user import read_boundaries

        if not args.area_field:
            raise HarmInputError("--boundaries needs --area-field", fix="Name the field that holds each area's name.")
        return read_boundaries(args.boundaries, args.area_field)
    return load_area_set(args.area_level)
