"""Commissioning: what is spent on drug and alcohol services, by whom, and against what outcomes.

- :mod:`harm.spend.table` — the spend table (columns, funders, categories);
  :func:`demo_spend`, :func:`demo_phg_allocations` — the synthetic demonstration set;
  :func:`read_spend_file` — a user's CSV or XLSX, with rejects.
- :mod:`harm.spend.framework` — the PCC's 2019–21 framework, Public Health Grant shares,
  contracts ending soon.
- :mod:`harm.spend.outcomes` — spend per head, per person in treatment, per completion
  (METHODS.md §7); :mod:`harm.spend.funnel` — funnel plot limits; :mod:`harm.spend.roi` —
  return on investment with its evidence.
- :mod:`harm.spend.charts` — the page's Altair charts as plain functions (no Streamlit), for
  the page, a briefing pack or ``python -m harm chart``.
"""

from harm.spend.demo import demo_phg_allocations, demo_spend
from harm.spend.framework import contracts, default_as_of, framework_totals, pcc_framework, phg_shares
from harm.spend.funnel import funnel_curves, funnel_limit, funnel_points, pooled_rate
from harm.spend.outcomes import (attribute_spend, drug_offence_rates, outcomes_output, spend_against_outcomes,
                                 spend_by)
from harm.spend.reader import read_allocation_file, read_spend_file
from harm.spend.roi import EVIDENCE, return_on_investment, what_if
from harm.spend.treatment_link import treatment_counts

__all__ = ["EVIDENCE", "attribute_spend", "contracts", "default_as_of", "demo_phg_allocations", "demo_spend",
           "drug_offence_rates", "framework_totals", "funnel_curves", "funnel_limit", "funnel_points",
           "outcomes_output", "pcc_framework", "phg_shares", "pooled_rate", "read_allocation_file",
           "read_spend_file", "return_on_investment", "spend_against_outcomes", "spend_by",
           "treatment_counts", "what_if"]
