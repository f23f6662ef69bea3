"""``python -m harm``: the command line. One module per command, each with ``register``."""

from __future__ import annotations

import argparse
import importlib
import sys

from harm.errors import HarmInputError

COMMAND_MODULES = ["counts", "demo", "geo", "performance", "hotspots", "temporal", "treatment", "testing", "importer", "datasets", "spend", "brief", "chart"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m harm", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"harm.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except HarmInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
