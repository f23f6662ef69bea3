"""Chart export: PNG (2x), SVG and CSV, with title, period, filters and source in the image.

One mechanism for every chart: pages build an Altair chart, describe it with
:class:`ChartMeta`, and :func:`annotate` writes the description into the chart itself so
that an exported file always says what it shows. Rendering is offline (vl-convert).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from harm.demo import DEMO_LABEL
from harm.tables import to_csv_bytes

if TYPE_CHECKING:
    import altair as alt

# Altair (~0.3 s) and vl-convert are imported on first use, not with this module: the
# Overview page sends its map before it needs them, and every start is that much faster.

PRINT_SCALE = 2


@dataclass(frozen=True)
class ChartMeta:
    """What a chart shows, for its title block and its file names."""

    title: str
    period: str = ""
    filters: str = ""
    source: str = ""
    demo: bool = False
    method: str = ""

    def subtitle_lines(self) -> list[str]:
        lines = []
        if self.period:
            lines.append(f"Period: {self.period}")
        if self.filters:
            lines.append(f"Filters: {self.filters}")
        if self.method:
            lines.append(f"Method: {self.method}")
        source = self.source or ("" if self.demo else "")
        if self.demo:
            source = f"{DEMO_LABEL}" + (f". {self.source}" if self.source else "")
        if source:
            lines.append(f"Source: {source}")
        return lines


def annotate(chart: alt.TopLevelMixin, meta: ChartMeta) -> alt.TopLevelMixin:
    """The chart with ``meta`` as its title and subtitle lines (written into exported images)."""
    import altair as alt

    return chart.properties(title=alt.TitleParams(
        text=meta.title, subtitle=meta.subtitle_lines(), anchor="start", fontSize=16,
        subtitleFontSize=11, subtitleColor="#505a5f"))


def to_png(chart: alt.TopLevelMixin, scale: float = PRINT_SCALE) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_dict(), scale=scale)


def to_svg(chart: alt.TopLevelMixin) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())


def data_csv(data: pd.DataFrame, meta: ChartMeta) -> bytes:
    """The data behind a chart, preceded by ``#`` lines saying what it is."""
    header = "".join(f"# {line}\n" for line in [meta.title, *meta.subtitle_lines()])
    return header.encode("utf-8") + to_csv_bytes(data)


def file_stem(*parts: str) -> str:
    """A file name that says what the file is: ``violence-ytd-2014-10-policing-areas``."""
    text = "-".join(p for p in parts if p)
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-") or "chart"
