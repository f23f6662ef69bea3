"""Where and when incidents concentrate: the numbers of the Hotspots page and of
``python -m harm hotspots`` (METHODS §1, §2, §3 and §8).

Three kinds of input, built at different rates:

- per data set (build once, cache): :func:`index_incidents` (window lengths, months,
  offences per incident) and ``harm.aoristic.hour_of_week_weights`` for each time method;
- per geography (build once per study area and cell size, cache): :class:`Units` from
  :func:`area_units` (CSPs, LSOAs, a user's polygons) or :func:`grid_units` (a square
  grid over the study area); each holds the unit of every incident of the data set;
- per change of a control: a :class:`Selection` (days, hours, time method, measure,
  statistic, cells picked in the day x hour matrix, an hour of the night) and a mask of the
  incidents that pass the shared filters. :func:`build_profile` turns these into a
  :class:`ProblemProfile` in a few tens of milliseconds for a million incidents: one
  sparse product for the weights, one bincount per unit, Gi*, concentration.

Counting rule: with no day or hour filter every incident counts 1 (those without a time
of day included). With one, an incident counts its weight inside the chosen hours of the
week: 1 or 0 for "start time", the share of its from/to window for "aoristic"; incidents
without a time of day count 0 and are reported. Only incidents in a unit are counted (for a
grid: inside the study area, METHODS §3).

Gi* is always computed (so tooltips and tables carry z and class); ``statistic`` decides
what colours the map and orders the table. With ``measure="rate"`` on areas whose
population is known, Gi* is computed on the rate per 1,000 residents; otherwise on counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from harm.aoristic import METHODS as TIME_METHODS
from harm.aoristic import selected_weight, summarise_windows, window_minutes
from harm.concentration import concentration
from harm.errors import HarmInputError
from harm.hotspots import (
    BNG, HotSpotSummary, area_hotspots, area_of_incidents, cell_of_incidents,
    grid_cell_polygons, grid_hotspots, hotspot_summary,
    locations_per_unit, make_grid, queen_neighbours, snapped_location_warning, sum_by_unit,
)
from harm.incidents import has_location
from harm.timeofday import (
    DAYS, HOURS_PER_WEEK, WHOLE_DAY, describe_selection, parse_days, parse_hours, selected_bins,
)
from harm.ui.palettes import GI_STAR_CLASSES

MEASURES = ("count", "rate")
STATISTICS = ("gi", "count")
ALL_DAYS = tuple(range(7))
GI_CLASS_LABELS = {c: label for c, label, _ in GI_STAR_CLASSES}
#: Grid cells sent to the map at most (hot and cold cells first, then the busiest).
MAP_CELL_CAP = 5_000
#: Points in the optional heat layer at most (a fixed-seed random sample beyond that).
HEAT_POINT_CAP = 15_000
HEAT_SEED = 20141031


# --- the selection ---------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What the hot-spot controls say. Build it with :meth:`of` (checks the values)."""

    days: tuple[int, ...] = ALL_DAYS  # nights' days, Mon=0 (METHODS §1 night rule)
    hours: str = "00-24"
    time_method: str = "aoristic"
    measure: str = "count"
    statistic: str = "gi"
    matrix_bins: tuple[int, ...] | None = None  # hour-of-week bins picked in the matrix
    clock_hour: int | None = None  # one hour of the window (the "through the night" slider)
    fdr: bool = True

    @classmethod
    def of(cls, days=None, hours=None, time_method: str = "aoristic", measure: str = "count",
           statistic: str = "gi", matrix_bins=None, clock_hour: int | None = None,
           fdr: bool = True) -> Selection:
        """Check and normalise: ``days`` as ``"Fri,Sat"`` / names / numbers, ``hours`` as ``"21-02"``."""
        window = parse_hours(hours)
        if time_method not in TIME_METHODS:
            raise HarmInputError(f"unknown time method {time_method!r}", fix="Use 'aoristic' or 'start'")
        if measure not in MEASURES:
            raise HarmInputError(f"unknown measure {measure!r}", fix="Use 'count' or 'rate'")
        if statistic not in STATISTICS:
            raise HarmInputError(f"unknown statistic {statistic!r}", fix="Use 'gi' or 'count'")
        if matrix_bins is not None:
            matrix_bins = tuple(sorted({int(b) for b in matrix_bins}))
            if any(not 0 <= b < HOURS_PER_WEEK for b in matrix_bins):
                raise HarmInputError("matrix cells must be hour-of-week bins 0-167")
            matrix_bins = matrix_bins or None
        if clock_hour is not None and int(clock_hour) not in window.hours:
            raise HarmInputError(f"hour {clock_hour} is not in the window {window}",
                                 fix="Pick an hour inside the hour window")
        return cls(parse_days(days), str(window), time_method, measure, statistic, matrix_bins,
                   None if clock_hour is None else int(clock_hour), bool(fdr))

    @property
    def window(self):
        return parse_hours(self.hours)

    @property
    def time_filtered(self) -> bool:
        """True when days, hours, matrix cells or an hour of the night narrow the week."""
        return (self.days != ALL_DAYS or self.window != WHOLE_DAY
                or self.matrix_bins is not None or self.clock_hour is not None)

    def chosen_bins(self) -> np.ndarray:
        """Hour-of-week bins counted: days x hours (night rule), then matrix cells, then hour."""
        bins = selected_bins(self.days, self.hours)
        if self.matrix_bins is not None:
            bins = np.intersect1d(bins, np.asarray(self.matrix_bins, dtype=np.int64))
        if self.clock_hour is not None:
            bins = bins[bins % 24 == self.clock_hour]
        return bins

    def describe_time(self) -> str:
        """``"Fri, Sat, 21:00-01:59 (...)"`` plus matrix cells and hour when set."""
        text = describe_selection(self.days, self.hours)
        if self.clock_hour is not None:
            text += f"; only {self.clock_hour:02d}:00-{self.clock_hour:02d}:59"
        if self.matrix_bins is not None:
            text += f"; only the matrix cells {describe_bins(self.matrix_bins)}"
        return text


