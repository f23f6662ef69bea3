"""Small treatment, drug-testing and spend files in the formats the readers accept, and a store of
for the tests of stored data sets (with the ``store_with_demo`` fixture)."""

from __future__ import annotations


import pandas as pd

from harm.drugs.testing import REQUIRED as TESTING_COLUMNS

# The dashboard's annual treatment CSV: (area, opiate in treatment, opiate completions, all substances
# in treatment, all completions) for 2019/20, and England's opiate figures for the comparison.
TREATMENT_ROWS = [("Herefordshire", 400, 40, 600, 120), ("Shropshire", 500, 25, 800, 115),
                  ("Telford and Wrekin", 300, 30, 400, 80), ("Worcestershire", 900, 90, 1500, 390),
                  ("Warwickshire", 800, 60, 1300, 260)]
ENGLAND_OPIATE = (140000, 7000)
# Spend per authority in 2019/20 (drug and alcohol treatment).
SPEND = {"Herefordshire": 2_000_000, "Shropshire": 3_000_000, "Telford and Wrekin": 1_500_000,
         "Worcestershire": 5_000_000, "Warwickshire": 4_000_000}
# Drug testing per CSP (names only, no codes): (area, month, tests, opiates only, cocaine only, both,
# assessments required, attended, entered treatment).
TESTING_ROWS = [("North Worcestershire", "2017-04", 40, 6, 10, 4, 19, 15, 7),
                ("South Worcestershire", "2017-04", 50, 8, 12, 5, 24, 20, 9),
                ("Herefordshire", "2017-05", 30, 5, 7, 3, 14, 11, 5),
                ("Rugby", "2017-05", 20, 2, 6, 2, 9, 8, 5)]


def treatment_file() -> bytes:
    rows = [("la", area, "2019/20", substance, n, c) for area, on, oc, an, ac in TREATMENT_ROWS
            for substance, n, c in (("opiate", on, oc), ("all", an, ac))]
    rows.append(("england", "England", "2019/20", "opiate", *ENGLAND_OPIATE))
    frame = pd.DataFrame(rows, columns=["level", "area", "year", "substance", "in_treatment", "completions"])
    return frame.to_csv(index=False).encode()


def spend_file() -> bytes:
    frame = pd.DataFrame([{"year": "2019/20", "area": area, "funder": "Public Health Grant",
                           "programme": "drug and alcohol treatment contract", "category": "drug and alcohol treatment",
                           "amount": amount} for area, amount in SPEND.items()])
    return frame.to_csv(index=False).encode()


def drug_testing_file(rows=TESTING_ROWS) -> bytes:
    return pd.DataFrame(rows, columns=TESTING_COLUMNS).to_csv(index=False).encode()
