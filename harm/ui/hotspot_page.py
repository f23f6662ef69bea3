"""Streamlit pieces of the Hotspots page: cached per-data-set work, the controls, charts.

Everything expensive is cached with ``st.cache_resource`` on small keys (data-set name,
area level, chosen areas, cell size, time method), never on a million-row frame:

- per data set: :func:`time_weights` (hour-of-week matrix per time method) and
  :func:`incident_index`;
- per level: :func:`level_index` (each incident's area) and :func:`level_neighbours`;
- per study area: :func:`inside` (point in polygon) and :func:`units` (per cell size).

A change of a hot-spot control then only runs ``harm.problem_profile.build_profile``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
import streamlit as st

from harm import problem_profile as pp
from harm.aoristic import hour_of_week_weights
from harm.hotspots import default_cell_size, inside_study_area, queen_neighbours
from harm.timeofday import DAYS, NIGHT_TIME_ECONOMY, parse_hours
from harm.ui import context

GEOGRAPHIES = {"grid": "Grid cells", "lsoa": "LSOAs", "csp": "CSPs"}
GEOGRAPHY_LABELS = {"lsoa": "LSOA", "csp": "CSP"}
TIME_LABELS = {"aoristic": "Aoristic (spread over the from–to window)", "start": "Start time"}
MEASURE_LABELS = {"count": "Count", "rate": "Rate per 1,000 residents"}
STATISTIC_LABELS = {"gi": "Gi* hot and cold spots (FDR-corrected)", "count": "Counts"}
MIN_CELL, MAX_CELL = 100, 10_000
ALL_HOURS = "Whole window"


# --- cached work -----------------------------------------------------------------------


@st.cache_resource(show_spinner="Spreading incidents over the hours of the week…", max_entries=4)
def time_weights(dataset: str, method: str):
    return hour_of_week_weights(context.dataset_incidents(dataset), method)


@st.cache_resource(show_spinner=False, max_entries=2)
def incident_index(dataset: str) -> pp.IncidentIndex:
    return pp.index_incidents(context.dataset_incidents(dataset))


@st.cache_resource(show_spinner=False, max_entries=4)
def level_index(dataset: str, level: str) -> np.ndarray:
    """Each incident's row in the level's areas (LSOAs from the incident's LSOA code)."""
    areas = context.area_set(level).areas
    if level == "lsoa":
        return pp.unit_index_by_code(context.dataset_incidents(dataset)["lsoa_code"], areas)
    return pp.unit_index_by_name(context.area_labels(dataset, level), areas)


@st.cache_resource(show_spinner=False, max_entries=4)
def level_neighbours(level: str):
    return queen_neighbours(context.area_set(level).areas)


@st.cache_resource(show_spinner=False, max_entries=16)
def study_area(level: str, areas: tuple[str, ...]):
    return pp.study_area(context.area_set(level).areas, areas)


@st.cache_resource(show_spinner=False, max_entries=8)
def inside(dataset: str, level: str, areas: tuple[str, ...]) -> np.ndarray:
    return inside_study_area(study_area(level, areas), context.dataset_incidents(dataset))


@st.cache_resource(show_spinner="Building the grid…", max_entries=8)
def units(dataset: str, geography: str, level: str, areas: tuple[str, ...],
          cell_size: float | None) -> pp.Units:
    """The units of a geography over the study area (the sidebar's areas, or all)."""
    area = study_area(level, areas)
    if geography == "grid":
        return pp.grid_units(area, context.dataset_incidents(dataset), cell_size,
                             inside(dataset, level, areas))
    area_set = context.area_set(geography)
    return pp.area_units(area_set.areas, level_index(dataset, geography),
                         label=GEOGRAPHY_LABELS[geography], population=area_set.population,
                         neighbours=level_neighbours(geography), within=area)


@st.cache_resource(show_spinner=False, max_entries=16)
def boundaries_in(level: str, areas: tuple[str, ...]) -> np.ndarray:
    """True for the CSPs that share ground with the study area (to outline on the map)."""
    csp = context.area_set("csp").areas
    return shapely.area(shapely.intersection(csp.geometry.values, study_area(level, areas))) > 1.0


def default_cell(level: str, areas: tuple[str, ...]) -> float:
    return default_cell_size(study_area(level, areas))


# --- controls --------------------------------------------------------------------------


@dataclass(frozen=True)
class Controls:
    days: tuple[str, ...]
    hours: str
    time_method: str
    geography: str
    cell_size: float | None
    measure: str
    statistic: str
    notes: tuple[str, ...]  # what the controls had to correct, said to the user


def _set_night_time_economy() -> None:
    st.session_state["hs_days"] = list(NIGHT_TIME_ECONOMY.days)
    window = parse_hours(NIGHT_TIME_ECONOMY.hours)
    st.session_state["hs_from"], st.session_state["hs_to"] = window.start, window.end
    _clear_drill_state()


def _set_whole_week() -> None:
    st.session_state["hs_days"] = list(DAYS)
    st.session_state["hs_from"], st.session_state["hs_to"] = 0, 24
    _clear_drill_state()


def _clear_drill_state() -> None:
    st.session_state.pop("hs_hour", None)


def controls(month_only: bool, level: str, areas: tuple[str, ...]) -> Controls:
    """Draw the controls; with month-precision data the day and hour ones are disabled."""
    notes = []
    st.session_state.setdefault("hs_days", list(DAYS))
    st.session_state.setdefault("hs_from", 0)
    st.session_state.setdefault("hs_to", 24)
    with st.container(border=True):
        if month_only:
            st.info("**Days and hours are switched off for this data.** It gives only the month "
                    "of each incident (as data.police.uk does), so a day-of-week or hour pattern "
                    "would be invented, not measured. The map counts every incident.", icon=":material/schedule:")
        when = st.columns([3.1, 0.8, 0.8, 1.5, 1.0], vertical_alignment="bottom")
        days = when[0].pills("Days (a night past midnight counts with the day it began)", DAYS,
                             selection_mode="multi", key="hs_days", disabled=month_only)
        start = when[1].selectbox("From", range(24), format_func=lambda h: f"{h:02d}:00",
                                  key="hs_from", disabled=month_only)
        end = when[2].selectbox("To", range(1, 25), format_func=lambda h: f"{h:02d}:00",
                                key="hs_to", disabled=month_only,
                                help="The hour the window ends, not included: from 21:00 to 02:00 "
                                     "is 21:00–01:59.")
        when[3].button("🌙 Night-time economy", on_click=_set_night_time_economy,
                       disabled=month_only, key="hs_nte", width="stretch",
                       help="Friday and Saturday nights, 21:00 to 01:59: the pattern the 2014 West "
                            "Mercia paper reports")
        when[4].button("Whole week", on_click=_set_whole_week, disabled=month_only,
                       key="hs_reset", width="stretch", help="Every day, all hours")
        how = st.columns([1.5, 1.0, 1.15, 1.35, 1.55])
        method = how[0].radio("Time of each incident", list(TIME_LABELS), format_func=TIME_LABELS.get,
                              key="hs_time", disabled=month_only,
                              help="Aoristic weighting (Ratcliffe) shares an incident between the "
                                   "hours its from–to window covers; start time uses the start only.")
        geography = how[1].radio("Geography", list(GEOGRAPHIES), format_func=GEOGRAPHIES.get,
                                 key="hs_geography")
        automatic = default_cell(level, areas)
        cell = how[2].number_input("Cell size (m)", min_value=MIN_CELL, max_value=MAX_CELL,
                                   step=50, value=None, key="hs_cell",
                                   placeholder=f"{automatic:,.0f} (auto)",
                                   disabled=geography != "grid",
                                   help=f"Empty: automatic, {automatic:,.0f} m here (1/50 of the "
                                        "shorter side of the study area, rounded up to 100 m, "
                                        "METHODS §3). 250, 500 or 1,000 m are typical.")
        measure = how[3].radio("Measure", list(MEASURE_LABELS), format_func=MEASURE_LABELS.get,
                               key="hs_measure", disabled=geography == "grid",
                               help="Rates need residents: they are for LSOAs and CSPs (2011 census).")
        statistic = how[4].radio("Statistic", list(STATISTIC_LABELS), format_func=STATISTIC_LABELS.get,
                                 key="hs_statistic")
    if month_only:
        days, start, end, method = list(DAYS), 0, 24, "start"
    if not days:
        notes.append("No day was chosen, so every day is shown.")
        days = list(DAYS)
    if start == end % 24 and end != 24:
        notes.append("The hour window was empty, so all hours are shown.")
        start, end = 0, 24
    if geography == "grid":
        measure = "count"
    return Controls(tuple(d for d in DAYS if d in days), f"{start:02d}-{end:02d}", method,
                    geography, None if cell is None else float(cell), measure, statistic,
                    tuple(notes))


def heat_toggle() -> bool:
    return st.toggle("Heat layer (sampled)", key="hs_heat",
                     help="The incidents counted, as a heat map; beyond 15,000 a fixed random "
                          "sample is drawn so that the map stays fast.")


def hour_slider(window_hours: tuple[int, ...]) -> int | None:
    """'Step through the night': one hour of the window, or the whole window."""
    options = [ALL_HOURS] + [f"{h:02d}:00" for h in window_hours]
    if st.session_state.get("hs_hour") not in options:
        st.session_state["hs_hour"] = ALL_HOURS
    if len(window_hours) < 2:
        return None
    choice = st.select_slider("Step through the hours of the window to watch the hot spots move",
                              options, key="hs_hour")
    return None if choice == ALL_HOURS else int(choice[:2])


# --- charts ----------------------------------------------------------------------------


def bins_from_selection(points: list) -> tuple[int, ...] | None:
    """Hour-of-week bins from the matrix's selected cells (``[{"day": "Fri", "hour": 22}]``)."""
    bins = set()
    for point in points or []:
        try:
            bins.add(pp.bin_of(point["day"], int(point["hour"])))
        except Exception:  # noqa: BLE001 - a malformed point from the browser is ignored
            continue
    return tuple(sorted(bins)) or None


def on_map_click() -> None:
    """st_folium's callback: remember the clicked unit for the drill-down."""
    value = st.session_state.get("hs_map") or {}
    drawing = value.get("last_active_drawing") if isinstance(value, dict) else None
    unit = ((drawing or {}).get("properties") or {}).get("unit")
    if unit:
        st.session_state["hs_unit"] = str(unit)


