"""What a briefing pack is built for: the incidents, the areas, the filters and the as-of month, and
the treatment and spend data of the treatment and spend slides (the demo data unless given).

The Briefing page builds a :class:`BriefingContext` from the shared sidebar; ``python -m harm
brief`` and ``python -m harm chart`` build the same from their arguments
(:func:`briefing_context`). Work shared by several charts (the filter mask, the hour-of-week
weights, the hot-spot profile) is computed once per context (:meth:`BriefingContext.memo`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from harm import periods
from harm.areas import AreaSet, assign
from harm.demo import DEMO_LABEL
from harm.errors import HarmInputError
from harm.filters import Filters, filter_mask
from harm.geo.levels import LEVEL_LABELS
from harm.treatment.data import TreatmentData
from harm.treatment.data import demo_data as demo_treatment_data

DEFAULT_MEASURE = "violence"
#: Without a period, the police slides show the twelve months to the as-of month.
DEFAULT_MONTHS = 12
SPEND_DEMO_LABEL = "Synthetic demonstration spend"


@dataclass(eq=False)
class BriefingContext:
    """The data and choices one pack (or one chart) is built for."""

    incidents: pd.DataFrame  # the whole data set (the performance table needs years of history)
    area_set: AreaSet
    area_labels: pd.Series  # area name of every incident of ``incidents``
    filters: Filters  # period, areas, offence groups and markers (the sidebar's)
    as_of: str  # "YYYY-MM": last month of the year to date
    measure: str = DEFAULT_MEASURE
    is_demo: bool = False
    source: str = ""  # e.g. "Data set: force extract 2019"
    time_weights: object | None = None  # hour-of-week weights (aoristic) when already computed
    treatment: TreatmentData | None = None  # None: the demo treatment data
    spend: pd.DataFrame | None = None  # a spend table (harm.spend.table); None: the demo spend
    spend_source: str = ""  # where ``spend`` came from, e.g. "Spend: PCC spend 2019"
    _memo: dict = field(default_factory=dict, repr=False)

    def memo(self, key: str, compute: Callable[[], object]):
        """``compute()`` once per context and ``key``."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def mask(self) -> np.ndarray:
        """Every sidebar filter applied (period, areas, offence groups, markers)."""
        return self.memo("mask", lambda: filter_mask(self.incidents, self.area_labels, self.filters))

    @property
    def period_text(self) -> str:
        return f"{self.filters.first_month} to {self.filters.last_month}"

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.filters.area_level, self.area_set.label or self.filters.area_level)

    @property
    def where(self) -> str:
        """"all Community Safety Partnerships" or the areas chosen."""
        return ", ".join(self.filters.areas) if self.filters.areas else f"all {self.level_label.lower()}s"

    @property
    def source_note(self) -> str:
        return DEMO_LABEL if self.is_demo else (self.source or "Police recorded crime")

    @property
    def treatment_data(self) -> TreatmentData:
        """The treatment data of the slides: those given, else the demo data."""
        if self.treatment is not None:
            return self.treatment
        return self.memo("demo_treatment", demo_treatment_data)

    @property
    def spend_is_demo(self) -> bool:
        return self.spend is None

    @property
    def spend_frame(self) -> pd.DataFrame:
        """The spend table of the slides: the one given, else the demo spend."""
        if self.spend is not None:
            return self.spend
        from harm.spend import demo_spend

        return self.memo("demo_spend", demo_spend)

    @property
    def spend_source_note(self) -> str:
        return SPEND_DEMO_LABEL if self.spend is None else (self.spend_source or "Spend: your table")


def default_as_of(incidents: pd.DataFrame) -> str:
    """The newest month whose year to date the data cover (the last complete month)."""
    from harm import performance as pf
    from harm import performance_view as view

    choices = view.as_of_choices(pf.months_covered(incidents), view.last_complete_month(incidents))
    if not choices:
        raise HarmInputError("the data do not cover a whole year to date", fix="Load data from an April onwards")
    return choices[0]


def briefing_context(incidents: pd.DataFrame, area_set: AreaSet, *, as_of: str | None = None,
                     period: tuple[str | None, str | None] = (None, None), areas=(), offence_groups=(),
                     markers=(), measure: str = DEFAULT_MEASURE, is_demo: bool = False,
                     source: str = "", area_labels: pd.Series | None = None, treatment: TreatmentData | None = None,
                     spend: pd.DataFrame | None = None, spend_source: str = "") -> BriefingContext:
    """A context for the command line: ``as_of`` defaults to the last complete month, the period
    to the twelve months to it; areas are checked against ``area_set``; ``treatment`` and ``spend``
    default to the demo data."""
    from harm.measures import get_measure

    get_measure(measure)
    latest = default_as_of(incidents)
    as_of = periods.parse_month(as_of, where="--as-of").strftime("%Y-%m") if as_of else latest
    if as_of > latest:
        raise HarmInputError(f"the data end before the as-of month {as_of}",
                             fix=f"Choose {latest} (the last complete month) or earlier.")
    last = period[1] or as_of
    first = period[0] or (periods.parse_month(last, where="period") - (DEFAULT_MONTHS - 1)).strftime("%Y-%m")
    if pd.Period(first, "M") > pd.Period(last, "M"):
        raise HarmInputError(f"the period starts after it ends ({first} to {last})", fix="Swap the months.")
    unknown = [a for a in areas if a not in area_set.names]
    if unknown:
        raise HarmInputError(f"no area called {', '.join(map(repr, unknown))} at this area level",
                             fix="Choose from: " + ", ".join(area_set.names))
    labels = area_labels if area_labels is not None else assign(incidents, area_set)
    filters = Filters(first, last, area_set.level, tuple(areas), tuple(offence_groups), tuple(markers))
    return BriefingContext(incidents, area_set, labels, filters, as_of, measure, is_demo, source,
                           treatment=treatment, spend=spend, spend_source=spend_source)
