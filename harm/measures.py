"""The measures a performance table can be drawn up for, and which incidents each counts.

A measure selects incidents either by offence group or by an interest marker.
data.police.uk street data cannot split violence or drug offences, so its broad
groups ("Violence and sexual offences", "Drugs") count towards ``violence`` and
``drug-offences`` only, never towards the finer measures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from harm.errors import HarmInputError

POLICE_UK_VIOLENCE = "Violence and sexual offences"
POLICE_UK_DRUGS = "Drugs"


@dataclass(frozen=True)
class Measure:
    """One measure: offence groups it counts, or the marker column it counts (never both)."""

    name: str
    label: str
    groups: tuple[str, ...] = ()
    marker: str | None = None
    every_incident: bool = False


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure("all", "All incidents", every_incident=True),
        Measure("violence", "All violence",
                groups=("Violence with injury", "Violence without injury", POLICE_UK_VIOLENCE)),
        Measure("violence-with-injury", "Violence with injury", groups=("Violence with injury",)),
        Measure("violence-without-injury", "Violence without injury", groups=("Violence without injury",)),
        Measure("alcohol", "Alcohol-related (marker)", marker="alcohol"),
        Measure("drugs-marker", "Drug-related (marker)", marker="drugs"),
        Measure("domestic-abuse", "Domestic abuse (marker)", marker="domestic_abuse"),
        Measure("drug-offences", "All drug offences",
                groups=("Possession of drugs", "Trafficking of drugs", POLICE_UK_DRUGS)),
        Measure("possession", "Possession of drugs", groups=("Possession of drugs",)),
        Measure("trafficking", "Trafficking of drugs", groups=("Trafficking of drugs",)),
    )
}


def measure_names() -> list[str]:
    """The valid measure names, in the order menus should list them."""
    return list(MEASURES)


def get_measure(name: str) -> Measure:
    """The measure called ``name``; ``HarmInputError`` naming the valid ones otherwise."""
    try:
        return MEASURES[name]
    except (KeyError, TypeError):
        raise HarmInputError(
            f"unknown measure {name!r}", fix=f"Choose one of: {', '.join(MEASURES)}"
        ) from None


def measure_label(name: str) -> str:
    """The human label of a measure, e.g. ``"violence"`` -> ``"All violence"``."""
    return get_measure(name).label


def select(incidents: pd.DataFrame, measure: str) -> np.ndarray:
    """Boolean mask (numpy, one per incident row) of the incidents ``measure`` counts."""
    chosen = get_measure(measure)
    if chosen.every_incident:
        return np.ones(len(incidents), dtype=bool)
    column = chosen.marker or "offence_group"
    if column not in incidents.columns:
        raise HarmInputError(
            f"the incidents have no {column!r} column, needed for the measure {measure!r}",
            fix="Load the incidents through harm.incidents.conform",
        )
    if chosen.marker:
        return incidents[column].fillna(False).to_numpy(dtype=bool)
    return incidents[column].isin(chosen.groups).to_numpy(dtype=bool)
