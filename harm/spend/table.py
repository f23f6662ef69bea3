"""The spend table: one row per funding line (a grant or contract amount for one financial year).

In memory (what every ``harm.spend`` function takes) a spend frame has:

==============  ==================================================================
year            financial year, ``"2019/20"``
area            local authority, CSP or force area (names of ``harm.spend.geography``)
funder          one of :data:`FUNDERS`
programme       what is bought, e.g. ``"drug intervention programme"``
provider        who delivers it (may be empty or ``"TBC"``)
category        one of :data:`CATEGORIES`; the first four are drug and alcohol spend
amount          pounds for that year, float; NaN when the amount is to be confirmed
amount_status   ``"confirmed"`` or ``"to be confirmed"``
contract_start  datetime64, NaT when not given (then taken as 1 April of ``year``)
contract_end    datetime64, NaT when not known
outcome         the outcome measure the line is meant to move (may be empty)
note            free text (e.g. "proposed")
==============  ==================================================================

The file form is described in ``data/DATA_DICTIONARY.md`` ("Spend"); :func:`template`
gives a filled-in example.
"""

from __future__ import annotations

import pandas as pd

COLUMNS = ["year", "area", "funder", "programme", "provider", "category", "amount", "amount_status",
           "contract_start", "contract_end", "outcome", "note"]

FUNDERS = ("Public Health Grant", "PCC grant", "Home Office", "other")
#: Spellings accepted on import for each funder (after lower-casing).
FUNDER_ALIASES = {
    "public health grant": "Public Health Grant", "phg": "Public Health Grant",
    "public health ring fenced grant": "Public Health Grant",
    "pcc grant": "PCC grant", "pcc": "PCC grant", "police and crime commissioner": "PCC grant",
    "home office": "Home Office", "community safety fund": "Home Office", "csf": "Home Office",
    "other": "other",
}

DRUG_AND_ALCOHOL = ("drug and alcohol treatment", "criminal justice substance misuse",
                    "prevention and education", "harm reduction")
CATEGORIES = (*DRUG_AND_ALCOHOL, "domestic abuse", "community safety", "other")
CATEGORY_ALIASES = {
    **{c: c for c in CATEGORIES},
    "treatment": "drug and alcohol treatment",
    "criminal justice": "criminal justice substance misuse",
    "prevention": "prevention and education", "education": "prevention and education",
}
#: What each category holds (for the template's notes and the page's help).
CATEGORY_HELP = {
    "drug and alcohol treatment": "structured treatment contracts (adults, young people)",
    "criminal justice substance misuse": "drug intervention programme, drug testing, liaison and "
                                         "diversion, youth offending substance misuse",
    "prevention and education": "campaigns, drug education, early intervention",
    "harm reduction": "Naloxone, needle exchange",
    "domestic abuse": "domestic abuse services (not drug and alcohol spend)",
    "community safety": "staffing, community safety grants, Trading Standards",
    "other": "anything else (not drug and alcohol spend)",
}
TBC_WORDS = ("tbc", "to be confirmed", "tbd")
CONFIRMED, TO_BE_CONFIRMED = "confirmed", "to be confirmed"


def empty() -> pd.DataFrame:
    return conform(pd.DataFrame({c: [] for c in COLUMNS}))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns of a spend frame, in order, with their types."""
    out = pd.DataFrame(index=frame.index)
    for column in COLUMNS:
        values = frame[column] if column in frame else pd.Series(pd.NA, index=frame.index)
        if column == "amount":
            out[column] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif column in ("contract_start", "contract_end"):
            out[column] = pd.to_datetime(values, errors="coerce")
        else:
            out[column] = values.astype("string").fillna("")
    return out.reset_index(drop=True)


def is_drug_and_alcohol(frame: pd.DataFrame) -> pd.Series:
    """True for rows whose category is drug and alcohol spend."""
    return frame["category"].isin(DRUG_AND_ALCOHOL)


def fy_start(year: str) -> pd.Timestamp:
    """1 April of a financial year written ``2019/20``."""
    return pd.Timestamp(int(str(year)[:4]), 4, 1)


def fy_end(year: str) -> pd.Timestamp:
    """31 March at the end of a financial year written ``2019/20``."""
    return pd.Timestamp(int(str(year)[:4]) + 1, 3, 31)
