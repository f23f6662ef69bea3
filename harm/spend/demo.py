"""Demonstration spend: synthetic, deterministic, calibrated to FACTS.md ("Commissioning and spend").

Financial years 2010/11 to 2019/20, the years of the demo incidents. What is taken from the
source papers (and must stay exactly so — ``tests/test_spend.py`` checks it):

- 2019/20 PCC grants: the 2019–21 substance-misuse commissioning framework line by line
  (:data:`harm.spend.framework.PCC_FRAMEWORK_2019_21`), the three "to be confirmed" lines
  with no amount;
- 2018/19 Public Health Grant (PHG) shares spent on drug and alcohol: Herefordshire 18%,
  Shropshire 28.5%, Telford and Wrekin 18.5%, and Worcestershire's £3,984,000 of
  £29,129,000 (13.7%, which the paper rounds to 14%);
- Worcestershire 2019/20: drug and alcohol contract £3,798,000 (plus the PCC's £106,000 DIP
  grant), domestic abuse contract £417,000, community-safety staffing £154,076, Trading
  Standards £250,000.

Everything else is invented to make a consistent series: PHG allocations of the other
authorities, shares in other years (drifting down 2% a year towards 2018/19, then the 2019/20
cut), Warwickshire's share (16%), Home Office DIP grants before 2013/14, the Community
Safety Fund year 2013/14, the PCC's DIP grants 2014/15–2018/19 at their 2019/20 level, the
Warwickshire PCC's DIP grant, and small community-safety grants to every CSP.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from harm.spend import table as st
from harm.spend.framework import PCC_FRAMEWORK_2019_21
from harm.spend.geography import area_names, population

YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2010, 2020)]
PHG_FIRST_YEAR = 2013  # public health moved to local authorities in April 2013
PCC_GRANT_FIRST_YEAR = 2014  # the Community Safety Fund went into the police grant from 2014/15
FACTS_YEAR = "2018/19"

#: 2018/19 PHG allocation (£). Worcestershire's is the paper's; the others are synthetic.
PHG_ALLOCATION_2018 = {
    "Herefordshire": 8_845_000, "Shropshire": 12_226_000, "Telford and Wrekin": 13_050_000,
    "Worcestershire": 29_129_000, "Warwickshire": 23_460_000,
}
#: Allocation in each year relative to 2018/19 (synthetic: rises to 2015/16, then cuts).
PHG_ALLOCATION_INDEX = {2013: 0.985, 2014: 1.010, 2015: 1.060, 2016: 1.045, 2017: 1.020, 2018: 1.0, 2019: 0.975}
#: 2018/19 share of the PHG spent on drug and alcohol (FACTS.md; Warwickshire synthetic).
PHG_SHARE_2018 = {"Herefordshire": 0.18, "Shropshire": 0.285, "Telford and Wrekin": 0.185,
                  "Worcestershire": 3_984_000 / 29_129_000, "Warwickshire": 0.16}
PHG_SHARE_PUBLISHED_2018 = {"Herefordshire": "18%", "Shropshire": "28.5%", "Telford and Wrekin": "18.5%",
                            "Worcestershire": "14%"}
SHARE_DRIFT = 0.02  # shares were 2% higher (relative) for every year before 2018/19
SHARE_2019_CUT = 0.97
WORCESTERSHIRE_2019 = {  # 001: PH community-safety related expenditure 2019/20
    ("drug and alcohol treatment contract", "drug and alcohol treatment"): 3_798_000,
    ("domestic abuse contract", "domestic abuse"): 417_000,
    ("community safety staffing", "community safety"): 154_076,
    ("Trading Standards", "community safety"): 250_000,
}
#: Synthetic multi-year treatment contracts (start, end) per authority, from 2013/14.
TREATMENT_CONTRACTS = {
    "Herefordshire": (("2013-04-01", "2017-03-31"), ("2017-04-01", "2022-03-31")),
    "Shropshire": (("2013-04-01", "2018-03-31"), ("2018-04-01", "2021-03-31")),
    "Telford and Wrekin": (("2013-04-01", "2015-03-31"), ("2015-04-01", "2025-03-31")),  # "full provision until 2025"
    "Worcestershire": (("2013-04-01", "2016-03-31"), ("2016-04-01", "2021-03-31")),
    "Warwickshire": (("2013-04-01", "2017-03-31"), ("2017-04-01", "2023-03-31")),
}
TREATMENT_PROVIDER = "integrated substance misuse service"
PRE_PHG_TREATMENT_FACTOR = 1.04  # pooled treatment budget before 2013/14, relative to 2013/14 PHG spend
HOME_OFFICE_DIP_FACTOR = {2010: 2.2, 2011: 1.8, 2012: 1.4, 2013: 1.0}
WARWICKSHIRE_DIP = 150_000  # synthetic PCC grant, 2014/15 onwards
CSP_GRANT_PER_HEAD = 0.10  # synthetic PCC community-safety grant to each CSP, £ per resident


def _row(year, area, funder, programme, category, amount, **extra) -> dict:
    return {"year": year, "area": area, "funder": funder, "programme": programme, "category": category,
            "amount": amount, "amount_status": st.CONFIRMED if amount is not None else st.TO_BE_CONFIRMED,
            "provider": extra.get("provider", ""), "contract_start": extra.get("contract_start"),
            "contract_end": extra.get("contract_end", st.fy_end(year)), "outcome": extra.get("outcome", ""),
            "note": extra.get("note", "")}


def phg_allocation(area: str, start_year: int) -> float:
    return float(round(PHG_ALLOCATION_2018[area] * PHG_ALLOCATION_INDEX[start_year]))


def phg_drug_alcohol(area: str, start_year: int) -> float:
    """The demo's PHG drug and alcohol spend of ``area`` in the year starting April ``start_year``."""
    if area == "Worcestershire" and start_year == 2018:
        return 3_984_000.0
    if area == "Worcestershire" and start_year == 2019:
        return 3_798_000.0
    share = PHG_SHARE_2018[area]
    if start_year < 2018:
        share *= 1 + SHARE_DRIFT * (2018 - start_year)
    elif start_year == 2019:
        share *= SHARE_2019_CUT
    return float(round(share * phg_allocation(area, start_year)))


