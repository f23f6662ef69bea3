"""Arguments shared by the commands: incident files, period, areas, output."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from harm import periods
from harm.areas import AreaSet, load_area_set
from harm.errors import HarmInputError
from harm.geo.levels import LEVELS
from harm.tables import write_csv

__all__ = ["add_incident_args", "add_area_args", "incidents_from_args", "area_set_from_args",
           "parse_period", "write_csv", "add_out_arg", "files_from_args", "treatment_from_args"]


def add_incident_args(parser) -> None:
    parser.add_argument("--incidents", nargs="+", type=Path, metavar="FILE|DATASET",
                        help="incident files (data.police.uk street CSV, canonical CSV, or a force extract with "
                             "--mapping) or the names of stored data sets (python -m harm datasets); "
                             "default: the demo data")
    parser.add_argument("--mapping", metavar="NAME",
                        help="saved mapping profile (or profile .json) for --incidents files that are force extracts")
    parser.add_argument("--period", metavar="YYYY-MM..YYYY-MM",
                        help="only incidents starting in these months (inclusive)")


def add_area_args(parser, default_level: str = "csp") -> None:
    parser.add_argument("--boundaries", type=Path, metavar="FILE|DATASET",
                        help="a boundary file (GeoJSON, GeoPackage, zipped shapefile) or the name of a stored "
                             "boundary set to count in")
    parser.add_argument("--area-field", metavar="NAME",
                        help="the field of a --boundaries file that names each area (not needed for a stored set)")
    parser.add_argument("--area-level", choices=LEVELS, default=default_level,
                        help=f"built-in area level (default {default_level})")


def add_out_arg(parser) -> None:
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.csv")


def parse_period(text: str | None) -> tuple[pd.Period | None, pd.Period | None]:
    """``--period`` as (first, last) months; either side may be left open (None); no text: (None, None)."""
    if not text or not text.strip():
        return None, None
    return periods.parse_period(text, where="--period", open_ended=True)


def incidents_from_args(args) -> pd.DataFrame:
    """The incidents named by ``--incidents`` (files or stored data sets; default the demo data), cut to ``--period``.

    A value that is an existing file is read (data.police.uk and canonical CSVs are detected;
    other extracts need ``--mapping``); otherwise it must name a stored incident data set.
    A ``crime_id`` already loaded from an earlier value counts as a duplicate.
    """
    from harm.io.load import filter_period

    if args.incidents:
        incidents = _incidents_from_values(args.incidents, getattr(args, "mapping", None))
    else:
        from harm.demo import load_demo_incidents

        incidents = load_demo_incidents()
    return filter_period(incidents, *parse_period(getattr(args, "period", None)))


def _incidents_from_values(values, mapping_name: str | None) -> pd.DataFrame:
    from harm import store
    from harm.incidents import conform
    from harm.io.importer import FileInput, read_incident_inputs

    mapping = store.load_mapping(mapping_name) if mapping_name else None
    frames, seen = [], pd.Index([], dtype="str")
    files = [v for v in values if Path(v).is_file()]
    for value in values:
        if Path(value).is_file():
            continue
        if Path(value).exists() or store.find_dataset(str(value), "incidents") is None:
            _no_such_input(value, "incidents")
        frame = store.load_incidents(str(value))
        frame = frame[~frame["crime_id"].astype("str").isin(seen)]
        seen = seen.append(pd.Index(frame["crime_id"].astype("str")))
        print(f"{value}: stored data set, {len(frame):,} incidents", file=sys.stderr)
        frames.append(frame)
    if files:
        loaded, reports = read_incident_inputs([FileInput.from_path(f) for f in files], mapping, known_ids=seen)
        for report in reports:
            print(f"{report.file}: {report.result.summary()}", file=sys.stderr)
        frames.append(loaded)
    frames = [f for f in frames if len(f)]
    if not frames:
        raise HarmInputError("no incident rows could be loaded from " + ", ".join(str(v) for v in values),
                             fix="See the rejects of each file: python -m harm import FILE --rejects rejects.csv.")
    return conform(pd.concat(frames, ignore_index=True)) if len(frames) > 1 else frames[0]


def _no_such_input(value, kind: str) -> None:
    from harm import store

    stored = [d.name for d in store.list_datasets(kind)]
    if Path(value).is_dir():
        raise HarmInputError("this is a folder, not a file", where=str(value), fix="Name the files in it.")
    raise HarmInputError(f"no such file, and no stored {kind} data set of that name", where=str(value),
                         fix=("Stored: " + ", ".join(stored) + "." if stored else
                              "Check the path, or import the file first: python -m harm import FILE --name NAME."))


def area_set_from_args(args) -> AreaSet:
    """``--boundaries`` (a file with ``--area-field``, or a stored boundary set), else ``--area-level``."""
    if args.boundaries:
        from harm import store

        value = args.boundaries
        if not Path(value).is_file() and store.find_dataset(str(value), "boundaries") is not None:
            return store.load_boundaries(str(value))
        if not Path(value).exists():
            _no_such_input(value, "boundaries")
        if not args.area_field:
            raise HarmInputError("--boundaries needs --area-field", fix="Name the field that holds each area's name.")
        return _read_boundary_file(Path(value), args.area_field)
    return load_area_set(args.area_level)


def _read_boundary_file(path: Path, name_field: str) -> AreaSet:
    from harm.io.boundaries import boundaries_from_path

    area_set, notes = boundaries_from_path(path, name_field)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    return area_set


def files_from_args(values, kind: str) -> list[Path]:
    """Files for ``--treatment`` / ``--testing`` / ``--spend`` values: paths, or stored data sets' files.

    A value that is an existing file is kept; one that names a stored data set of ``kind``
    stands for the original files imported into it (``python -m harm import --kind KIND``).
    """
    from harm import store

    out: list[Path] = []
    for value in values or []:
        if Path(value).is_file():
            out.append(Path(value))
        elif store.find_dataset(str(value), kind) is not None:
            out += store.dataset_files(str(value), kind)
        else:
            _no_such_input(value, kind)
    return out


def treatment_from_args(values):
    """The treatment data of ``--treatment`` values (files or stored data sets), else the demo data (synthetic)."""
    from harm.treatment import demo_data, read_treatment_files

    return read_treatment_files(files_from_args(values, "treatment")) if values else demo_data()
