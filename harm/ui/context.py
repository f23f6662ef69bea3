"""The shared sidebar and state: which data, which period, which areas — mirrored in the URL.

``app.py`` calls :func:`sidebar` on every run, before the page; pages call :func:`current`
to get the filtered incidents and everything else they need. Widgets keep their values in
``st.session_state`` (so moving between pages keeps the view) and the values are written to
``st.query_params`` (so a link reproduces the view).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from harm import store
from harm.areas import AreaSet, assign, load_area_set
from harm.demo import DEMO_LABEL, demo_path, load_demo_incidents
from harm.filters import MARKER_LABELS, Filters, filter_mask
from harm.geo.levels import LEVEL_LABELS
from harm.incidents import is_month_precision_only

SIDEBAR_LEVELS = ("force", "policing-area", "csp", "lad")
DEMO_DATASET = "demo"
DEMO_DATASET_LABEL = "Demo data (synthetic)"
CUSTOM_PREFIX = "custom:"  # area level of an imported boundary set: "custom:<slug>"


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
    dataset_info: store.DatasetInfo | None = None  # the stored data set's manifest (None for the demo)

    @property
    def level_label(self) -> str:
        """The area level as people read it, e.g. "Community Safety Partnership", "Imported: LAD 2019"."""
        return LEVEL_LABELS.get(self.filters.area_level, self.area_set.label or self.filters.area_level)

    @property
    def month_precision_only(self) -> bool:
        """True when no record has a day or a time (data.police.uk street data)."""
        return is_month_precision_only(self.all_incidents)

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


def area_set(level: str) -> AreaSet:
    """A built-in level, or an imported boundary set (``custom:<slug>``)."""
    return _area_set(level, _level_version(level))


@st.cache_resource(show_spinner=False, max_entries=24)
def _area_set(level: str, version: str) -> AreaSet:  # noqa: ARG001 - the version is part of the cache key
    if level.startswith(CUSTOM_PREFIX):
        return store.load_boundaries(level[len(CUSTOM_PREFIX):])
    return load_area_set(level)


def _level_version(level: str) -> str:
    if not level.startswith(CUSTOM_PREFIX):
        return ""
    info = store.find_dataset(level[len(CUSTOM_PREFIX):], "boundaries")
    return info.version if info is not None else "missing"


@st.cache_resource(show_spinner=False, max_entries=16)
def _area_labels(dataset: str, level: str, version: str = "") -> pd.Series:  # noqa: ARG001
    incidents = dataset_incidents(dataset)
    return assign(incidents, area_set(level))


def area_labels(dataset: str, level: str) -> pd.Series:
    """The area name of every incident of ``dataset`` (a ``Context.dataset`` key) at ``level``."""
    return _area_labels(dataset, level, _level_version(level))


def dataset_incidents(dataset: str) -> pd.DataFrame:
    """All incidents of a data set, by its ``Context.dataset`` key ("demo" or "<slug>@<version>")."""
    if dataset == DEMO_DATASET:
        return demo_incidents()
    slug, _, version = dataset.partition("@")
    return _stored_incidents(slug, version)


@st.cache_resource(show_spinner="Reading the data set…", max_entries=3)
def _stored_incidents(slug: str, version: str) -> pd.DataFrame:  # noqa: ARG001 - part of the cache key
    return store.load_incidents(slug)


def stored_incident_sets() -> list[store.DatasetInfo]:
    """Imported incident data sets that hold at least one incident (the sidebar's list)."""
    return [d for d in store.list_datasets("incidents") if d.rows > 0]


def boundary_levels() -> dict[str, str]:
    """``custom:<slug>`` -> "Imported: <name>" for every stored boundary set (also put in LEVEL_LABELS)."""
    levels = {f"{CUSTOM_PREFIX}{d.slug}": f"Imported: {d.name}" for d in store.list_datasets("boundaries")}
    LEVEL_LABELS.update(levels)  # pages look level labels up there
    return levels


def use_dataset(slug: str) -> None:
    """Make the sidebar switch to this data set on the next run (call ``st.rerun()`` after)."""
    st.session_state["_pending_dataset"] = slug


def use_area_level(level: str) -> None:
    """Make the sidebar switch to this area level (e.g. ``custom:<slug>``) on the next run."""
    st.session_state["_pending_level"] = level


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
DATASET_URL_KEY = "data"
_LIST_KEYS = {"areas", "offence_groups", "markers"}


def _seed_from_url(valid: dict[str, list[str] | Callable[[], list[str]]]) -> None:
    """On a new session, take the widgets' starting values from the URL (ignoring bad values).

    ``valid`` holds the allowed values per filter, or a function that returns them."""
    if st.session_state.get("_seeded_from_url"):
        return
    st.session_state["_seeded_from_url"] = True
    params = st.query_params
    for url_key, state_key in _URL_KEYS.items():
        if url_key not in params:
            continue
        raw = params[url_key]
        allowed = valid[state_key]() if callable(valid[state_key]) else valid[state_key]
        if state_key in _LIST_KEYS:
            values = [v for v in raw.split("|") if v in allowed]
            st.session_state[f"filter_{state_key}"] = values
        elif raw in allowed:
            st.session_state[f"filter_{state_key}"] = raw
            if state_key == "area_level":
                st.session_state["filter_area_level_label"] = LEVEL_LABELS[raw]


def _seed_dataset_from_url(valid: list[str]) -> None:
    """On a new session, take the data set from the URL (``?data=<slug>``) if it is stored."""
    if st.session_state.get("_seeded_dataset_from_url"):
        return
    st.session_state["_seeded_dataset_from_url"] = True
    raw = st.query_params.get(DATASET_URL_KEY)
    if raw in valid:
        st.session_state["filter_dataset"] = raw


def _mirror_to_url(filters: Filters, dataset_slug: str = DEMO_DATASET) -> None:
    wanted = {"level": filters.area_level, "from": filters.first_month, "to": filters.last_month,
              "areas": "|".join(filters.areas), "groups": "|".join(filters.offence_groups),
              "markers": "|".join(filters.markers),
              DATASET_URL_KEY: "" if dataset_slug == DEMO_DATASET else dataset_slug}
    for key, value in wanted.items():
        if value:
            if st.query_params.get(key) != value:
                st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]


