"""The slide model and :func:`build_slides`: each slide built on its own, charts rendered to PNG.

A slide has a title, a one-line headline (the analyst's), up to two chart images, an
editable table, a few bullet notes and a footer (source, period, filters, method notes,
"synthetic demo data" when so). A slide whose data or engine fails becomes a slide that
says what went wrong, so one failure never breaks the pack.
"""

from __future__ import annotations

import struct
import traceback
from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from harm.briefing.context import BriefingContext
from harm.briefing.registry import CHARTS, SLIDES, build_chart
from harm.charts import ChartMeta
from harm.demo import DEMO_LABEL
from harm.errors import HarmInputError

#: Chart text in CSS pixels at the slide's natural size: 24 px = 18 pt, the panel-mode minimum.
SLIDE_FONT_PX = 24
#: (width, height) of the plot area in CSS pixels for slides with one or two charts.
PLOT_SIZES = {1: (1300, 380), 2: (540, 340)}
SQUARE_CHARTS = {"hotspot-map": (760, 430), "day-hour": (600, 300)}
PNG_SCALE = 2


@dataclass(frozen=True)
class Footer:
    source: str
    period: str
    filters: str
    method: str = ""
    demo: bool = False

    def lines(self) -> list[str]:
        source = DEMO_LABEL + (f". {self.source}" if self.source and self.source != DEMO_LABEL else "") \
            if self.demo else self.source
        out = [f"Source: {source}", f"Period: {self.period}", f"Filters: {self.filters}"]
        if self.method:
            out.append(f"Method: {self.method}")
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


@dataclass
class SlideChart:
    name: str
    png: bytes  # rendered at PNG_SCALE x the CSS size
    width: int  # pixels of the PNG
    height: int
    meta: ChartMeta
    data: pd.DataFrame

    @property
    def css_width(self) -> int:
        return round(self.width / PNG_SCALE)


@dataclass
class Slide:
    name: str
    title: str
    headline: str = ""
    charts: list[SlideChart] = field(default_factory=list)
    table: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    footer: Footer | None = None
    method_detail: str = ""  # the full method note (speaker notes, the HTML pack's details)
    error: str | None = None


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", png[16:24])


def slide_styled(chart: alt.TopLevelMixin, size: tuple[int, int] | None) -> alt.TopLevelMixin:
    """The chart at slide size with panel-sized type (``SLIDE_FONT_PX``), no title (the slide has it)."""
    if size is not None and not isinstance(chart, alt.FacetChart):
        chart = chart.properties(width=size[0], height=size[1])
    chart = chart.properties(autosize=alt.AutoSizeParams(type="pad"))  # legends wider than the plot are not cut
    f = SLIDE_FONT_PX
    return (chart.configure_axis(labelFontSize=f, titleFontSize=f, titleFontWeight="normal", labelLimit=420)
            .configure_legend(labelFontSize=f, titleFontSize=f, symbolSize=260, labelLimit=520, titleLimit=700,
                              orient="bottom", direction="horizontal", columns=2, gradientLength=320)
            .configure_header(labelFontSize=f, titleFontSize=f)
            .configure_text(fontSize=f)
            .configure_view(strokeWidth=0))


FONT_KEYS = {"fontSize", "labelFontSize", "titleFontSize", "subtitleFontSize"}
LIMIT_KEYS = {"labelLimit": 520, "titleLimit": 700}


def at_least_panel_type(spec, font_px: int = SLIDE_FONT_PX):
    """The Vega-Lite ``spec`` with every font size raised to ``font_px`` and label limits widened
    (the pages' charts set small sizes for the browser; a panel reads them from across the room)."""
    if isinstance(spec, dict):
        out = {}
        for key, value in spec.items():
            if key in FONT_KEYS and isinstance(value, (int, float)):
                out[key] = max(value, font_px)
            elif key in LIMIT_KEYS and isinstance(value, (int, float)) and value:
                out[key] = max(value, LIMIT_KEYS[key])
            else:
                out[key] = at_least_panel_type(value, font_px)
        return out
    if isinstance(spec, list):
        return [at_least_panel_type(v, font_px) for v in spec]
    return spec


def render_chart(name: str, ctx: BriefingContext, n_charts: int = 1) -> SlideChart:
    import vl_convert as vlc

    chart, data, meta = build_chart(name, ctx)
    size = SQUARE_CHARTS.get(name, PLOT_SIZES[min(n_charts, 2)])
    png = vlc.vegalite_to_png(at_least_panel_type(slide_styled(chart, size).to_dict()), scale=PNG_SCALE)
    width, height = png_size(png)
    return SlideChart(name, png, width, height, meta, data)


