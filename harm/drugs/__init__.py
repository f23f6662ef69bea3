"""Drugs on the police side: drug offences, the drugs interest marker, drug testing on arrest.

- :mod:`harm.drugs.offences` — possession (cannabis, other) and trafficking over time and by
  area, with the Performance page's significance tests.
- :mod:`harm.drugs.marker` — the marker's share of records, step-change detection
  (the October 2017 recording change).
- :mod:`harm.drugs.testing` — the testing-on-arrest funnel and positivity.
"""
