"""The PCC's 2019–21 substance-misuse commissioning framework, Public Health Grant shares, contracts.

The framework is reproduced line by line from the West Mercia PCC's drugs strategy
(``../shared/seeds/003_…txt``, FACTS.md "Commissioning and spend"). The paper states a
ring-fenced budget of **£371,377**; its six lines with amounts add up to **£381,377**
(£10,000 more), and three lines are "to be confirmed". Both totals are reported, with the
difference, rather than one being forced to match the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from harm.errors import HarmInputError
from harm.spend import table as st

PUBLISHED_TOTAL_2019_21 = 371_377
FRAMEWORK_SOURCE = ("West Mercia PCC, 'Tackling Drug Abuse in West Mercia' drugs strategy (2019): "
                    "2019–21 substance misuse commissioning intention framework")


@dataclass(frozen=True)
class FrameworkLine:
    """One line of the framework as published, and how it enters the spend table."""

    published_amount: str  # "£30,377" or "TBC", as printed
    published_category: str  # "Offender" or "Offender/pre-offence", as printed
    activity: str  # as printed
    provider: str
    published_area: str
    published_end: str  # "2020", "2020 proposed", "2019 proposed", as printed
    output: str  # abridged from the paper
    programme: str  # the spend table's programme
    spend_category: str  # the spend table's category
    area_la: str  # the spend table's area
    outcome: str

    @property
    def amount(self) -> int | None:
        text = self.published_amount.replace("£", "").replace(",", "")
        return int(text) if text.isdigit() else None

    @property
    def contract_end(self) -> pd.Timestamp | None:
        # the paper prints "2020"; the PCC committed to fund the DIPs "until 1 April 2020",
        # so a 2020 end is read as the end of 2019/20. A "2019 proposed" line has no contract yet.
        return pd.Timestamp("2020-03-31") if self.published_end.startswith("2020") else None

    @property
    def status_note(self) -> str:
        if self.amount is None:
            return f"amount to be confirmed; {self.published_end}"
        return self.published_end if "proposed" in self.published_end else ""


_DIP_OUTPUT = ("drug test on arrest; cell sweeps and brief interventions; voluntary assessments; "
               "referrals into structured treatment")
_TBD = "outcomes to be defined"

PCC_FRAMEWORK_2019_21 = (
    FrameworkLine("£30,377", "Offender", "Drug intervention programme - Herefordshire",
                  "Addaction (via Herefordshire Council)", "Herefordshire", "2020", _DIP_OUTPUT,
                  "drug intervention programme", "criminal justice substance misuse", "Herefordshire",
                  "referrals into structured treatment"),
    FrameworkLine("£106,000", "Offender", "Drug intervention programme - Worcestershire",
                  "Swanswell (via Worcestershire County Council)", "Worcestershire", "2020", _DIP_OUTPUT,
                  "drug intervention programme", "criminal justice substance misuse", "Worcestershire",
                  "referrals into structured treatment"),
    FrameworkLine("£60,000", "Offender", "Drug intervention programme - Telford",
                  "STARS (via Telford Borough Council)", "Telford & Wrekin", "2020", _DIP_OUTPUT,
                  "drug intervention programme", "criminal justice substance misuse", "Telford and Wrekin",
                  "referrals into structured treatment"),
    FrameworkLine("£54,000", "Offender", "Drug intervention programme - Shropshire", "Addaction",
                  "Shropshire", "2020", _DIP_OUTPUT, "drug intervention programme",
                  "criminal justice substance misuse", "Shropshire", "referrals into structured treatment"),
    FrameworkLine("£111,000", "Offender", "Youth Offending Team Substance Misuse Programme", "YOS",
                  "West Mercia", "2020", "substance misuse programme for young people who offend",
                  "youth offending substance misuse", "criminal justice substance misuse", "West Mercia",
                  "young people's substance misuse"),
    FrameworkLine("£20,000", "Offender/pre-offence", "Communication strategy and campaign(s)",
                  "OPCC/Force Comms", "West Mercia", "2020 proposed",
                  "a communication strategy informing young people, vulnerable groups and employers of "
                  "the impacts of substance misuse", "communications campaign", "prevention and education",
                  "West Mercia", "awareness of the impacts of substance misuse"),
    FrameworkLine("TBC", "Offender", "Drug education programme for first offence", "TBC", "West Mercia",
                  "2019 proposed", "drug education for first low-level offences as a pathway out of the "
                  "criminal justice system; " + _TBD, "drug education for first offence",
                  "prevention and education", "West Mercia", _TBD),
    FrameworkLine("TBC", "Offender", "Opioid Naloxone programme for first responders", "TBC", "West Mercia",
                  "2019 proposed", "Naloxone provision for first responders; " + _TBD,
                  "Naloxone for first responders", "harm reduction", "West Mercia", _TBD),
    FrameworkLine("TBC", "Offender", "Liaison and diversion", "TBC", "West Mercia", "2019 proposed",
                  "work with NHS England to roll out liaison and diversion across West Mercia; " + _TBD,
                  "liaison and diversion", "criminal justice substance misuse", "West Mercia", _TBD),
)


def pcc_framework() -> pd.DataFrame:
    """The 2019–21 framework as published, one row per line (amount blank where "TBC")."""
    return pd.DataFrame({
        "resources": [line.published_amount for line in PCC_FRAMEWORK_2019_21],
        "amount": pd.array([line.amount for line in PCC_FRAMEWORK_2019_21], dtype="Int64"),
        "category": [line.published_category for line in PCC_FRAMEWORK_2019_21],
        "activity": [line.activity for line in PCC_FRAMEWORK_2019_21],
        "provider": [line.provider for line in PCC_FRAMEWORK_2019_21],
        "area": [line.published_area for line in PCC_FRAMEWORK_2019_21],
        "contract_end": [line.published_end for line in PCC_FRAMEWORK_2019_21],
        "output": [line.output for line in PCC_FRAMEWORK_2019_21],
    })


def framework_totals(framework: pd.DataFrame | None = None) -> dict:
    """Published budget, the sum of the lines with amounts, the difference, and the TBC lines."""
    framework = pcc_framework() if framework is None else framework
    lines_total = int(framework["amount"].sum())
    return {
        "published_total": PUBLISHED_TOTAL_2019_21,
        "lines_total": lines_total,
        "difference": lines_total - PUBLISHED_TOTAL_2019_21,
        "lines": len(framework),
        "lines_with_amount": int(framework["amount"].notna().sum()),
        "lines_to_be_confirmed": int(framework["amount"].isna().sum()),
    }


# --- Public Health Grant share ----------------------------------------------------------------

def phg_shares(spend: pd.DataFrame, allocations: pd.DataFrame) -> pd.DataFrame:
    """Share of each authority's Public Health Grant spent on drug and alcohol, per year.

    ``share = PHG-funded spend in the drug and alcohol categories / PHG received``; spend
    recorded for a CSP counts towards its local authority. Columns ``year, area, allocation,
    drug_alcohol_spend, share`` (share as a fraction); only years and authorities with an
    allocation appear.
    """
    from harm.spend.outcomes import attribute_spend

    phg = spend[(spend["funder"] == "Public Health Grant") & st.is_drug_and_alcohol(spend)]
    attributed = attribute_spend(phg, "la")
    by_area = attributed.groupby(["year", "area"], as_index=False)["amount"].sum()
    out = allocations.astype({"year": "string", "area": "string"}).merge(
        by_area.astype({"year": "string", "area": "string"}), on=["year", "area"], how="left")
    out = out.rename(columns={"amount": "drug_alcohol_spend"}).fillna({"drug_alcohol_spend": 0.0})
    out["share"] = out["drug_alcohol_spend"] / out["allocation"]
    return out.sort_values(["year", "area"]).reset_index(drop=True)[
        ["year", "area", "allocation", "drug_alcohol_spend", "share"]]


#: 2018/19 shares printed in the source paper (``003``; FACTS.md). Worcestershire's 14% is
#: £3,984,000 of £29,129,000 (13.7%) rounded.
PUBLISHED_PHG_SHARES_2018_19 = {"Herefordshire": (0.18, "18%"), "Shropshire": (0.285, "28.5%"),
                                "Telford and Wrekin": (0.185, "18.5%"), "Worcestershire": (0.14, "14%")}


def published_phg_shares() -> pd.DataFrame:
    """The published 2018/19 shares: ``year, area, share, label`` (label as printed, e.g. ``28.5%``)."""
    return pd.DataFrame([{"year": "2018/19", "area": area, "share": share, "label": label}
                         for area, (share, label) in PUBLISHED_PHG_SHARES_2018_19.items()])


# --- contracts ---------------------------------------------------------------------------------

CONTRACT_STATUSES = ("ended", "ends within 12 months", "runs beyond 12 months", "no end date")


def default_as_of(spend: pd.DataFrame, today: pd.Timestamp | None = None) -> pd.Timestamp:
    """The date contracts are judged from, unless the user sets one.

    Today, if today falls before the end of the latest financial year in the data; otherwise
    (data from past years, like the demo) 1 April of that latest year — so that the demo is
    seen as from 1 April 2019, when the framework's 2020 contract ends were 12 months away.
    """
    today = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today)
    if len(spend) == 0:
        return today
    latest = spend["year"].max()
    return today if today <= st.fy_end(latest) else st.fy_start(latest)


def contracts(spend: pd.DataFrame, as_of) -> pd.DataFrame:
    """One row per contract (same area, funder, programme, provider and end date) with its status.

    ``start`` is the earliest ``contract_start`` of its lines (1 April of the year where not
    given), ``end`` its ``contract_end``; ``amount`` sums the confirmed amounts of its years.
    ``status``: ``ended`` (end before ``as_of``), ``ends within 12 months`` (``as_of`` ≤ end <
    ``as_of`` + 12 months), ``runs beyond 12 months``, or ``no end date``.
    """
    try:
        as_of = pd.Timestamp(as_of).normalize()
    except (ValueError, TypeError) as exc:
        raise HarmInputError(f"as-of date {as_of!r} is not a date", fix="Write it as YYYY-MM-DD.") from exc
    columns = ["area", "funder", "programme", "provider", "category", "start", "end", "years",
               "amount", "amount_to_be_confirmed", "status", "days_to_end"]
    if len(spend) == 0:
        return pd.DataFrame(columns=columns)
    year_start = pd.to_datetime(spend["year"].map(st.fy_start).astype(object))
    frame = spend.assign(start=spend["contract_start"].fillna(year_start),
                         end_key=spend["contract_end"].dt.strftime("%Y-%m-%d").fillna(""))
    keys = ["area", "funder", "programme", "provider", "end_key"]
    grouped = frame.groupby(keys, sort=True, dropna=False)
    out = grouped.agg(category=("category", "first"), start=("start", "min"), end=("contract_end", "first"),
                      first_year=("year", "min"), last_year=("year", "max"),
                      amount=("amount", lambda a: a.sum(min_count=1)),
                      amount_to_be_confirmed=("amount_status", lambda s: bool((s == st.TO_BE_CONFIRMED).any())))
    out = out.reset_index().drop(columns="end_key")
    out["years"] = out["first_year"].where(out["first_year"] == out["last_year"],
                                           out["first_year"] + "–" + out["last_year"])
    horizon = as_of + pd.DateOffset(months=12)
    out["status"] = "runs beyond 12 months"
    out.loc[out["end"] < horizon, "status"] = "ends within 12 months"
    out.loc[out["end"] < as_of, "status"] = "ended"
    out.loc[out["end"].isna(), "status"] = "no end date"
    out["days_to_end"] = (out["end"] - as_of).dt.days.astype("Int64")
    return out[columns].sort_values(["end", "area", "programme"], na_position="last").reset_index(drop=True)


def live_contracts(contract_table: pd.DataFrame) -> pd.DataFrame:
    """The contracts still running at the as-of date (or starting later), with an end date."""
    return contract_table[contract_table["status"].isin(CONTRACT_STATUSES[1:3])].reset_index(drop=True)



def contracts_in_view(contract_table: pd.DataFrame, include_ended: bool = False) -> pd.DataFrame:
    """The contracts a timeline shows: running or starting after the as-of date, those with no end
    date (e.g. "to be confirmed" lines) and, with ``include_ended``, the ended ones too."""
    keep = list(CONTRACT_STATUSES) if include_ended else list(CONTRACT_STATUSES[1:])
    return contract_table[contract_table["status"].isin(keep)].reset_index(drop=True)
