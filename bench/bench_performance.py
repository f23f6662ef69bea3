"""Benchmark: the performance table for one as-of month from 1,000,000 incidents.

Synthetic, seeded data: 10 financial years (2010/11 to 2019/20), 7 areas (plus a few
incidents outside them or with no location). Times the median of several repeats of:

- ``table``: monthly counting for one measure + the performance table (target < 1 s);
- ``page``:  the same + six-month change + an XmR chart per area (what the page shows);
- ``all measures``: the table for each of the 10 measures;
- ``page, first view``: what the Performance page computes on its first view of a data set
  and level: monthly counts of every measure (``harm.performance_view.measure_counts``) and
  the exceptions report (10 measures x 8 series: tables, six-month changes, XmR charts);
- ``exceptions report``: that report alone, from the counts (a change of as-of month).

Run: ``python bench/bench_performance.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harm import incidents as inc  # noqa: E402
from harm import performance, spc  # noqa: E402
from harm import performance_view as view  # noqa: E402
from harm.measures import measure_names  # noqa: E402

N_INCIDENTS = 1_000_000
AREAS = ["Herefordshire", "North Warwickshire", "North Worcestershire", "Shropshire",
         "South Warwickshire", "South Worcestershire", "Telford & Wrekin"]
GROUPS = ["Violence with injury", "Violence without injury", "Possession of drugs", "Trafficking of drugs"]
FIRST, LAST = pd.Timestamp("2010-04-01"), pd.Timestamp("2020-04-01")
AS_OF = "2019-10"
REPEATS = 7


def synthetic_incidents(n: int, seed: int = 2014) -> tuple[pd.DataFrame, pd.Series]:
    """A seeded incident frame and a categorical area label per incident."""
    rng = np.random.default_rng(seed)
    span = (LAST - FIRST).value
    starts = FIRST.value + rng.integers(0, span, n, dtype=np.int64)
    occurred_from = pd.to_datetime(starts).floor("min")
    frame = pd.DataFrame({
        "crime_id": pd.array([f"S{i:07d}" for i in range(n)], dtype="string"),
        "occurred_from": occurred_from,
        "occurred_to": occurred_from + pd.to_timedelta(rng.integers(0, 240, n), unit="min"),
        "date_precision": pd.Categorical(np.full(n, "minute"), categories=list(inc.PRECISIONS)),
        "offence_group": pd.Categorical.from_codes(rng.choice(4, n, p=[0.45, 0.40, 0.11, 0.04]), categories=GROUPS),
        "offence": pd.Categorical(np.full(n, "synthetic")),
        "alcohol": rng.random(n) < 0.2,
        "drugs": rng.random(n) < 0.06,
        "domestic_abuse": rng.random(n) < 0.3,
        "x": rng.uniform(330_000, 440_000, n),
        "y": rng.uniform(230_000, 340_000, n),
        "lsoa_code": pd.Categorical(np.full(n, None, dtype=object)),
    })
    labels = AREAS + list(performance.UNASSIGNED_AREAS)
    weights = np.array([0.11, 0.15, 0.15, 0.14, 0.13, 0.15, 0.12, 0.03, 0.02])
    codes = rng.choice(len(labels), n, p=weights / weights.sum())
    return frame, pd.Series(pd.Categorical.from_codes(codes, categories=labels))


def median_seconds(job, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    t0 = time.perf_counter()
    incidents, labels = synthetic_incidents(N_INCIDENTS)
    coverage = performance.months_covered(incidents)
    print(f"generated {len(incidents):,} incidents, {len(AREAS)} areas, months "
          f"{coverage[0]}..{coverage[1]} in {time.perf_counter() - t0:.1f} s")

    def table(measure="violence"):
        counts = performance.monthly_counts(incidents, labels, measure=measure, months=coverage)
        return counts, performance.performance_table(counts, AS_OF, coverage=coverage)

    def page():
        counts, result = table()
        performance.six_month_change(counts, AS_OF, coverage=coverage)
        for area in AREAS:
            spc.xmr_chart(performance.area_series(counts, area), rebase_at="2017-10")
        return result

    def all_measures():
        return {m: table(m)[1] for m in measure_names()}

    def first_view():
        by_measure = view.measure_counts(incidents, labels, coverage=coverage)
        return view.exceptions_report(by_measure, AS_OF, coverage=coverage, rebase_at="2017-10")

    by_measure = view.measure_counts(incidents, labels, coverage=coverage)

    def exceptions_only():
        return view.exceptions_report(by_measure, AS_OF, coverage=coverage, rebase_at="2017-10")

    table()  # warm up imports and caches
    results = {
        "table (count one measure + performance table)": median_seconds(table),
        "page (table + six-month change + 7 XmR charts)": median_seconds(page),
        "all measures (10 tables, counted one at a time)": median_seconds(all_measures, repeats=3),
        "page, first view (counts of 10 measures + exceptions)": median_seconds(first_view, repeats=3),
        "exceptions report (from the counts)": median_seconds(exceptions_only, repeats=3),
    }
    print(f"as of {AS_OF}, median of {REPEATS} repeats (3 for the last three):")
    for name, seconds in results.items():
        print(f"  {name:<50} {seconds * 1000:8.1f} ms")
    verdict = "OK" if results["table (count one measure + performance table)"] < 1.0 else "SLOWER THAN TARGET"
    print(f"target: table under 1 s -> {verdict}")
    print(performance.format_performance_table(table()[1])[["area", "ytd", "ytd_last_year", "pct_change",
                                                            "change", "pct_vs_4yr_avg"]].to_string(index=False))


if __name__ == "__main__":
    main()
