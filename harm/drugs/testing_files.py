"""Users' drug-testing data: several CSV files read as one, data sets kept on the Data page, and
the rows to show for the sidebar's area level.

Each file is read with :func:`harm.drugs.testing.read_testing_csv`; the result is a testing
frame as :mod:`harm.drugs.testing` describes, so every table and chart of that module works
on it.
"""

from __future__ import annotations

import pandas as pd

from harm.drugs.testing import LEVELS, at_level, read_testing_csv
from harm.errors import HarmInputError
from harm.geo.levels import LEVEL_LABELS as GEO_LEVEL_LABELS
from harm.treatment import areas as treatment_areas
from harm.treatment.schema import LEVEL_LABELS as TREATMENT_LEVEL_LABELS
from harm.treatment.schema import LEVEL_PLURALS as TREATMENT_LEVEL_PLURALS

KEYS = ["level", "area", "month"]
#: The testing level shown for each of the sidebar's area levels (districts within their public-health authority).
LEVEL_FOR_SIDEBAR = {"csp": "csp", "policing-area": "policing-area", "force": "force", "lad": "la"}


def level_label(level: str) -> str:
    """``la`` -> "Local authority (public health)", ``csp`` -> "Community Safety Partnership", ..."""
    return TREATMENT_LEVEL_LABELS.get(level) or GEO_LEVEL_LABELS.get(level, level)


def level_plural(level: str) -> str:
    """``la`` -> "public-health local authorities", ``force`` -> "police force areas", ..."""
    return TREATMENT_LEVEL_PLURALS.get(level) or f"{level_label(level).lower()}s"


def combine_testing(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Testing frames as one; an area and month given twice (a file read twice?) is an error."""
    if not frames:
        raise HarmInputError("no drug-testing files given", fix="Choose one or more drug-testing CSV files.")
    data = pd.concat(frames, ignore_index=True)
    repeated = data[data.duplicated(KEYS, keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        raise HarmInputError(f"{first['area']}, {first['month']} is given more than once",
                             fix="Keep one row per area and month (a file given twice?).")
    return data


def read_testing_files(sources: list, names: list[str] | None = None) -> pd.DataFrame:
    """Several drug-testing CSV files (paths or bytes) read and combined."""
    names = names or [None] * len(sources)
    return combine_testing([read_testing_csv(s, n) for s, n in zip(sources, names)])


def stored_testing_names() -> list[str]:
    """Names of the drug-testing data sets imported on the Data page (``python -m harm import --kind testing``)."""
    from harm import store

    return store.dataset_names("testing")


def read_stored_testing(name: str) -> pd.DataFrame:
    """A stored drug-testing data set: its kept files read again with :func:`read_testing_csv` and combined."""
    from harm import store

    return read_testing_files(store.kept_files(name, "testing"))


def data_level(testing: pd.DataFrame) -> str:
    """The one area level of the rows; rows that mix levels are an error (they would be counted twice)."""
    levels = sorted(set(testing["level"]))
    if len(levels) != 1:
        raise HarmInputError(f"the drug-testing data mix area levels ({', '.join(levels)})",
                             fix="Give one level per data set (the level column), e.g. every row per CSP.")
    return levels[0]


def shown_at(testing: pd.DataFrame, level: str) -> tuple[pd.DataFrame, str, str | None]:
    """The rows to show for the sidebar's ``level`` (one of :data:`~harm.drugs.testing.LEVELS`):
    ``(rows, their level, note)``.

    Rows at ``level`` are kept; CSP rows of the dashboard's CSPs are summed to coarser levels.
    Other rows are shown at their own level, with a note saying which area level to choose.
    """
    have = data_level(testing)
    if have == level:
        return testing.reset_index(drop=True), level, None
    if have == "csp" and level in LEVELS:
        codes = _csp_codes(testing)
        if codes.ne("").all():
            return at_level(testing.assign(area_code=codes.to_numpy()), level), level, None
        unknown = sorted(set(testing.loc[codes.eq("").to_numpy(), "area"]))
        why = (f"CSPs the dashboard does not know ({', '.join(unknown[:3])}{' ...' if len(unknown) > 3 else ''}) "
               "cannot be summed to larger areas")
    else:
        why = "they cannot be split into smaller areas or summed across these"
    sidebar = next(s for s, t in LEVEL_FOR_SIDEBAR.items() if t == have)
    note = (f"The drug-testing data are per {level_label(have).lower()}; {why}, so they are shown per "
            f"{level_label(have).lower()}. Choose the area level {GEO_LEVEL_LABELS[sidebar]} in the sidebar to "
            "match.")
    return testing.reset_index(drop=True), have, note


def _csp_codes(testing: pd.DataFrame) -> pd.Series:
    """Each row's CSP code: its own when it is one of the dashboard's CSPs, else found from its name ("" if not)."""
    lookup = treatment_areas.csp_lookup()
    known = set(lookup["csp_code"])
    by_name = {treatment_areas.normalise_name(n): c for n, c in zip(lookup["csp_name"], lookup["csp_code"])}
    return pd.Series([code if code in known else by_name.get(treatment_areas.normalise_name(area), "")
                      for code, area in zip(testing["area_code"], testing["area"])], index=testing.index)
