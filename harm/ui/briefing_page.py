"""Streamlit pieces of the Briefing page: the briefing context from the sidebar, the treatment and
spend data of the slides, cached slides, the slide order and headlines, and panel mode (one slide
per screen, large type, minimal chrome).

Slides are cached per data set, filters, as-of month, measure, treatment and spend data and slide
name (``st.cache_resource``: the same objects are shared, never changed; a headline is added to a copy).
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from harm import store
from harm.briefing import SLIDES, BriefingContext, Slide
from harm.briefing.html_pack import SLIDE_CSS
from harm.briefing.html_pack import slide_html
from harm.briefing.slides import build_slide
from harm.errors import HarmInputError
from harm.ui import context
from harm.ui.data_sources import read_stored, stored_key

ORDER_KEY = "brief_order"
PANEL_KEY = "brief_panel"
INDEX_KEY = "brief_index"
#: The stored data set chosen for the slides' treatment / spend figures; DEMO_SET = the demo data.
DATA_SET_KEYS = {"treatment": "brief_treatment_set", "spend": "brief_spend_set"}
DEMO_SET = ""

#: Panel mode: no sidebar, header, toolbar or footer; every text at least 24 px (18 pt).
PANEL_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] {display: none !important;}
.block-container, [data-testid="stMainBlockContainer"] {padding: 12px 32px 8px !important; max-width: 100% !important;}
.st-key-brief_panel_nav button, .st-key-brief_panel_nav p {font-size: 24px !important; min-height: 44px;}
.st-key-brief_panel_nav [data-testid="stMarkdownContainer"] p {font-size: 24px !important; margin: 10px 0 0;}
.pack.panel .slide {width: 100%; margin: 0; padding: 0; box-shadow: none;}
.pack.panel h1 {font-size: 40px; margin: 0 0 4px; padding: 0; line-height: 1.15;}
.pack.panel .headline {font-size: 32px; margin: 0 0 10px;}
.pack.panel table {font-size: 24px; margin: 4px 0;} .pack.panel td, .pack.panel th {padding: 2px 8px;} .pack.panel ul.notes {font-size: 24px; margin: 6px 0;}
.pack.panel footer, .pack.panel footer p {font-size: 24px; line-height: 1.25;} .pack.panel footer p {margin: 0;}
.pack.panel li, .pack.panel td, .pack.panel th, .pack.panel figcaption {font-size: 24px;}
.pack.panel details {display: none;} .pack.panel .error {font-size: 28px;}
</style>
"""


def chosen_set(kind: str) -> str:
    """The stored ``kind`` data set chosen for the slides (DEMO_SET: the demo data). The choice is kept
    while panel mode hides its selectbox; a data set deleted since falls back to the demo data."""
    key = DATA_SET_KEYS[kind]
    value = st.session_state.get(key, st.session_state.get(f"_{key}", DEMO_SET))
    value = value if value in store.dataset_names(kind) else DEMO_SET
    st.session_state[f"_{key}"] = value
    return value


def _stored_treatment(name: str) -> dict:
    return {"treatment": read_stored("treatment", name)}


def _stored_spend(name: str) -> dict:
    loaded = read_stored("spend", name)
    if not loaded.loaded:
        raise HarmInputError(f"no spend row of the data set '{name}' could be loaded",
                             fix="See its rejects on the Data page.")
    return {"spend": loaded.frame, "spend_source": f"Spend: data set {name}"}


def slide_data() -> dict:
    """``treatment``, ``spend`` and ``spend_source`` for the context from the chosen data sets (None: demo).

    A data set that cannot be read is reported and the demo data are used in its place."""
    data = {"treatment": None, "spend": None, "spend_source": ""}
    for kind, read in (("treatment", _stored_treatment), ("spend", _stored_spend)):
        name = chosen_set(kind)
        try:
            data.update(read(name) if name else {})
        except HarmInputError as exc:
            st.error(context.escape_markdown(str(exc)) + f" The slides use the demo {kind} data instead.")
    return data


def slide_data_choice(bctx: BriefingContext) -> None:
    """The treatment and spend data of the slides: the demo data or a data set imported on the Data page."""
    with st.expander("Treatment and spend data for the slides", expanded=not (bctx.treatment_data.is_demo
                                                                              and bctx.spend_is_demo)):
        c1, c2 = st.columns(2)
        for column, kind, label in ((c1, "treatment", "Treatment data"), (c2, "spend", "Spend data")):
            names = store.dataset_names(kind)
            st.session_state[DATA_SET_KEYS[kind]] = chosen_set(kind)
            column.selectbox(label, [DEMO_SET, *names], key=DATA_SET_KEYS[kind],
                             format_func=lambda n: n or "Demo data (synthetic)")
        st.caption("Treatment: " + context.escape_markdown(bctx.treatment_data.source) + ". "
                   + context.escape_markdown(bctx.spend_source_note) + ". Import treatment or spend data sets on the "
                   "Data page to choose them here; each slide's footer names the data it shows.")


