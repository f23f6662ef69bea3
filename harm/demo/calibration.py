"""Targets the demo data must hit exactly: table 1 of FACTS.md and the 2017/18 drug offences.

Table 1 gives, per local policing area, violence against the person year to date
(April–October 2014), the same months of 2013, and the change against the 4-year average.
The 4-year average (April–October of 2010/11 … 2013/14) is not printed; we pick the
whole-number 4-year total closest to ``ytd / (1 + v/100) × 4`` whose rounded percentage
equals the printed one, then split what is left after 2013/14 over the three earlier years.
"""

from __future__ import annotations

import math

# area: (YTD Apr–Oct 2014, same months 2013, "% change", "v 4-yr avg")
TABLE_1 = {
    "Herefordshire": (4729, 5230, -9.6, -17.3),
    "North Warwickshire": (9692, 10234, -5.3, -9.1),
    "North Worcestershire": (9213, 8527, 8.0, -11.5),
    "Shropshire": (7013, 6853, 2.3, -9.5),
    "South Warwickshire": (6629, 7352, -9.8, -18.2),
    "South Worcestershire": (9234, 8632, 7.0, -7.4),
    "Telford & Wrekin": (6011, 5769, 4.2, -5.0),
}
TABLE_1_AS_OF = "2014-10"

# West Mercia drug offences, 2017/18 (FACTS.md): 2,181 in all, 538 trafficking.
WEST_MERCIA_DRUG_OFFENCES_2017 = 2181
WEST_MERCIA_TRAFFICKING_2017 = 538
# Relative weight of the three years before last year, oldest first (a gentle fall to 2013).
EARLY_YEAR_SHAPE = (1.05, 1.02, 0.99)


def round_half_away(value: float, digits: int = 1) -> float:
    """Round as a panel table does: -9.55 -> -9.6 (not banker's rounding)."""
    scale = 10 ** digits
    return math.copysign(math.floor(abs(value) * scale + 0.5) / scale, value)


def four_year_total(ytd: int, printed_pct: float) -> int:
    """The 4-year YTD total whose average reproduces the printed "v 4-yr avg" percentage."""
    guess = round(4 * ytd / (1 + printed_pct / 100))
    for step in range(0, 200):
        for total in (guess - step, guess + step):
            if round_half_away((ytd / (total / 4) - 1) * 100) == printed_pct:
                return total
    raise ValueError(f"no 4-year total reproduces {printed_pct}% for YTD {ytd}")


def window_totals(area: str) -> dict[int, int]:
    """Violence in April–October of each financial year 2010..2014 (keyed by FY start year)."""
    ytd, last_year, _, v4 = TABLE_1[area]
    early = four_year_total(ytd, v4) - last_year
    shape = EARLY_YEAR_SHAPE
    first = round(early * shape[0] / sum(shape))
    second = round(early * shape[1] / sum(shape))
    return {2010: first, 2011: second, 2012: early - first - second, 2013: last_year, 2014: ytd}
