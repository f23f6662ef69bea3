"""The export buttons every page uses: charts (PNG 2x, SVG, CSV) and tables (CSV, XLSX).

Files are produced only when a button is clicked (deferred download data).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from harm.charts import ChartMeta, annotate, data_csv, file_stem, to_png, to_svg
from harm.tables import to_csv_bytes, to_xlsx_bytes

if TYPE_CHECKING:
    import altair as alt


def chart_with_downloads(chart: alt.TopLevelMixin, data: pd.DataFrame, meta: ChartMeta, *, name: str,
                         key: str | None = None, height: int | None = None,
                         selection: str | None = None) -> list:
    """Draw ``chart`` (titled from ``meta``) with PNG, SVG and CSV download buttons under it.

    With ``selection`` (the name of a point-selection param of the chart) clicks rerun the
    page and the selected points are returned (``[{"day": "Fri", "hour": 22}, ...]``).
    """
    titled = annotate(chart, meta)
    if selection is None:
        st.altair_chart(titled, width="stretch", key=key)
        event = None
    else:
        event = st.altair_chart(titled, width="stretch", key=key, on_select="rerun", selection_mode=[selection])
    stem = file_stem(name)
    with st.container(horizontal=True, gap="small"):
        st.download_button("⬇ PNG", lambda: to_png(titled), f"{stem}.png", "image/png",
                           key=f"png-{key or stem}", on_click="ignore", width="content")
        st.download_button("⬇ SVG", lambda: to_svg(titled), f"{stem}.svg", "image/svg+xml",
                           key=f"svg-{key or stem}", on_click="ignore", width="content")
        st.download_button("⬇ CSV", lambda: data_csv(data, meta), f"{stem}.csv", "text/csv",
                           key=f"chartcsv-{key or stem}", on_click="ignore", width="content")
    try:
        return list(event.selection[selection]) if event is not None else []
    except (AttributeError, KeyError, TypeError):
        return []


def table_downloads(frame: pd.DataFrame, name: str, *, key: str | None = None) -> None:
    """CSV and XLSX buttons for a table; formula-like text cells are neutralised."""
    stem = file_stem(name)
    k = key or stem
    with st.container(horizontal=True, gap="small"):
        st.download_button("⬇ CSV", lambda: to_csv_bytes(frame), f"{stem}.csv", "text/csv",
                           key=f"csv-{k}", on_click="ignore", width="content")
        st.download_button("⬇ XLSX", lambda: to_xlsx_bytes(frame), f"{stem}.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"xlsx-{k}", on_click="ignore", width="content")


def map_downloads(m, static_chart, meta: ChartMeta, *, name: str, key: str) -> None:
    """A map's downloads: the interactive folium map ``m`` as one offline HTML file (every
    script inlined), and ``static_chart()`` (an Altair geoshape of the same layer, built only
    when a button is clicked) as PNG (2x) and SVG with the title block of ``meta``."""
    from harm.ui.maps import standalone_html

    stem = file_stem(name)
    static = lambda: annotate(static_chart(), meta)  # noqa: E731
    with st.container(horizontal=True, gap="small"):
        st.download_button("⬇ Map HTML", lambda: standalone_html(m).encode("utf-8"), f"{stem}.html", "text/html",
                           key=f"{key}_html", on_click="ignore", width="content",
                           help="The interactive map as one file that opens without internet.")
        st.download_button("⬇ Map PNG", lambda: to_png(static()), f"{stem}.png", "image/png",
                           key=f"{key}_png", on_click="ignore", width="content",
                           help="A static map for reports (a few seconds for fine grids).")
        st.download_button("⬇ Map SVG", lambda: to_svg(static()), f"{stem}.svg", "image/svg+xml",
                           key=f"{key}_svg", on_click="ignore", width="content")