def briefing_context(ctx: context.Context, as_of: str, measure: str) -> BriefingContext:
    """The sidebar's data and filters as a :class:`BriefingContext` (time weights shared with Hotspots),
    with the treatment and spend data chosen for the slides."""
    from harm.ui import hotspot_page

    weights = None if ctx.month_precision_only else hotspot_page.time_weights(ctx.dataset, "aoristic")
    return BriefingContext(ctx.all_incidents, ctx.area_set, ctx.all_area_labels, ctx.filters, as_of, measure,
                           is_demo=ctx.is_demo, source=ctx.source_note, time_weights=weights, **slide_data())


def _data_key() -> str:
    """Changes whenever the treatment or spend data of the slides do (for the slide cache)."""
    return "|".join(stored_key(kind, chosen_set(kind)) for kind in DATA_SET_KEYS)


@st.cache_resource(show_spinner=False, max_entries=48)
def _slide(dataset: str, filters, as_of: str, measure: str, data_key: str, name: str,  # noqa: ARG001
           _ctx: BriefingContext) -> Slide:
    return build_slide(name, _ctx)


def slide(ctx: context.Context, bctx: BriefingContext, name: str, headline: str = "") -> Slide:
    """Slide ``name`` (cached; a failing slide comes back saying why) with ``headline``."""
    with st.spinner(f"Building the slide “{SLIDES[name].title_for(bctx)}”…"):
        built = _slide(ctx.dataset, ctx.filters, bctx.as_of, bctx.measure, bctx.memo("data_key", _data_key), name,
                       bctx)
    return dataclasses.replace(built, headline=" ".join(headline.split()))


def move(name: str, step: int) -> None:
    order = st.session_state[ORDER_KEY]
    i = order.index(name)
    j = min(max(i + step, 0), len(order) - 1)
    order[i], order[j] = order[j], order[i]
    st.session_state[ORDER_KEY] = list(order)


def order_and_headlines(chosen: list[str], bctx: BriefingContext) -> tuple[list[str], dict[str, str]]:
    """Keep the chosen slides in the analyst's order (new ones at the end); up/down buttons and a
    one-line headline per slide."""
    order = [n for n in st.session_state.get(ORDER_KEY, []) if n in chosen] + \
        [n for n in chosen if n not in st.session_state.get(ORDER_KEY, [])]
    st.session_state[ORDER_KEY] = order
    headlines = {}
    for i, name in enumerate(order):
        c = st.columns([0.45, 0.45, 3.2, 6], vertical_alignment="bottom")
        c[0].button("↑", key=f"brief_up_{name}", on_click=move, args=(name, -1), disabled=i == 0,
                    help="Move this slide earlier")
        c[1].button("↓", key=f"brief_down_{name}", on_click=move, args=(name, 1), disabled=i == len(order) - 1,
                    help="Move this slide later")
        c[2].markdown(f"**{i + 1}. {SLIDES[name].title_for(bctx)}**")
        headlines[name] = c[3].text_input("Headline", key=f"brief_headline_{name}", max_chars=140,
                                          placeholder="One line the panel should take away (optional)",
                                          label_visibility="collapsed")
    return order, headlines


def start_panel() -> None:
    st.session_state[PANEL_KEY] = True
    st.session_state[INDEX_KEY] = 0


def stop_panel() -> None:
    st.session_state[PANEL_KEY] = False


def step_panel(step: int, n: int) -> None:
    st.session_state[INDEX_KEY] = min(max(st.session_state.get(INDEX_KEY, 0) + step, 0), n - 1)


def panel(ctx: context.Context, bctx: BriefingContext, order: list[str], headlines: dict[str, str]) -> None:
    """One slide on the whole screen with previous / next buttons."""
    st.html(PANEL_CSS)
    n = len(order)
    index = min(st.session_state.get(INDEX_KEY, 0), n - 1)
    with st.container(key="brief_panel_nav"):
        c = st.columns([1.3, 1.3, 3, 1.6], vertical_alignment="center")
        c[0].button("◀ Previous", key="brief_prev", on_click=step_panel, args=(-1, n), disabled=index == 0,
                    width="stretch")
        c[1].button("Next ▶", key="brief_next", on_click=step_panel, args=(1, n), disabled=index == n - 1,
                    width="stretch", type="primary")
        c[2].markdown(f"Slide {index + 1} of {n}")
        c[3].button("✕ Leave panel mode", key="brief_exit", on_click=stop_panel, width="stretch")
    shown = slide(ctx, bctx, order[index], headlines.get(order[index], ""))
    st.html(f"<style>{SLIDE_CSS}</style><div class='pack panel'>{slide_html(shown, index + 1)}</div>")


def preview(shown: Slide) -> None:
    """A slide at page width (images scaled to fit)."""
    st.html(f"<style>{SLIDE_CSS}.pack.preview .slide{{width:100%;margin:8px 0}}</style>"
            f"<div class='pack preview'>{slide_html(shown)}</div>")
