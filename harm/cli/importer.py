"""``python -m harm import FILE ...``: read files into the local store, with every row accounted for."""

from __future__ import annotations

import sys
from pathlib import Path

from harm.errors import HarmInputError
from harm.io.importer import TABLE_KINDS, FileInput, import_boundaries, import_incidents, import_table
from harm.tables import write_csv

KINDS = ("incidents", "boundaries", *TABLE_KINDS)
BOUNDARY_SUFFIXES = (".geojson", ".gpkg", ".zip", ".shp")


def register(sub):
    p = sub.add_parser(
        "import", help="import incident, boundary or other files into the local store",
        description="Reads data.police.uk street CSVs (detected automatically), the canonical incident CSV, "
                    "force extracts (CSV, XLSX, Parquet) through a saved --mapping, or a boundary file "
                    "(GeoJSON, GeoPackage, zipped shapefile), and keeps them as a named data set in the local "
                    "store (HARM_DATA_DIR). Prints one line: read N, loaded L, rejected R, duplicates D. "
                    "An existing --name gets the new rows added; rows already in it count as duplicates.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--kind", choices=KINDS,
                   help="what the files hold (default: boundaries for .geojson/.gpkg/.zip, else incidents)")
    p.add_argument("--mapping", metavar="NAME", help="saved mapping profile (or a profile .json) for force extracts")
    p.add_argument("--name", metavar="DATASET", help="data set name (default: from the files)")
    p.add_argument("--sheet", metavar="NAME",
                   help="incidents in XLSX workbooks: the sheet to read (default: the --mapping profile's sheet, "
                        "else the first sheet with data)")
    p.add_argument("--rejects", type=Path, metavar="FILE.csv",
                   help="write every row not loaded (file, row, column, value, reason) to this CSV")
    p.add_argument("--area-field", metavar="FIELD", help="boundaries: the field that names each area")
    p.add_argument("--code-field", metavar="FIELD", help="boundaries: the field that codes each area (optional)")
    p.add_argument("--replace", action="store_true", help="replace the data set instead of adding to it")
    p.add_argument("--quiet", action="store_true", help="no progress or notes on stderr")
    p.set_defaults(func=run)


def run(args) -> int:
    kind = args.kind or _guess_kind(args.files)
    inputs = [FileInput.from_path(f) for f in args.files]
    if args.sheet:
        if kind != "incidents":
            raise HarmInputError("--sheet is for incident workbooks", fix="Leave it out for other kinds of file.")
        for inp in inputs:
            inp.sheet = args.sheet
    progress = _progress_printer() if not args.quiet else (lambda f, m: None)
    try:
        report = _import(args, kind, inputs, progress)
    finally:
        _finish_progress()  # the error message (if any) starts on a line of its own
    if not args.quiet:
        if len(report.files) > 1:
            for f in report.files:
                print(f"{f.file}: {f.result.summary()}", file=sys.stderr)
        for note in report.notes:
            print(f"note: {note}", file=sys.stderr)
        print(f"stored as '{report.dataset.name}' ({report.dataset.kind}, {report.dataset.rows:,} rows)",
              file=sys.stderr)
    if args.rejects:
        write_csv(report.rejects, args.rejects)
    print(report.summary())
    return 0


def _import(args, kind: str, inputs: list[FileInput], progress):
    if kind == "incidents":
        from harm.store import load_mapping

        mapping = load_mapping(args.mapping) if args.mapping else None
        report = import_incidents(inputs, args.name, mapping, replace=args.replace, progress=progress)
    elif kind == "boundaries":
        if len(inputs) != 1:
            raise HarmInputError("import one boundary file at a time", fix="Run the command once per file.")
        report = import_boundaries(inputs[0], args.name, args.area_field, args.code_field)
    else:
        report = import_table(inputs, kind, args.name)
    return report


def _guess_kind(files) -> str:
    suffixes = {Path(f).suffix.lower() for f in files}
    if suffixes and suffixes <= set(BOUNDARY_SUFFIXES):
        return "boundaries"
    return "incidents"


_last = {"shown": -1}


def _progress_printer():
    tty = sys.stderr.isatty()

    def show(fraction: float, message: str) -> None:
        percent = int(fraction * 100)
        if percent == _last["shown"]:
            return
        _last["shown"] = percent
        if tty:  # a progress bar on a terminal; nothing in logs and pipes
            bar = "#" * (percent // 4)
            sys.stderr.write(f"\r[{bar:<25}] {percent:3d}% {message[:60]:<60}")
            sys.stderr.flush()

    return show


def _finish_progress() -> None:
    if sys.stderr.isatty() and _last["shown"] >= 0:
        sys.stderr.write("\n")
    _last["shown"] = -1
