"""``python -m harm chart``: any single chart the pages show, as PNG (2x), SVG or the CSV behind it."""

from __future__ import annotations

from pathlib import Path

from harm.cli.brief import add_briefing_args, context_from_args, output_format
from harm.errors import HarmInputError

FORMATS = ("png", "svg", "csv")


def register(sub):
    from harm.briefing import CHARTS

    p = sub.add_parser(
        "chart", help="one chart as PNG, SVG or CSV (--list for the names)",
        description="Writes one chart with its title, period, filters, source and method in the image (PNG at "
                    "2x for print, or SVG), or the data behind it as CSV with those lines as # comments. "
                    "Charts: " + ", ".join(CHARTS) + ". treatment-completions and spend-outcomes use --treatment "
                    "and --spend (default: the demo data, synthetic).")
    p.add_argument("name", nargs="?", metavar="NAME", help="the chart (see --list)")
    p.add_argument("--list", action="store_true", help="list the chart names and what each shows, then stop")
    add_briefing_args(p)
    p.add_argument("--format", metavar="png|svg|csv", help="png, svg or csv (default: from --out)")
    p.add_argument("--out", type=Path, metavar="FILE")
    p.set_defaults(func=run)


def run(args) -> int:
    from harm.briefing import CHARTS, build_chart
    from harm.charts import annotate, data_csv, to_png, to_svg

    if args.list:
        width = max(map(len, CHARTS))
        for spec in CHARTS.values():
            print(f"{spec.name:<{width}}  {spec.title}")
        return 0
    if not args.name:
        raise HarmInputError("no chart named", fix="Give a chart name; python -m harm chart --list shows them.")
    if args.name not in CHARTS:
        raise HarmInputError(f"no chart called {args.name!r}", fix="Choose one of: " + ", ".join(CHARTS) + ".")
    if args.out is None:
        raise HarmInputError("no --out file given", fix="Add --out FILE.png (or .svg, .csv).")
    fmt = output_format(args, FORMATS)
    chart, data, meta = build_chart(args.name, context_from_args(args))
    titled = annotate(chart, meta)
    if fmt == "png":
        body = to_png(titled)
    elif fmt == "svg":
        body = to_svg(titled).encode("utf-8")
    else:
        body = data_csv(data, meta)
    try:
        Path(args.out).write_bytes(body)
    except OSError as exc:
        raise HarmInputError(f"cannot write the chart: {exc.strerror}", where=str(args.out),
                             fix="Choose a folder that exists and that you can write to.") from None
    print(f"wrote {args.name} ({fmt}, {len(body):,} bytes) to {args.out}: {meta.title}")
    return 0
