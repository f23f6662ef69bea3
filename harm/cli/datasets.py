"""``python -m harm datasets``: list (or delete) the data sets kept in the local store."""

from __future__ import annotations

from pathlib import Path

from harm import store
from harm.paths import store_dir
from harm.tables import write_csv


def register(sub):
    p = sub.add_parser("datasets", help="list the stored data sets (and mapping profiles)",
                       description="Lists every data set in the local store (HARM_DATA_DIR): name, kind, rows, "
                                   "rejected and duplicate rows, files, last import. The demo data is always "
                                   "available as well and is not listed.")
    p.add_argument("--kind", choices=store.KINDS, help="only data sets of this kind")
    p.add_argument("--delete", metavar="NAME", help="delete the stored data set NAME")
    p.add_argument("--rejects", metavar="NAME", help="write the rejected rows of data set NAME to --out")
    p.add_argument("--out", type=Path, metavar="FILE.csv", help="where --rejects writes")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.delete:
        info = store.delete_dataset(args.delete)
        print(f"deleted '{info.name}' ({info.kind}, {info.rows:,} rows)")
        return 0
    if args.rejects:
        from harm.errors import HarmInputError

        if not args.out:
            raise HarmInputError("--rejects needs --out FILE.csv")
        rejects = store.load_rejects(args.rejects)
        write_csv(rejects, args.out)
        print(f"wrote {len(rejects):,} rejected rows to {args.out}")
        return 0
    datasets = store.list_datasets(args.kind)
    print(f"store: {store_dir()}")
    if not datasets:
        print("no stored data sets (import one with: python -m harm import FILE ...)")
    for info in datasets:
        files = len(info.sources)
        print(f"{info.name}\t{info.kind}\t{info.rows:,} rows\t{info.rejected:,} rejected\t"
              f"{info.duplicates:,} duplicates\t{files} file{'s' if files != 1 else ''}\t{info.updated_at}")
    mappings = store.list_mappings()
    if mappings and not args.kind:
        print("mapping profiles: " + ", ".join(mappings))
    return 0