# --- the sidebar ------------------------------------------------------------------------------

def _level_select(custom: dict[str, str]) -> str:
    """The area-level select. Its options are the visible labels; the level key is kept
    in ``filter_area_level`` (and so in the URL). Imported
    boundary sets are offered after the built-in levels, as "Imported: <name>"."""
    levels = list(SIDEBAR_LEVELS) + list(custom)
    labels = [LEVEL_LABELS[level] for level in levels]
    current_level = st.session_state.get("filter_area_level", "csp")
    if current_level not in levels:
        current_level = "csp"
    if st.session_state.get("filter_area_level_label") not in labels:
        st.session_state["filter_area_level_label"] = LEVEL_LABELS[current_level]
    label = st.selectbox("Area level", labels, key="filter_area_level_label",
                         help="Built-in areas, or boundaries you imported on the Data page.")
    level = levels[labels.index(label)]
    st.session_state["filter_area_level"] = level
    return level


def _apply_pending(custom: dict[str, str]) -> None:
    """Switches asked for by the Data page on the previous run (before any widget exists)."""
    pending = st.session_state.pop("_pending_dataset", None)
    if pending is not None:
        st.session_state["filter_dataset"] = pending
        for key in ("filter_period", "filter_first_month", "filter_last_month", "filter_offence_groups",
                    "filter_areas"):
            st.session_state.pop(key, None)
    level = st.session_state.pop("_pending_level", None)
    if level is not None and (level in SIDEBAR_LEVELS or level in custom):
        st.session_state["filter_area_level"] = level
        st.session_state["filter_area_level_label"] = LEVEL_LABELS[level]
        st.session_state["filter_areas"] = []


def _chosen_dataset(stored: dict[str, store.DatasetInfo]) -> tuple[str, store.DatasetInfo | None]:
    slug = st.session_state.get("filter_dataset", DEMO_DATASET)
    if slug not in stored:
        slug = DEMO_DATASET
        st.session_state["filter_dataset"] = DEMO_DATASET
    return slug, stored.get(slug)


def _fit_filters_to(months: list[str], groups: list[str]) -> None:
    """Drop remembered filter values the data set in use does not have (e.g. after switching)."""
    period = st.session_state.get("filter_period")
    first = st.session_state.get("filter_first_month")
    last = st.session_state.get("filter_last_month")
    if (period is not None and not all(m in months for m in period)) or first not in (None, *months) \
            or last not in (None, *months):
        for key in ("filter_period", "filter_first_month", "filter_last_month"):
            st.session_state.pop(key, None)
    chosen = st.session_state.get("filter_offence_groups")
    if chosen and any(g not in groups for g in chosen):
        st.session_state["filter_offence_groups"] = [g for g in chosen if g in groups]


