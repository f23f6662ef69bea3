"""The shared sidebar and state: which data, which period, which areas — mirrored in the URL.

``app.py`` calls :func:`sidebar` on every run, before the page; pages call :func:`current`
to get the filtered incidents and everything else they need. Widgets keep their values in
``st.session_state`` (so moving between pages keeps the view) and the values are written to
``st.query_params`` (so a link reproduces the view).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from harm.areas import AreaSet, assign, load_area_set
from harm.demo import DEMO_LABEL, demo_path, load_demo_incidents
from harm.filters import MARKER_LABELS, Filters, filter_mask
from harm.geo.levels import LEVEL_LABELS

SIDEBAR_LEVELS = ("force", "policing-area", "csp", "lad")
DEMO_DATASET = "demo"


@dataclass
class Context:
    """Everything a page needs about the data in use and the user's filters."""

    dataset: str
    dataset_label: str
    is_demo: bool
    all_incidents: pd.DataFrame  # the whole data set, unfiltered
    area_set: AreaSet
    all_area_labels: pd.Series  # area name of every incident of the whole data set
    filters: Filters
    mask: np.ndarray  # all filters applied
    mask_without_period: np.ndarray

    @property
    def incidents(self) -> pd.DataFrame:
        return self.all_incidents[self.mask]

    @property
    def area_labels(self) -> pd.Series:
        return self.all_area_labels[self.mask].reset_index(drop=True)

    @property
    def source_note(self) -> str:
        return DEMO_LABEL if self.is_demo else f"Data set: {self.dataset_label}"


# --- data, cached for the life of the server -------------------------------------------------

@st.cache_resource(show_spinner=False)
def _demo_incidents() -> pd.DataFrame:
    return load_demo_incidents()


def demo_incidents() -> pd.DataFrame:
    """The demo data; on the very first start, generate it with a progress bar."""
    if not demo_path().exists():
        bar = st.progress(0.0, "Generating the synthetic demonstration data (first start only)…")
        load_demo_incidents(lambda fraction, message: bar.progress(min(fraction, 1.0), message))
        bar.empty()
    return _demo_incidents()


@st.cache_resource(show_spinner=False)
def area_set(level: str) -> AreaSet:
    return load_area_set(level)


@st.cache_resource(show_spinner=False, max_entries=16)
def _area_labels(dataset: str, level: str) -> pd.Series:
    incidents = dataset_incidents(dataset)
    return assign(incidents, area_set(level))


def area_labels(dataset: str, level: str) -> pd.Series:
    return _area_labels(dataset, level)


def dataset_incidents(dataset: str) -> pd.DataFrame:
    return demo_incidents()


@st.cache_resource(show_spinner=False, max_entries=16)
def dataset_facts(dataset: str) -> dict:
    """What the sidebar needs to know about a data set, computed once: months, groups."""
    incidents = dataset_incidents(dataset)
    first, last = incidents["occurred_from"].min(), incidents["occurred_from"].max()
    months = [str(m) for m in pd.period_range(first.to_period("M"), last.to_period("M"), freq="M")]
    groups = incidents["offence_group"]
    used = groups.cat.categories[np.unique(groups.cat.codes[groups.cat.codes >= 0])]
    return {"months": months, "groups": sorted(map(str, used))}


# --- URL <-> session state --------------------------------------------------------------------

_URL_KEYS = {"level": "area_level", "from": "first_month", "to": "last_month",
             "areas": "areas", "groups": "offence_groups", "markers": "markers"}
_LIST_KEYS = {"areas", "offence_groups", "markers"}


def _seed_from_url(valid: dict[str, list[str]]) -> None:
    """On a new session, take the widgets' starting values from the URL (ignoring bad values)."""
    if st.session_state.get("_seeded_from_url"):
        return
    st.session_state["_seeded_from_url"] = True
    params = st.query_params
    for url_key, state_key in _URL_KEYS.items():
        if url_key not in params:
            continue
        raw = params[url_key]
        if state_key in _LIST_KEYS:
            values = [v for v in raw.split("|") if v in valid[state_key]]
            st.session_state[f"filter_{state_key}"] = values
        elif raw in valid[state_key]:
            st.session_state[f"filter_{state_key}"] = raw


def _mirror_to_url(filters: Filters) -> None:
    wanted = {"level": filters.area_level, "from": filters.first_month, "to": filters.last_month,
              "areas": "|".join(filters.areas), "groups": "|".join(filters.offence_groups),
              "markers": "|".join(filters.markers)}
    for key, value in wanted.items():
        if value:
            if st.query_params.get(key) != value:
                st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]


# --- the sidebar ------------------------------------------------------------------------------

def sidebar() -> Context:
    """Draw the shared sidebar and return the context (also kept for :func:`current`)."""
    dataset = DEMO_DATASET
    incidents = dataset_incidents(dataset)
    facts = dataset_facts(dataset)
    months, groups = facts["months"], facts["groups"]
    valid = {"area_level": list(SIDEBAR_LEVELS), "first_month": months, "last_month": months,
             "offence_groups": groups, "markers": list(MARKER_LABELS)}
    valid["areas"] = [n for level in SIDEBAR_LEVELS for n in area_set(level).names]
    _seed_from_url(valid)

    with st.sidebar:
        st.selectbox("Data set", [DEMO_DATASET], format_func=lambda _: "Demo data (synthetic)",
                     key="filter_dataset", help=DEMO_LABEL)
        st.caption("⚠ " + DEMO_LABEL)
        first, last = st.select_slider("Period (month the incident started)", options=months,
                                       value=(st.session_state.get("filter_first_month", months[0]),
                                              st.session_state.get("filter_last_month", months[-1])),
                                       key="filter_period")
        st.session_state.setdefault("filter_area_level", "csp")
        level = st.selectbox("Area level", SIDEBAR_LEVELS, format_func=LEVEL_LABELS.get,
                             key="filter_area_level")
        names = area_set(level).names
        if any(a not in names for a in st.session_state.get("filter_areas", [])):
            st.session_state["filter_areas"] = []
        areas = st.multiselect("Areas", names, key="filter_areas", placeholder="All areas")
        chosen_groups = st.multiselect("Offence groups", groups, key="filter_offence_groups",
                                       placeholder="All offence groups")
        markers = st.multiselect("Interest markers (any of)", list(MARKER_LABELS), key="filter_markers",
                                 format_func=MARKER_LABELS.get, placeholder="Any or none")

    filters = Filters(first, last, level, tuple(areas), tuple(chosen_groups), tuple(markers))
    st.session_state["filter_first_month"], st.session_state["filter_last_month"] = first, last
    _mirror_to_url(filters)
    labels = area_labels(dataset, level)
    context = Context(
        dataset=dataset, dataset_label="Demo data (synthetic)", is_demo=True,
        all_incidents=incidents, area_set=area_set(level), all_area_labels=labels, filters=filters,
        mask=filter_mask(incidents, labels, filters),
        mask_without_period=filter_mask(incidents, labels, filters, period=False),
    )
    st.session_state["_context"] = context
    return context


def current() -> Context:
    """The context the sidebar built on this run."""
    return st.session_state["_context"]


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached(dataset: str, name: str, _function):
    return _function(dataset_incidents(dataset))


def cached(context: Context, name: str, function):
    """``function(all incidents of the data set)``, computed once per data set and ``name``."""
    return _cached(context.dataset, name, function)


def demo_banner(context: Context) -> None:
    if context.is_demo:
        st.info(f"**{DEMO_LABEL}.** Counts are invented, calibrated to published West Mercia and "
                "Warwickshire figures, to show what the dashboard does.", icon="ℹ️")