def _treatment_rows(year: str, start: int, area: str) -> list[dict]:
    outcome = "successful completions"
    if start >= PHG_FIRST_YEAR:
        begin, end = next((pd.Timestamp(a), pd.Timestamp(b)) for a, b in TREATMENT_CONTRACTS[area]
                          if pd.Timestamp(a) <= st.fy_start(year) <= pd.Timestamp(b))
        return [_row(year, area, "Public Health Grant", "drug and alcohol treatment contract",
                     "drug and alcohol treatment", phg_drug_alcohol(area, start), outcome=outcome,
                     provider=TREATMENT_PROVIDER, contract_start=begin, contract_end=end)]
    amount = round(phg_drug_alcohol(area, PHG_FIRST_YEAR) * PRE_PHG_TREATMENT_FACTOR)
    return [_row(year, area, "other", "pooled treatment budget (adults)", "drug and alcohol treatment",
                 float(amount), provider=TREATMENT_PROVIDER, outcome=outcome, contract_start=st.fy_start(year),
                 note="synthetic; funded through the National Treatment Agency before 2013/14")]


def _dip_rows(year: str, start: int) -> list[dict]:
    lines = [(r.area_la, r.amount, r.provider) for r in PCC_FRAMEWORK_2019_21 if r.programme == "drug intervention programme"]
    lines.append(("Warwickshire", WARWICKSHIRE_DIP, ""))
    out = []
    for area, amount, provider in lines:
        if start >= PCC_GRANT_FIRST_YEAR:
            funder, value, note = "PCC grant", amount, ""
        else:
            funder, value = "Home Office", round(amount * HOME_OFFICE_DIP_FACTOR[start])
            note = "Community Safety Fund via the PCC" if start == 2013 else "Home Office DIP grant"
        if start == 2019 and area != "Warwickshire":
            continue  # 2019/20 comes from the framework itself
        out.append(_row(year, area, funder, "drug intervention programme", "criminal justice substance misuse",
                        float(value), provider=provider, outcome="referrals into structured treatment",
                        contract_start=st.fy_start(year), note=note))
    return out


def _framework_rows() -> list[dict]:
    out = []
    for line in PCC_FRAMEWORK_2019_21:
        out.append(_row("2019/20", line.area_la, "PCC grant", line.programme, line.spend_category,
                        None if line.amount is None else float(line.amount), provider=line.provider,
                        contract_start=pd.Timestamp("2019-04-01") if line.amount is not None else None,
                        contract_end=line.contract_end, outcome=line.outcome, note=line.status_note))
    return out


def _csp_grant_rows(year: str, start: int) -> list[dict]:
    if start < PCC_GRANT_FIRST_YEAR:
        return []
    pop = population("csp")
    return [_row(year, csp, "PCC grant", "community safety grant", "community safety",
                 float(round(pop[csp] * CSP_GRANT_PER_HEAD, -2)), outcome="community safety priorities",
                 note="synthetic")
            for csp in area_names("csp")]


@lru_cache(maxsize=1)
def _demo_spend() -> pd.DataFrame:
    rows: list[dict] = []
    for year in YEARS:
        start = int(year[:4])
        for area in area_names("la"):
            rows += _treatment_rows(year, start, area)
        rows += _dip_rows(year, start)
        if PCC_GRANT_FIRST_YEAR <= start < 2019:
            rows.append(_row(year, "West Mercia", "PCC grant", "youth offending substance misuse",
                             "criminal justice substance misuse", 111_000.0, provider="YOS",
                             contract_start=st.fy_start(year), outcome="young people's substance misuse"))
        rows += _csp_grant_rows(year, start)
    rows += _framework_rows()
    for (programme, category), amount in WORCESTERSHIRE_2019.items():
        if programme != "drug and alcohol treatment contract":
            rows.append(_row("2019/20", "Worcestershire", "Public Health Grant", programme, category, float(amount)))
    frame = st.conform(pd.DataFrame(rows))
    return frame.sort_values(["year", "area", "funder", "programme"], kind="stable").reset_index(drop=True)


def demo_spend() -> pd.DataFrame:
    """The demo spend table (synthetic; see the module docstring for what is calibrated)."""
    return _demo_spend().copy()


def demo_phg_allocations() -> pd.DataFrame:
    """Demo Public Health Grant received: ``year, area, allocation`` (2013/14–2019/20)."""
    rows = [{"year": y, "area": a, "allocation": phg_allocation(a, int(y[:4]))}
            for y in YEARS if int(y[:4]) >= PHG_FIRST_YEAR for a in area_names("la")]
    return pd.DataFrame(rows).astype({"year": "string", "area": "string"})
