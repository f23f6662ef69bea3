"""Names shared by the treatment data sets: substance groups, area levels, columns.

Treatment data come per area, financial year (``2016/17``) and substance group, either
quarterly (the demo data) or annual (NDTMS ViewIt, OHID Fingertips). Counts:

=====================  ==========================================================================
carried_over           in treatment at the start of the quarter (quarterly data only)
new_presentations      started treatment in the period (also: referrals, all sources)
in_treatment           in treatment at any time in the period (= carried_over + new_presentations)
exits                  left treatment in the period, for any reason
completions            *successful* completions: left free of dependence in the period and did not
                       re-present within 6 months (METHODS.md §6)
re_presentations       left free of dependence in the period but re-presented within 6 months
retained_12_weeks      of the exits, those who had been in treatment 12 weeks or more
waiting_over_3_weeks   of the new presentations, those who waited over 3 weeks for a first intervention
referrals_cjs          of the new presentations, those referred by the criminal justice system
completion_base        the denominator the source used for its completion rate (ViewIt: people in
                       treatment counted for the indicator); when absent, ``in_treatment``
=====================  ==========================================================================
"""

from __future__ import annotations

from harm.errors import HarmInputError

ALL = "all"
SUBSTANCES = ("opiate", "non-opiate", "alcohol", "non-opiate and alcohol")
SUBSTANCE_LABELS = {
    "opiate": "Opiate",
    "non-opiate": "Non-opiate only",
    "alcohol": "Alcohol only",
    "non-opiate and alcohol": "Non-opiate and alcohol",
    ALL: "All substances",
}
OCU = "opiate and/or crack"  # the group prevalence estimates are made for

LEVELS = ("la", "csp")
ENGLAND = "england"
LEVEL_LABELS = {"la": "Local authority (public health)", "csp": "Community Safety Partnership",
                ENGLAND: "England"}
ENGLAND_NAME = "England"
LEVEL_PLURALS = {"la": "public-health local authorities", "csp": "Community Safety Partnerships"}

KEYS = ["level", "area_code", "area", "year", "substance"]
QUARTER_KEYS = KEYS + ["quarter"]
COUNTS = ["in_treatment", "new_presentations", "exits", "completions", "re_presentations",
          "retained_12_weeks", "waiting_over_3_weeks", "referrals_cjs"]
QUARTERLY_COUNTS = ["carried_over"] + COUNTS
ANNUAL_COLUMNS = KEYS + COUNTS + ["completion_base"]
QUARTERLY_COLUMNS = QUARTER_KEYS + ["period"] + QUARTERLY_COUNTS

# Words for the comparisons of METHODS.md §6.
BETTER, SIMILAR, WORSE = "better", "similar", "worse"
HIGHER, LOWER = "higher", "lower"
NOT_COMPARED = "n/a"
SUPPRESSED_WORD = "suppressed"

_ALIASES = {
    "opiate": "opiate", "opiates": "opiate",
    "non-opiate": "non-opiate", "non-opiates": "non-opiate", "non-opiate only": "non-opiate",
    "non-opiates only": "non-opiate", "nonopiate": "non-opiate",
    "alcohol": "alcohol", "alcohol only": "alcohol",
    "non-opiate and alcohol": "non-opiate and alcohol", "non-opiate & alcohol": "non-opiate and alcohol",
    "alcohol & non-opiates": "non-opiate and alcohol", "alcohol and non-opiates": "non-opiate and alcohol",
    "non-opiates and alcohol": "non-opiate and alcohol", "alcohol & non-opiate": "non-opiate and alcohol",
    "all": ALL, "total": ALL, "all substances": ALL,
}


def substance_key(name: str, *, where: str = "substance") -> str:
    """The canonical substance group for a name as sources write it (``"Opiate"``, ``"OPIATES"``…)."""
    key = _ALIASES.get(" ".join(str(name).strip().lower().split()))
    if key is None:
        raise HarmInputError(
            f"unknown substance group {name!r}", where=where,
            fix=f"Use one of: {', '.join(SUBSTANCES + (ALL,))}")
    return key


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise HarmInputError(f"unknown treatment area level {level!r}", fix="Use la or csp")
    return level


def year_label(start_year: int) -> str:
    """``2016`` -> ``"2016/17"``."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def year_start(label: str) -> int:
    """``"2016/17"`` -> ``2016``."""
    return int(str(label)[:4])
