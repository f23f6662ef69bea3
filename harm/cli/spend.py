"""``python -m harm spend``: drug and alcohol spend against treatment outcomes, per area and year."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from harm.cli.common import add_out_arg, files_from_args, treatment_from_args, write_csv
from harm.errors import HarmInputError
from harm.spend.geography import LEVELS
from harm.spend.outcomes import CAUTION, OUTCOME_COLUMNS, outcomes_output, spend_against_outcomes
from harm.spend.reader import parse_financial_year


def register(sub):
    p = sub.add_parser(
        "spend", help="drug and alcohol spend per head, per person in treatment and per successful completion",
        description="Writes " + ", ".join(OUTCOME_COLUMNS) + ". Spend is the confirmed amounts in the drug and "
                    "alcohol categories, attributed to the areas of --area-level (spend for a wider area is split "
                    "by 2011 population: spend_apportioned). cost_per_completion = spend / completions; it is "
                    "blank, with the reason in note, where completions are zero, suppressed (<5) or unknown. "
                    "Without --spend / --treatment the demo data (synthetic) are used.")
    add_spend_args(p)
    p.add_argument("--year", metavar="YYYY/YY", help="one financial year, e.g. 2018/19 (default: every year)")
    p.add_argument("--area-level", choices=LEVELS, default="la",
                   help="la: public-health local authorities (default); csp: Community Safety Partnerships")
    p.add_argument("--rejects", type=Path, metavar="FILE.csv",
                   help="also write the rows of --spend that were not loaded, with the reason for each")
    add_out_arg(p)
    p.set_defaults(func=run)


def add_spend_args(p) -> None:
    """``--spend`` and ``--treatment`` (files or stored data sets), shared with ``brief`` and ``chart``."""
    p.add_argument("--spend", nargs="+", type=Path, metavar="FILE|DATASET",
                   help="spend tables (CSV or XLSX, see data/DATA_DICTIONARY.md) or the names of stored spend data "
                        "sets; default: the demo spend (synthetic)")
    p.add_argument("--treatment", nargs="+", type=Path, metavar="FILE|DATASET",
                   help="OHID Fingertips / NDTMS ViewIt exports or the dashboard's treatment CSV, or the names of "
                        "stored treatment data sets; default: the demo treatment data (synthetic)")


def load_spend(paths: list[Path], rejects_out: Path | None = None) -> pd.DataFrame:
    """The spend rows of ``paths`` combined; each file's summary on stderr."""
    from harm.spend.reader import read_spend_file

    results = [read_spend_file(path) for path in paths]
    for path, result in zip(paths, results):
        print(f"{path}: {result.summary()}", file=sys.stderr)
        for note in result.notes:
            print(f"{path}: {note}", file=sys.stderr)
    if rejects_out is not None:
        write_csv(pd.concat([r.rejects for r in results], ignore_index=True), rejects_out)
    frames = [r.frame for r in results if r.loaded]
    if not frames:
        raise HarmInputError("no spend rows could be loaded from " + ", ".join(str(p) for p in paths),
                             fix="Write the rejects report with --rejects FILE.csv to see the reason for each row.")
    return pd.concat(frames, ignore_index=True)


def run(args) -> int:
    from harm.spend.demo import demo_spend
    from harm.spend.treatment_link import treatment_counts

    year = None
    if args.year:
        year = parse_financial_year(args.year)
        if year is None:
            raise HarmInputError(f"--year {args.year!r} is not a financial year", fix="Write it like 2018/19.")
    if args.rejects and not args.spend:
        raise HarmInputError("--rejects needs --spend", fix="Name the spend files whose rejects you want.")
    spend = load_spend(files_from_args(args.spend, "spend"), args.rejects) if args.spend else demo_spend()
    if year is not None and year not in set(spend["year"]):
        raise HarmInputError(f"the spend data have no rows for {year}",
                             fix="Choose one of: " + ", ".join(sorted(set(spend["year"]))) + ".")
    treatment = treatment_from_args(args.treatment)
    if args.spend and treatment.is_demo:
        print("note: outcomes are the demo treatment data (synthetic); give --treatment for real figures",
              file=sys.stderr)
    counts = treatment_counts(treatment, args.area_level)
    table = outcomes_output(spend_against_outcomes(spend, counts, args.area_level, year))
    write_csv(table, args.out)
    print(f"wrote {len(table)} rows to {args.out}")
    print(f"caution: {CAUTION}", file=sys.stderr)
    return 0