def _footer(ctx: BriefingContext, metas: list[ChartMeta], *, period: str | None = None, filters: str | None = None,
            method: str = "") -> Footer:
    def joined(values):
        return "; ".join(dict.fromkeys(v for v in values if v))

    sources = [m.source for m in metas] or [ctx.source_note]
    return Footer(source=joined(sources) or ctx.source_note,
                  period=period or joined(m.period for m in metas) or ctx.period_text,
                  filters=filters or joined(m.filters for m in metas) or ctx.filters.describe(),
                  method=method or joined(short_method(m.method) for m in metas),
                  demo=any(_unlabelled_demo(m) for m in metas) if metas else ctx.is_demo)


def _unlabelled_demo(meta: ChartMeta) -> bool:
    """Demo data whose source does not already say so: the demo incidents (whose charts name no source).
    Demo treatment and spend carry their own "Synthetic demonstration ..." source, so a slide of real
    police data beside demo treatment is not called "not real crime records"."""
    return meta.demo and "synthetic" not in meta.source.lower()


def short_method(text: str, limit: int = 160) -> str:
    """The first sentence of a method note, cut at ``limit`` characters."""
    first = text.split(". ")[0].strip()
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def build_slide(name: str, ctx: BriefingContext, headline: str = "") -> Slide:
    """One slide; errors become a slide that says what went wrong (never an exception)."""
    spec = SLIDES[name]
    try:
        title = spec.title_for(ctx)
    except Exception:  # noqa: BLE001 - a bad as-of month is reported on the slide below
        title = spec.name
    slide = Slide(name, title, headline.strip())
    try:
        charts, missing = [], []
        for chart_name in spec.charts:  # one chart that cannot be drawn leaves the other on the slide
            try:
                charts.append(render_chart(chart_name, ctx, len(spec.charts)))
            except HarmInputError as exc:
                missing.append(f"{CHARTS[chart_name].title}: not shown, {exc}")
            except Exception as exc:  # noqa: BLE001
                missing.append(f"{CHARTS[chart_name].title}: not shown ({type(exc).__name__}: {exc})")
        if spec.charts and not charts:
            raise HarmInputError("; ".join(missing))
        slide.charts = charts
        slide.notes += missing
        metas = [c.meta for c in charts]
        if spec.table is not None:
            table, notes, method = spec.table(ctx)
            from harm import periods

            slide.table, slide.method_detail = table, method
            slide.notes += notes
            first, last = periods.ytd_window(ctx.as_of)
            ytd = f"{first.strftime('%b %Y')} to {last.strftime('%b %Y')}"
            slide.footer = _footer(ctx, metas, period=f"year to date {ytd}; compared with the same months "
                                                      "last year and the 4-year average",
                                   filters=f"{ctx.where}; area level and areas only",
                                   method="exact Poisson tests, Benjamini–Hochberg adjusted: ▲ increase or "
                                          "▼ decrease when the adjusted p < 0.05, ● no significant change")
        else:
            slide.footer = _footer(ctx, metas)
            slide.method_detail = " ".join(dict.fromkeys(m.method for m in metas if m.method))
        if spec.notes is not None:
            slide.notes += spec.notes(ctx)
    except HarmInputError as exc:
        slide.error = f"This slide could not be built: {exc}"
    except Exception as exc:  # noqa: BLE001 - one failing engine must not break the pack
        slide.error = f"This slide could not be built ({type(exc).__name__}: {exc})."
        slide.method_detail = traceback.format_exc(limit=3)
    if slide.footer is None:
        slide.footer = _footer(ctx, [])
    return slide


def build_slides(ctx: BriefingContext, names, headlines=None) -> list[Slide]:
    """The slides called ``names``, in that order; ``headlines`` maps a name to its one-line headline."""
    headlines = headlines or {}
    unknown = [n for n in names if n not in SLIDES]
    if unknown:
        raise HarmInputError(f"no slide called {', '.join(map(repr, unknown))}",
                             fix="Choose from: " + ", ".join(SLIDES) + ".")
    if not names:
        raise HarmInputError("no slide chosen", fix="Choose at least one slide.")
    return [build_slide(n, ctx, headlines.get(n, "")) for n in names]