def _dataset_caption(info: store.DatasetInfo | None) -> str:
    if info is None:
        return "⚠ " + DEMO_LABEL
    files = len(info.sources)
    first, last = info.details.get("first_month"), info.details.get("last_month")
    span = f", {first} to {last}" if first else ""
    precision = info.details.get("precision", {})
    month_only = bool(precision) and set(precision) == {"month"}
    return (f"Imported: {info.rows:,} incidents from {files} file{'s' if files != 1 else ''}{span}"
            + ("; month precision only" if month_only else "") + ". Manage it on the Data page.")


def sidebar() -> Context:
    """Draw the shared sidebar and return the context (also kept for :func:`current`)."""
    stored = {d.slug: d for d in stored_incident_sets()}
    custom = boundary_levels()
    _apply_pending(custom)
    _seed_dataset_from_url(list(stored))
    slug, info = _chosen_dataset(stored)
    dataset = DEMO_DATASET if info is None else info.key
    incidents = dataset_incidents(dataset)
    facts = dataset_facts(dataset)
    months, groups = facts["months"], facts["groups"]
    levels = list(SIDEBAR_LEVELS) + list(custom)
    valid = {"area_level": levels, "first_month": months, "last_month": months,
             "offence_groups": groups, "markers": list(MARKER_LABELS)}
    # read every level's areas only when a link names areas (4 area sets cost ~0.2 s)
    valid["areas"] = lambda: [n for level in levels for n in area_set(level).names]
    _seed_from_url(valid)
    _fit_filters_to(months, groups)

    names_by_slug = {DEMO_DATASET: DEMO_DATASET_LABEL, **{k: v.name for k, v in stored.items()}}
    with st.sidebar:
        st.selectbox("Data set", list(names_by_slug), format_func=lambda s: names_by_slug.get(s, s),
                     key="filter_dataset",
                     help="The demo data, or a data set you imported on the Data page.")
        st.caption(_dataset_caption(info))
        first, last = st.select_slider("Period (month the incident started)", options=months,
                                       value=(st.session_state.get("filter_first_month", months[0]),
                                              st.session_state.get("filter_last_month", months[-1])),
                                       key="filter_period")
        level = _level_select(custom)
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
    _mirror_to_url(filters, slug)
    labels = area_labels(dataset, level)
    context = Context(
        dataset=dataset, dataset_label=DEMO_DATASET_LABEL if info is None else info.name, is_demo=info is None,
        all_incidents=incidents, area_set=area_set(level), all_area_labels=labels, filters=filters,
        mask=filter_mask(incidents, labels, filters),
        mask_without_period=filter_mask(incidents, labels, filters, period=False),
        dataset_info=info,
    )
    st.session_state["_context"] = context
    return context


def current() -> Context:
    """The context the sidebar built on this run."""
    if "_context" not in st.session_state:
        _rerun_through_app()
    return st.session_state["_context"]


def _rerun_through_app() -> None:
    """A deep link (``/performance``) as the first request a fresh server gets.

    Streamlit 1.67 then runs the page file on its own, as in its old ``pages/`` folder mode,
    until some run of ``app.py`` calls ``st.navigation``. Switch that mode off and rerun: the
    rerun goes through ``app.py`` (sidebar included) to the same page, whose hash is its URL path.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached(dataset: str, name: str, _function):
    return _function(dataset_incidents(dataset))


def cached(context: Context, name: str, function):
    """``function(all incidents of the data set)``, computed once per data set and ``name``."""
    return _cached(context.dataset, name, function)


def demo_banner(context: Context) -> None:
    """The banner every page shows first: the demo label, or what the imported data can and cannot say."""
    if context.is_demo:
        st.info(f"**{DEMO_LABEL}.** Counts are invented, calibrated to published West Mercia and "
                "Warwickshire figures, to show what the dashboard does.", icon=":material/info:")
        return
    text = f"Data set: {escape_markdown(context.dataset_label)} (imported)."
    if context.month_precision_only:
        text += (" Month precision only (data.police.uk): no day or time of day; locations are snapped to "
                 "anonymised points; 'Violence and sexual offences' includes sexual offences.")
    st.caption(text)


def escape_markdown(text: str) -> str:
    """Text from files, safe to put in Streamlit markdown (no links, images, HTML or formatting)."""
    import html
    import re

    return re.sub(r"([\\`*_{}\[\]()#+\-.!|>~<:$])", r"\\\1", html.escape(str(text), quote=False))