def describe_bins(bins, limit: int = 6) -> str:
    """``"Fri 22:00, Sat 01:00"`` (the first ``limit``, then "and N more")."""
    names = [f"{DAYS[b // 24]} {b % 24:02d}:00" for b in sorted(bins)]
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")


def bin_of(day: str | int, hour: int) -> int:
    """Hour-of-week bin of a calendar day (``"Fri"`` or 4) and hour (0-23)."""
    (number,) = parse_days([day])
    if not 0 <= int(hour) <= 23:
        raise HarmInputError(f"hour {hour} is not 0-23")
    return number * 24 + int(hour)


# --- per data set ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class IncidentIndex:
    """What the page needs per incident besides its weights, computed once per data set."""

    window_minutes: np.ndarray  # whole minutes start -> end, NaN without an end
    timed: np.ndarray  # has a time of day
    located: np.ndarray  # has x and y
    month: np.ndarray  # position in ``months``
    months: list[str]  # "2014-10", every month from the first to the last
    offence: np.ndarray  # position in ``offences``
    offences: pd.DataFrame  # offence_group, offence
    month_only: np.ndarray  # date precision "month" (data.police.uk)

    @property
    def n(self) -> int:
        return int(self.timed.size)

    @property
    def month_precision_only(self) -> bool:
        """No record of the data set carries a day or time."""
        return self.month_precision_only_in(np.ones(self.n, dtype=bool))

    def month_precision_only_in(self, mask: np.ndarray) -> bool:
        """No record in ``mask`` carries a day or time (``incidents.is_month_precision_only``)."""
        mask = np.asarray(mask, dtype=bool)
        return bool(mask.any()) and bool(self.month_only[mask].all())


def index_incidents(incidents: pd.DataFrame) -> IncidentIndex:
    """Build the :class:`IncidentIndex` of a data set (~0.2 s for a million incidents)."""
    minutes, timed = window_minutes(incidents)
    start = incidents["occurred_from"]
    ordinal = (start.dt.year.to_numpy("int64", na_value=0) * 12
               + start.dt.month.to_numpy("int64", na_value=1) - 1)
    first = int(ordinal.min()) if ordinal.size else 0
    last = int(ordinal.max()) if ordinal.size else -1
    months = [f"{m // 12}-{m % 12 + 1:02d}" for m in range(first, last + 1)]
    offence, offences = _offence_codes(incidents)
    return IncidentIndex(
        window_minutes=minutes, timed=timed, located=has_location(incidents),
        month=ordinal - first, months=months, offence=offence, offences=offences,
        month_only=(incidents["date_precision"] == "month").to_numpy(dtype=bool),
    )


