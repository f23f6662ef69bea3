"""Reading a user's file from disk, with one clear message when it cannot be read."""

from __future__ import annotations

from pathlib import Path

from harm.errors import HarmInputError


def read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise HarmInputError("file not found", where=str(path), fix="Check the path.") from exc
    except IsADirectoryError as exc:
        raise HarmInputError("this is a folder, not a file", where=str(path), fix="Name the files in it.") from exc
    except PermissionError as exc:
        raise HarmInputError("the file cannot be read (permission denied)", where=str(path)) from exc
