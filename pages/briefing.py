"""Briefing: choose and order the slides for the Police and Crime Panel, add a headline to each,
present them in panel mode, and download the pack as PowerPoint or one self-contained HTML file."""

import streamlit as st

from harm import performance as pf
from harm import performance_view as view
from harm import periods
from harm.briefing import DEFAULT_SLIDES, SLIDES, html_pack, pptx_pack
from harm.charts import file_stem
from harm.measures import measure_label, measure_names
from harm.ui import briefing_page as bp
from harm.ui.context import cached, current, demo_banner, escape_markdown

ctx = current()
f = ctx.filters


def as_of_options():
    coverage = cached(ctx, "brief_coverage", pf.months_covered)
    last = cached(ctx, "brief_last_complete", view.last_complete_month)
    return view.as_of_choices(coverage, last)


choices = as_of_options()
if not choices:
    st.error("The data do not cover a whole year to date, so there is no performance table to brief on. "
             "Load data from an April onwards.")
    st.stop()
if st.session_state.get("brief_as_of") not in choices:
    st.session_state["brief_as_of"] = f.last_month if f.last_month in choices else choices[0]
as_of = st.session_state["brief_as_of"]
measure = st.session_state.setdefault("brief_measure", "violence")
bctx = bp.briefing_context(ctx, as_of, measure)

if st.session_state.get(bp.PANEL_KEY) and st.session_state.get(bp.ORDER_KEY):
    order = st.session_state[bp.ORDER_KEY]
    headlines = {n: st.session_state.get(f"brief_headline_{n}", "") for n in order}
    bp.panel(ctx, bctx, order, headlines)
    st.stop()

st.title("Briefing")
demo_banner(ctx)
st.caption("Slides for the Police and Crime Panel with the sidebar's filters: choose them, put them in order, "
           "give each a one-line headline, then present them full screen (panel mode) or download the pack for "
           "the panel papers. The performance table and the SPC chart use the as-of month and the measure below "
           "(and the sidebar's area level and areas); the other police slides use every sidebar filter. The "
           "treatment and spend slides use the data chosen below: the synthetic demonstration data, or treatment "
           "and spend data sets imported on the Data page.")

c1, c2 = st.columns(2)
c1.selectbox("As of (last month of the year to date)", choices, key="brief_as_of",
             format_func=lambda m: f"{periods.parse_month(m).strftime('%B %Y')} ({periods.financial_year(m)})")
c2.selectbox("Measure (performance table and SPC chart)", measure_names(), key="brief_measure",
             format_func=measure_label)
bp.slide_data_choice(bctx)

st.session_state.setdefault("brief_slides", list(DEFAULT_SLIDES))
chosen = st.multiselect("Slides", list(SLIDES), key="brief_slides", format_func=lambda n: SLIDES[n].title_for(bctx),
                        placeholder="Choose the slides")
if not chosen:
    st.info("Choose at least one slide.")
    st.stop()
st.subheader("Order and headlines")
order, headlines = bp.order_and_headlines(chosen, bctx)

st.subheader("Present and download")
b1, b2, b3, _ = st.columns([1.4, 1.4, 1.4, 3])
b1.button("▶ Panel mode", key="brief_start", on_click=bp.start_panel, type="primary", width="stretch",
          help="One slide per screen with large type, next and previous buttons. Press F11 for full screen.")


def pack_slides():
    return [bp.slide(ctx, bctx, name, headlines.get(name, "")) for name in order]


stem = file_stem("briefing", as_of, f.area_level, "demo" if ctx.is_demo else "")
b2.download_button("⬇ PowerPoint (.pptx)", lambda: pptx_pack(pack_slides()), f"{stem}.pptx",
                   "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                   key="brief_pptx", on_click="ignore", width="stretch")
b3.download_button("⬇ HTML (one file)", lambda: html_pack(pack_slides(), title=f"Briefing {as_of}").encode("utf-8"),
                   f"{stem}.html", "text/html", key="brief_html", on_click="ignore", width="stretch")
st.caption(f"Filters: {escape_markdown(f.describe())}. Each slide has a footer with the data source, period, filters and method; "
           "the PowerPoint keeps titles, headlines and tables editable, charts are images, and the full method "
           "is in each slide's notes. Building the pack takes a few seconds per slide the first time.")

st.subheader("Preview")
preview = st.selectbox("Slide", order, key="brief_preview", format_func=lambda n: SLIDES[n].title_for(bctx))
shown = bp.slide(ctx, bctx, preview, headlines.get(preview, ""))
if shown.error:
    st.error(shown.error)
bp.preview(shown)