def _offence_codes(incidents: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Each incident's offence as a position in a table of (offence_group, offence)."""
    group_codes, groups = pd.factorize(incidents["offence_group"], use_na_sentinel=False)
    offence_codes, offences = pd.factorize(incidents["offence"], use_na_sentinel=False)
    key = group_codes.astype(np.int64) * (len(offences) + 1) + offence_codes
    unique, position = np.unique(key, return_inverse=True)
    name = lambda values, i: "(not recorded)" if pd.isna(values[i]) else str(values[i])  # noqa: E731
    table = pd.DataFrame({
        "offence_group": [name(groups, k // (len(offences) + 1)) for k in unique],
        "offence": [name(offences, k % (len(offences) + 1)) for k in unique],
    })
    return position.astype(np.int64).ravel(), table


# --- per geography ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Units:
    """The units hot spots are counted in, and the unit of every incident of the data set.

    ``table`` has one row per unit: ``unit`` (an id: area code or ``"x_min_y_min"``),
    ``name``, and ``population`` (areas with known population) or ``x_min, y_min`` (cells).
    """

    kind: str  # "area" or "grid"
    label: str  # "LSOA", "CSP", "500 m cell"
    index: np.ndarray  # per incident: the unit's position, -1 in none
    table: pd.DataFrame
    grid: object | None = None  # harm.hotspots.Grid
    areas: gpd.GeoDataFrame | None = None
    neighbours: sp.csr_matrix | None = None
    default_cell_size: bool = False  # the grid uses the METHODS §3 default size

    @property
    def n_units(self) -> int:
        return len(self.table)

    @property
    def has_population(self) -> bool:
        return "population" in self.table and bool(self.table["population"].notna().all())

    def geometries(self, positions) -> gpd.GeoDataFrame:
        """Polygons (EPSG:27700) of the units at ``positions``, with the table's columns."""
        positions = np.asarray(positions, dtype=np.int64)
        if self.kind == "grid":
            return grid_cell_polygons(self.table.iloc[positions].reset_index(drop=True),
                                      self.grid.cell_size)
        rows = self.table.iloc[positions].reset_index(drop=True)
        return gpd.GeoDataFrame(rows, geometry=self.areas.geometry.iloc[positions].to_numpy(), crs=BNG)


def study_area(areas: gpd.GeoDataFrame, names=()) -> shapely.Geometry:
    """The union of the polygons named ``names`` (all of them when empty)."""
    chosen = areas if not names else areas[areas["name"].isin(list(names))]
    if chosen.empty:
        raise HarmInputError("no area is selected", fix="Select at least one area")
    return shapely.union_all(chosen.geometry.values)


def area_units(areas: gpd.GeoDataFrame, unit_of_incident: np.ndarray, *, label: str,
               population: pd.Series | None = None, neighbours: sp.csr_matrix | None = None,
               within=None) -> Units:
    """Units from polygons (``code``, ``name``, ``geometry`` in EPSG:27700).

    ``unit_of_incident`` gives each incident's row in ``areas`` or -1 (see
    :func:`unit_index_by_name` and :func:`unit_index_by_code`); ``population`` is indexed by
    area code; ``neighbours`` (``harm.hotspots.queen_neighbours(areas)``) may be passed to
    reuse a cached matrix. With ``within`` (a study area) only the polygons inside it are
    kept (:func:`areas_within`); the other arguments still refer to all of ``areas``, so one
    cached index and neighbour matrix per level serve every study area.
    """
    areas = areas.reset_index(drop=True)
    index = np.asarray(unit_of_incident, dtype=np.int64)
    if index.size and index.max() >= len(areas):
        raise HarmInputError("the incidents' areas do not match the polygons")
    matrix = queen_neighbours(areas) if neighbours is None else neighbours
    if within is not None:
        keep = np.flatnonzero(areas_within(areas, within))
        position = np.full(len(areas) + 1, -1, dtype=np.int64)  # the last slot maps -1 to -1
        position[keep] = np.arange(keep.size)
        index = position[index]
        areas = areas.iloc[keep].reset_index(drop=True)
        matrix = matrix[keep][:, keep]
    if len(areas) == 0:
        raise HarmInputError(f"there is no {label} in the study area",
                             fix="Select other areas or another geography")
    codes = areas["code"] if "code" in areas else areas["name"]
    table = pd.DataFrame({"unit": codes.astype(str).to_numpy(),
                          "name": areas["name"].astype(str).to_numpy()})
    if population is not None:
        table["population"] = population.reindex(table["unit"]).to_numpy(dtype="float64")
    return Units("area", label, index, table, areas=areas, neighbours=sp.csr_matrix(matrix))


def areas_within(areas: gpd.GeoDataFrame, area) -> np.ndarray:
    """True for the polygons of ``areas`` that lie in the study area ``area`` (judged by a
    point inside each). Built-in levels nest (LSOA in LAD in CSP in policing area in force),
    so this picks the LSOAs or CSPs of the areas chosen in the sidebar."""
    points = shapely.point_on_surface(areas.geometry.values)
    shapely.prepare(area)
    return shapely.covers(area, points)


def unit_index_by_name(area_names: pd.Series, areas: gpd.GeoDataFrame) -> np.ndarray:
    """Each incident's row in ``areas`` from its area name (``harm.areas.assign``), or -1."""
    if isinstance(area_names.dtype, pd.CategoricalDtype):
        return _index_via_categories(area_names, areas["name"])
    return area_of_incidents(area_names, areas)


def unit_index_by_code(codes: pd.Series, areas: gpd.GeoDataFrame) -> np.ndarray:
    """Each incident's row in ``areas`` from an area code per incident (e.g. ``lsoa_code``), or -1."""
    if isinstance(codes.dtype, pd.CategoricalDtype):
        return _index_via_categories(codes, areas["code"])
    return pd.Index(areas["code"].astype(str)).get_indexer(codes.astype("string")).astype(np.int64)


def _index_via_categories(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """Look categories up once instead of every row (a million rows in milliseconds)."""
    lookup = pd.Index(keys.astype(str)).get_indexer(values.cat.categories.astype(str))
    lookup = np.append(lookup, -1).astype(np.int64)  # code -1 (missing) -> -1
    return lookup[values.cat.codes.to_numpy(dtype=np.int64)]


def grid_units(area, incidents: pd.DataFrame, cell_size: float | None = None,
               inside: np.ndarray | None = None) -> Units:
    """A square grid over the study area ``area`` (METHODS §3) and each incident's cell.

    ``cell_size`` in metres (default: 1/50 of the shorter side of the area's bounding box,
    rounded up to 100 m). ``inside`` from ``harm.hotspots.inside_study_area`` saves the
    point-in-polygon pass when the study area is unchanged.
    """
    grid = make_grid(area, cell_size)
    index = cell_of_incidents(grid, incidents, inside)
    x_min, y_min = grid.x_min, grid.y_min
    table = pd.DataFrame({
        "unit": [f"{x:.0f}_{y:.0f}" for x, y in zip(x_min, y_min)],
        "name": [f"{x:,.0f} E, {y:,.0f} N" for x, y in zip(x_min, y_min)],
        "x_min": x_min, "y_min": y_min,
    })
    return Units("grid", f"{grid.cell_size:,.0f} m cell", index, table, grid=grid,
                 default_cell_size=cell_size is None)


LEVELS = ("area", "lsoa", "grid")


def units_for_level(incidents: pd.DataFrame, area_set, level: str = "area",
                    cell_size: float | None = None) -> Units:
    """The units of ``python -m harm hotspots --level``: ``area`` = the polygons of
    ``area_set`` (a ``harm.areas.AreaSet``); ``lsoa`` = the built-in LSOAs inside its union;
    ``grid`` = square cells over its union (the study area, METHODS §3)."""
    from harm.areas import assign, load_area_set

    if level not in LEVELS:
        raise HarmInputError(f"unknown level {level!r}", fix="Use area, lsoa or grid")
    if cell_size is not None and level != "grid":
        raise HarmInputError("--cell-size applies to --level grid only", fix="Add --level grid")
    if level == "grid":
        return grid_units(area_set.study_area(), incidents, cell_size)
    if level == "lsoa":
        lsoas = load_area_set("lsoa")
        return area_units(lsoas.areas, unit_index_by_code(incidents["lsoa_code"], lsoas.areas),
                          label="LSOA", population=lsoas.population, within=area_set.study_area())
    label = area_set.label or area_set.level
    return area_units(area_set.areas, unit_index_by_name(assign(incidents, area_set), area_set.areas),
                      label=label, population=area_set.population)


# --- per change of a control ----------------------------------------------------------


@dataclass(frozen=True)
class DataQuality:
    """The numbers beside the map."""

    records: int  # incidents that pass the shared filters
    shown: float  # counted in the units (weighted when a time filter applies)
    without_time_of_day: int  # among records
    without_location: int  # among records
    outside_units: int  # among records with a location: in no unit (outside the study area)
    longer_than_24h: float  # share of records with a time of day; NaN when none
    end_before_start: int  # among records with a time of day (weighted at the start)


@dataclass(frozen=True, eq=False)
class ProblemProfile:
    """Everything the page shows for one selection."""

    selection: Selection
    units: Units
    results: pd.DataFrame  # one row per unit: unit, name, ..., count, [rate_per_1000], gi_z, p_value, p_fdr, gi_bin, gi_class, share
    gi_on: str  # "count" or "rate_per_1000"
    summary: HotSpotSummary
    concentration: pd.DataFrame
    quality: DataQuality
    matrix: pd.DataFrame  # 168 rows: day, hour, bin, weight, selected
    weights: np.ndarray = field(repr=False)  # per incident of the data set: counted weight
    warnings: tuple[str, ...] = ()

    @property
    def method_note(self) -> str:
        return method_note(self)


def incident_weights(selection: Selection, time_weights: sp.csr_matrix | None,
                     mask: np.ndarray) -> np.ndarray:
    """Each incident's counted weight: 0 outside ``mask``; 1 without a time filter; else its
    weight in the chosen hours of the week (``time_weights`` for the selection's method)."""
    mask = np.asarray(mask, dtype=bool)
    if not selection.time_filtered:
        return mask.astype("float64")
    if time_weights is None or time_weights.shape != (mask.size, HOURS_PER_WEEK):
        raise HarmInputError("hour-of-week weights are needed for a day or hour filter",
                             fix="Build them with harm.aoristic.hour_of_week_weights")
    weights = selected_weight(time_weights, selection.chosen_bins())
    weights[~mask] = 0.0
    return weights


def unit_results(units: Units, weights: np.ndarray, *, measure: str = "count",
                 fdr: bool = True) -> tuple[pd.DataFrame, str]:
    """One row per unit with ``count`` (+ ``rate_per_1000``), Gi* and ``share``.

    Returns the frame and the value Gi* was computed on (``"count"`` or
    ``"rate_per_1000"``: rates when asked for and every unit's population is known).
    """
    counts = sum_by_unit(units.index, units.n_units, weights)
    table = units.table.copy()
    table["count"] = counts
    gi_on = "count"
    values = counts
    if units.kind == "area" and "population" in table:
        pop = table["population"].to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            table["rate_per_1000"] = np.where(pop > 0, counts / pop * 1000, np.nan)
        if measure == "rate" and units.has_population and np.isfinite(table["rate_per_1000"]).all():
            gi_on, values = "rate_per_1000", table["rate_per_1000"].to_numpy()
    if units.kind == "grid":
        gi = grid_hotspots(units.grid, values, fdr=fdr)
    else:
        gi = area_hotspots(units.areas, values, fdr=fdr, neighbours=units.neighbours)
    for column in ("gi_z", "p_value", "p_fdr", "gi_bin"):
        table[column] = gi[column].to_numpy()
    table["gi_class"] = table["gi_bin"].map(GI_CLASS_LABELS)
    total = counts.sum()
    table["share"] = counts / total if total > 0 else np.nan
    return table, gi_on


def day_hour_matrix(time_weights: sp.csr_matrix, mask: np.ndarray,
                    selection: Selection | None = None) -> pd.DataFrame:
    """168 rows ``day, hour, bin, weight, selected`` for the incidents in ``mask``.

    ``weight`` is the summed hour-of-week weight of every bin (calendar day and hour);
    ``selected`` marks the bins inside the selection's days and hours, so a chart can grey out
    the rest. Cells picked in the matrix and the hour of the slider do not grey the matrix out
    (the chart highlights the picked cells itself, and the reader keeps the whole pattern).
    """
    totals = np.asarray(time_weights.T @ np.asarray(mask, dtype="float64")).ravel()
    chosen = np.ones(HOURS_PER_WEEK, dtype=bool)
    if selection is not None and (selection.days != ALL_DAYS or selection.window != WHOLE_DAY):
        chosen[:] = False
        chosen[selected_bins(selection.days, selection.hours)] = True
    return pd.DataFrame({
        "day": pd.Categorical(np.repeat(DAYS, 24), categories=DAYS, ordered=True),
        "hour": np.tile(np.arange(24), 7),
        "bin": np.arange(HOURS_PER_WEEK),
        "weight": totals,
        "selected": chosen,
    })


def build_profile(incidents: pd.DataFrame, index: IncidentIndex, time_weights: sp.csr_matrix,
                  units: Units, mask: np.ndarray, selection: Selection) -> ProblemProfile:
    """The hot-spot profile of the incidents in ``mask`` (aligned to ``incidents``, the
    whole data set) for ``selection``. ``time_weights`` is
    ``hour_of_week_weights(incidents, selection.time_method)``.
    """
    mask = np.asarray(mask, dtype=bool)
    if mask.size != index.n or units.index.size != index.n:
        raise HarmInputError("the filter, the index and the units are for different data sets")
    month_only = index.month_precision_only_in(mask)
    if month_only and selection.time_filtered:
        raise HarmInputError(
            "this data set has the month of each incident only (no day or time)",
            fix="Leave days and hours at 'every day, all hours'")
    weights = incident_weights(selection, time_weights, mask)
    results, gi_on = unit_results(units, weights, measure=selection.measure, fdr=selection.fdr)
    warnings = []
    if units.kind == "grid" and month_only:
        # the shown records are all month-precision: judge by one of them
        text = snapped_location_warning(incidents.iloc[np.flatnonzero(mask)[:1]], units.grid.cell_size)
        if text:
            warnings.append(text)
    if month_only:
        counted = weights > 0
        located = np.where(counted, units.index, -1)
        results["locations"] = locations_per_unit(located, incidents, units.n_units)
        single = int(((results["gi_bin"] > 0) & (results["locations"] == 1)).sum())
        if single:
            warnings.append(f"{single:,} hot spot(s) hold a single anonymised snap point: "
                            "they may be one address, not an area of concern")
    if selection.time_filtered and selection.chosen_bins().size == 0:
        warnings.append("The matrix cells or the hour picked are outside the days and hours "
                        "chosen, so nothing is counted")
    if selection.statistic == "gi" and units.kind != "grid" and units.n_units < 30 \
            and not (results["gi_bin"] != 0).any():
        warnings.append(f"No {units.label} is a significant hot or cold spot: with only {units.n_units} "
                        "areas Gi* has little power to find one. Choose LSOAs or a grid to see where "
                        "incidents cluster, or counts to compare the areas")
    if gi_on == "count" and selection.measure == "rate":
        warnings.append("Rates need the population of every area: Gi* is computed on counts")
    return ProblemProfile(
        selection=selection, units=units, results=results, gi_on=gi_on,
        summary=hotspot_summary(results), concentration=concentration(results["count"]),
        quality=_quality(index, units, mask, results), matrix=day_hour_matrix(time_weights, mask, selection),
        weights=weights, warnings=tuple(warnings),
    )


def profiles_by_hour(incidents: pd.DataFrame, index: IncidentIndex, time_weights: sp.csr_matrix,
                     units: Units, mask: np.ndarray, selection: Selection,
                     max_hours: int = 12) -> list[tuple[int, ProblemProfile]]:
    """One Gi* profile per hour of the selection's window (``clock_hour``), in window order
    (21, 22, ..., 01), to show the hot spots moving through the night. Windows longer than
    ``max_hours`` are refused."""
    hours = selection.window.hours
    if len(hours) > max_hours:
        raise HarmInputError(f"the hour window has {len(hours)} hours",
                             fix=f"Choose a window of {max_hours} hours or fewer")
    return [(h, build_profile(incidents, index, time_weights, units, mask,
                              replace(selection, statistic="gi", clock_hour=h)))
            for h in hours]


def hours_table(per_hour: list[tuple[int, ProblemProfile]], significant_only: bool = True) -> pd.DataFrame:
    """``hour, unit, name, count, gi_z, gi_bin`` for :func:`profiles_by_hour` (only the units in
    a significant Gi* class, by default)."""
    frames = [p.results.assign(hour=h)[["hour", "unit", "name", "count", "gi_z", "gi_bin"]]
              for h, p in per_hour]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["hour", "unit", "name", "count", "gi_z", "gi_bin"])
    return table[table["gi_bin"] != 0].reset_index(drop=True) if significant_only else table


def _quality(index: IncidentIndex, units: Units, mask: np.ndarray, results: pd.DataFrame) -> DataQuality:
    windows = summarise_windows(index.window_minutes[mask], index.timed[mask])
    located = index.located & mask
    return DataQuality(
        records=int(mask.sum()),
        shown=float(results["count"].sum()),
        without_time_of_day=windows.n_without_time_of_day,
        without_location=int(mask.sum() - located.sum()),
        outside_units=int((located & (units.index < 0)).sum()),
        longer_than_24h=windows.share_longer_than_24h,
        end_before_start=windows.n_end_before_start,
    )


# --- what the page draws ---------------------------------------------------------------


def ranked(results: pd.DataFrame, statistic: str) -> pd.DataFrame:
    """Units in the order the page lists them: by Gi* z (hot first) or by count."""
    if statistic == "gi":
        key = results["gi_z"].fillna(-np.inf)
        order = np.lexsort((-results["count"].to_numpy(), -key.to_numpy()))
    else:
        order = np.argsort(-results["count"].to_numpy(), kind="stable")
    return results.iloc[order]


def top_hotspots(profile: ProblemProfile, n: int = 20) -> pd.DataFrame:
    """The table under the map: the top ``n`` units, with what an analyst reads first."""
    table = ranked(profile.results, profile.selection.statistic)
    if profile.selection.statistic == "gi":
        table = table[table["gi_bin"] > 0] if (table["gi_bin"] > 0).any() else table
    else:
        table = table[table["count"] > 0]
    columns = ["name", "count"] + (["rate_per_1000"] if "rate_per_1000" in table else [])
    columns += ["gi_z", "gi_class", "share"] + (["locations"] if "locations" in table else [])
    out = table[columns].head(n).reset_index(drop=True)
    return out.rename(columns={"name": "cell" if profile.units.kind == "grid" else "area"})


def units_for_map(profile: ProblemProfile, cap: int = MAP_CELL_CAP) -> tuple[np.ndarray, int]:
    """Positions of the units to draw, and how many were candidates.

    Every area is drawn. Grid cells are drawn when they hold incidents or a significant
    Gi* class, hot and cold cells first, then the busiest, at most ``cap`` of them.
    """
    results = profile.results
    if profile.units.kind == "area":
        return np.arange(len(results)), len(results)
    count, gi_bin = results["count"].to_numpy(), results["gi_bin"].to_numpy()
    candidates = np.flatnonzero((count > 0) | (gi_bin != 0))
    if profile.selection.statistic == "gi":
        order = np.lexsort((-count[candidates], -np.abs(gi_bin[candidates])))
    else:
        order = np.argsort(-count[candidates], kind="stable")
    return np.sort(candidates[order[:cap]]), int(candidates.size)


def heat_points(incidents: pd.DataFrame, profile: ProblemProfile, cap: int = HEAT_POINT_CAP,
                seed: int = HEAT_SEED) -> tuple[pd.DataFrame, int]:
    """``lat, lon, weight`` of the counted incidents (a fixed-seed sample of ``cap`` when
    there are more), and how many there were in all."""
    weights = profile.weights
    candidates = np.flatnonzero((weights > 0) & (profile.units.index >= 0))
    total = int(candidates.size)
    if total > cap:
        candidates = np.sort(np.random.default_rng(seed).choice(candidates, cap, replace=False))
    x = incidents["x"].to_numpy()[candidates]
    y = incidents["y"].to_numpy()[candidates]
    lon, lat = _to_wgs84().transform(x, y)
    return pd.DataFrame({"lat": np.round(lat, 5), "lon": np.round(lon, 5),
                         "weight": np.round(weights[candidates], 3)}), total


def _to_wgs84():
    from pyproj import Transformer

    return Transformer.from_crs(BNG, "EPSG:4326", always_xy=True)


# --- drill-down ------------------------------------------------------------------------


@dataclass(frozen=True)
class Drilldown:
    """One unit's own profile: day x hour, month by month, and its top offences."""

    unit: str
    name: str
    count: float
    day_hour: pd.DataFrame  # 168 rows as day_hour_matrix
    monthly: pd.DataFrame  # month, count (the counted weight), every month of the filter
    offences: pd.DataFrame  # offence_group, offence, count, share


def drilldown(profile: ProblemProfile, unit: str, index: IncidentIndex,
              time_weights: sp.csr_matrix, mask: np.ndarray, top: int = 10) -> Drilldown:
    """The drill-down of ``unit`` (an id of ``profile.units.table``)."""
    table = profile.units.table
    where = np.flatnonzero(table["unit"].to_numpy() == str(unit))
    if where.size == 0:
        raise HarmInputError(f"{unit!r} is not one of the {profile.units.label}s shown",
                             fix="Click an area or cell on the map")
    position = int(where[0])
    in_unit = (profile.units.index == position) & np.asarray(mask, dtype=bool)
    weights = np.where(in_unit, profile.weights, 0.0)
    rows = np.flatnonzero(weights > 0)
    by_month = np.bincount(index.month[rows], weights=weights[rows], minlength=len(index.months))
    months_shown = np.bincount(index.month[np.asarray(mask, dtype=bool)], minlength=len(index.months)) > 0
    if months_shown.any():
        first, last = np.flatnonzero(months_shown)[[0, -1]]
    else:
        first, last = 0, -1
    monthly = pd.DataFrame({"month": pd.to_datetime(index.months[first:last + 1]),
                            "count": by_month[first:last + 1]})
    by_offence = np.bincount(index.offence[rows], weights=weights[rows], minlength=len(index.offences))
    offences = index.offences.assign(count=by_offence)
    total = by_offence.sum()
    offences["share"] = offences["count"] / total if total > 0 else np.nan
    offences = offences[offences["count"] > 0].sort_values("count", ascending=False, kind="stable")
    return Drilldown(
        unit=str(unit), name=str(table["name"].iloc[position]),
        count=float(profile.results["count"].iloc[position]),
        day_hour=day_hour_matrix(time_weights, in_unit, profile.selection),
        monthly=monthly, offences=offences.head(top).reset_index(drop=True),
    )


# --- the method note -------------------------------------------------------------------


def method_note(profile: ProblemProfile) -> str:
    """The parameters in force, in words (METHODS: shown under every hot-spot map)."""
    sel, units, summary = profile.selection, profile.units, profile.summary
    parts = []
    if units.kind == "grid":
        size = units.grid.cell_size
        how = (" (the default: 1/50 of the shorter side of the study area, rounded up to 100 m)"
               if units.default_cell_size else "")
        parts.append(f"Grid of {size:,.0f} m cells{how}, aligned to British National Grid "
                     f"multiples of {size:,.0f} m; {units.n_units:,} cells cover the study area, "
                     "empty ones included. Neighbours: the 8 touching cells plus the cell itself.")
    else:
        parts.append(f"{units.n_units:,} {units.label}s. Neighbours: areas sharing a boundary "
                     "or a corner (queen contiguity) plus the area itself.")
    value = "rate per 1,000 residents (2011 census)" if profile.gi_on == "rate_per_1000" else "count"
    correction = ("Benjamini-Hochberg false discovery rate correction across all "
                  f"{summary.units_tested:,} {'cells' if units.kind == 'grid' else 'areas'}"
                  if sel.fdr else "no correction for multiple testing")
    parts.append(f"Getis-Ord Gi* on the {value}, binary weights, two-sided p-values with "
                 f"{correction}; classes ±3/±2/±1 = 99/95/90% confidence (ArcGIS Gi_Bin). "
                 f"{summary.hot_units:,} hot and {summary.cold_units:,} cold spots.")
    if sel.time_filtered:
        how = ("aoristic: each incident's from-to window spread over the hours it covers, "
               "counted by the share inside the hours chosen" if sel.time_method == "aoristic"
               else "start time: an incident counts 1 if it started in the hours chosen")
        parts.append(f"Time: {sel.describe_time()}; {how}. Incidents without a time of day are not counted.")
    else:
        parts.append("Time: every day, all hours; every incident counts 1.")
    return " ".join(parts)
