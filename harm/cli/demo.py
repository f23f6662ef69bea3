"""``python -m harm demo``: generate the demonstration incidents (synthetic, fixed seed)."""

import sys
from pathlib import Path

from harm.demo import DEMO_LABEL, demo_path, load_demo_incidents
from harm.io.incident_csv import write_incident_csv


def register(sub):
    p = sub.add_parser("demo", help="generate the synthetic demonstration incidents")
    p.add_argument("--csv", type=Path, metavar="FILE", help="also write them as a canonical incident CSV")
    p.set_defaults(func=run)


def run(args) -> int:
    def progress(fraction, message):
        print(f"[{fraction:4.0%}] {message}", file=sys.stderr)

    incidents = load_demo_incidents(progress)
    print(f"{DEMO_LABEL}: {len(incidents):,} incidents in {demo_path()}")
    if args.csv:
        write_incident_csv(incidents, args.csv)
        print(f"wrote {args.csv}")
    return 0
