"""``python -m harm brief``: the panel briefing pack (PowerPoint or one self-contained HTML file)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from harm.cli.common import add_area_args, add_incident_args
from harm.errors import HarmInputError

FORMATS = ("pptx", "html")


def add_briefing_args(p) -> None:
    """The data and filter arguments ``brief`` and ``chart`` share."""
    from harm.cli.spend import add_spend_args
    from harm.filters import MARKER_LABELS
    from harm.measures import measure_names

    add_incident_args(p)
    add_area_args(p)
    add_spend_args(p)
    p.add_argument("--as-of", metavar="YYYY-MM",
                   help="last month of the year to date (default: the last complete month of the data)")
    p.add_argument("--areas", metavar="NAME", action="append", default=[],
                   help="only this area of --area-level (repeat for more; default all)")
    p.add_argument("--groups", metavar="GROUP", action="append", default=[],
                   help="only this offence group (repeat for more; default all)")
    p.add_argument("--markers", metavar="MARKER", action="append", default=[], choices=list(MARKER_LABELS),
                   help="only incidents flagged with any of these markers (repeat for more)")
    p.add_argument("--measure", default="violence", choices=measure_names(),
                   help="measure of the performance table and the SPC chart (default violence)")


def context_from_args(args):
    """A :class:`harm.briefing.BriefingContext` from the shared arguments (``--period`` is a filter here:
    the incidents keep their history, which the year-to-date comparisons need)."""
    from harm.briefing import briefing_context
    from harm.cli.common import (area_set_from_args, files_from_args, incidents_from_args, parse_period,
                                 treatment_from_args)
    from harm.cli.spend import load_spend

    treatment = treatment_from_args(args.treatment) if args.treatment else None
    spend = load_spend(files_from_args(args.spend, "spend")) if args.spend else None
    spend_source = "Spend: " + ", ".join(Path(v).name for v in args.spend) if args.spend else ""
    first, last = parse_period(args.period)
    period = (first.strftime("%Y-%m") if first is not None else None,
              last.strftime("%Y-%m") if last is not None else None)
    args.period = None
    incidents = incidents_from_args(args)
    source = "" if not args.incidents else "Incidents: " + ", ".join(Path(v).name for v in args.incidents)
    return briefing_context(incidents, area_set_from_args(args), as_of=args.as_of, period=period,
                            areas=tuple(args.areas), offence_groups=tuple(args.groups), markers=tuple(args.markers),
                            measure=args.measure, is_demo=not args.incidents, source=source, treatment=treatment,
                            spend=spend, spend_source=spend_source)


def output_format(args, formats: tuple[str, ...]) -> str:
    """``--format``, or the ``--out`` file's extension; one-line error otherwise."""
    chosen = (args.format or args.out.suffix.lstrip(".")).lower()
    if chosen not in formats:
        raise HarmInputError(f"unknown format {chosen!r}" if chosen else "no --format given",
                             fix="Use --format " + " or ".join(formats) + ".")
    return chosen


def register(sub):
    from harm.briefing import DEFAULT_SLIDES, SLIDES

    p = sub.add_parser(
        "brief", help="the panel briefing pack as PowerPoint or one self-contained HTML file",
        description="Builds the Briefing page's pack without a browser, for scheduled monthly papers: one slide "
                    "per --slides name (default " + ",".join(DEFAULT_SLIDES) + "; also "
                    + ", ".join(n for n in SLIDES if n not in DEFAULT_SLIDES) + "). The police slides use "
                    "--period (default: the twelve months to --as-of) and the filters; the performance table uses "
                    "the year to date as of --as-of. The treatment and spend slides use --treatment and --spend "
                    "(files or stored data sets; default: the demo data, synthetic), and each slide's footer names "
                    "the data it shows. A slide that cannot be built says why, and the rest of the pack is still "
                    "written.")
    add_briefing_args(p)
    p.add_argument("--slides", metavar="NAME,...", help="slides in order (default: " + ",".join(DEFAULT_SLIDES) + ")")
    p.add_argument("--headline", metavar="SLIDE=TEXT", action="append", default=[],
                   help="a one-line headline for a slide, e.g. --headline 'performance=Violence up 4%%'")
    p.add_argument("--format", metavar="pptx|html", help="pptx or html (default: from --out)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE")
    p.set_defaults(func=run)


def parse_headlines(values: list[str], names: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or name.strip() not in names:
            raise HarmInputError(f"--headline {value!r} does not name a chosen slide",
                                 fix="Write it as SLIDE=TEXT with SLIDE one of: " + ", ".join(names) + ".")
        out[name.strip()] = " ".join(text.split())
    return out


def run(args) -> int:
    from harm.briefing import build_slides, html_pack, parse_slide_names, pptx_pack

    started = time.perf_counter()
    fmt = output_format(args, FORMATS)
    names = parse_slide_names(args.slides)
    headlines = parse_headlines(args.headline, names)
    ctx = context_from_args(args)
    slides = build_slides(ctx, names, headlines)
    data = pptx_pack(slides) if fmt == "pptx" else html_pack(slides).encode("utf-8")
    try:
        args.out.write_bytes(data)
    except OSError as exc:
        raise HarmInputError(f"cannot write the pack: {exc.strerror}", where=str(args.out),
                             fix="Choose a folder that exists and that you can write to.") from None
    for s in slides:
        if s.error:
            print(f"warning: slide {s.name}: {s.error}", file=sys.stderr)
    print(f"wrote {len(slides)} slides to {args.out} ({fmt}, {len(data) / 1e6:.1f} MB; as of {ctx.as_of}, "
          f"{ctx.period_text}) in {time.perf_counter() - started:.1f} s")
    return 0
