"""The local store: imported data sets and mapping profiles, in one folder that survives restarts.

Everything lives under ``harm.paths.store_dir()`` (``HARM_DATA_DIR``, default ``var/``)::

    datasets/<slug>/manifest.json      name, kind, provenance (files, SHA-256, imported at, counts)
    datasets/<slug>/incidents.parquet  kind "incidents": the canonical incident frame
    datasets/<slug>/boundaries.parquet kind "boundaries": GeoParquet, code/name/geometry, EPSG:27700
    datasets/<slug>/table.parquet      kinds "treatment", "testing", "spend": the rows as read
    datasets/<slug>/rejects.parquet    every row not loaded: file, row, column, value, reason
    mappings/<slug>.json               mapping profiles for force extracts

A data set is written to a temporary folder and moved into place, so a reader never sees half
of one. Names are the user's own text; the folder is a slug of it (``slugify``).
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from harm.errors import HarmInputError
from harm.io.result import REJECT_COLUMNS, empty_rejects
from harm.paths import store_dir

KINDS = ("incidents", "boundaries", "treatment", "testing", "spend")
DATA_FILES = {"incidents": "incidents.parquet", "boundaries": "boundaries.parquet"}
RESERVED = {"demo"}
MAX_NAME = 80
_lock = threading.Lock()


def now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def slugify(name: str) -> str:
    """The folder name for a data set name: lower case letters, digits and dashes."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", str(name).lower())).strip("-")[:60]


def check_name(name: str) -> str:
    """A usable data set name (trimmed), or a HarmInputError saying why not."""
    text = " ".join(str(name or "").split())
    if not text or not slugify(text):
        raise HarmInputError("a data set name needs at least one letter or digit",
                             fix="Give the data set a name, e.g. 'West Mercia street crime'.")
    if len(text) > MAX_NAME:
        raise HarmInputError(f"the data set name is longer than {MAX_NAME} characters", fix="Choose a shorter name.")
    if slugify(text) in RESERVED:
        raise HarmInputError(f"'{text}' is reserved for the demonstration data", fix="Choose another name.")
    return text


@dataclass
class DatasetInfo:
    """What the store knows about one data set (its manifest)."""

    name: str
    slug: str
    kind: str
    created_at: str
    updated_at: str
    version: str
    rows: int
    sources: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return datasets_dir() / self.slug

    @property
    def rows_read(self) -> int:
        return sum(int(s.get("rows_read", 0)) for s in self.sources)

    @property
    def rejected(self) -> int:
        return sum(int(s.get("rejected", 0)) for s in self.sources)

    @property
    def duplicates(self) -> int:
        return sum(int(s.get("duplicates", 0)) for s in self.sources)

    @property
    def key(self) -> str:
        """Changes whenever the data set does (for caches)."""
        return f"{self.slug}@{self.version}"

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("name", "slug", "kind", "created_at", "updated_at", "version", "rows",
                                               "sources", "notes", "details")}


def datasets_dir() -> Path:
    path = store_dir() / "datasets"
    path.mkdir(parents=True, exist_ok=True)
    return path


def mappings_dir() -> Path:
    path = store_dir() / "mappings"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- reading ----------------------------------------------------------------------------------

def _read_manifest(folder: Path) -> DatasetInfo | None:
    try:
        data = json.loads((folder / "manifest.json").read_text("utf-8"))
        return DatasetInfo(**{k: data[k] for k in ("name", "slug", "kind", "created_at", "updated_at", "version",
                                                    "rows")},
                           sources=list(data.get("sources", [])), notes=list(data.get("notes", [])),
                           details=dict(data.get("details", {})))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def list_datasets(kind: str | None = None) -> list[DatasetInfo]:
    """Every stored data set (of ``kind``), most recently updated first."""
    out = []
    for folder in datasets_dir().iterdir():
        if folder.is_dir() and not folder.name.startswith("."):
            info = _read_manifest(folder)
            if info is not None and (kind is None or info.kind == kind):
                out.append(info)
    return sorted(out, key=lambda i: i.updated_at, reverse=True)


def find_dataset(name: str, kind: str | None = None) -> DatasetInfo | None:
    """The data set called ``name`` (or with that slug), or None."""
    slug = slugify(name)
    if not slug:
        return None
    info = _read_manifest(datasets_dir() / slug)
    if info is None or (kind is not None and info.kind != kind):
        return None
    return info


def get_dataset(name: str, kind: str | None = None) -> DatasetInfo:
    info = find_dataset(name, kind)
    if info is None:
        stored = [d.name for d in list_datasets(kind)]
        what = f"{kind} data set" if kind else "data set"
        raise HarmInputError(f"there is no stored {what} called '{name}'",
                             fix=("Stored: " + ", ".join(stored) + ".") if stored else
                             "Import one first: python -m harm import FILE --name NAME.")
    return info


def load_incidents(name: str) -> pd.DataFrame:
    from harm.incidents import conform

    info = get_dataset(name, "incidents")
    return conform(pd.read_parquet(info.folder / DATA_FILES["incidents"]))


def load_incident_ids(name: str) -> pd.Index:
    info = get_dataset(name, "incidents")
    ids = pd.read_parquet(info.folder / DATA_FILES["incidents"], columns=["crime_id"])["crime_id"]
    return pd.Index(ids.astype("str"))


def load_boundaries(name: str):
    """A stored boundary set as an ``AreaSet`` (level ``custom``, no population)."""
    import geopandas as gpd

    from harm.areas import AreaSet

    info = get_dataset(name, "boundaries")
    areas = gpd.read_parquet(info.folder / DATA_FILES["boundaries"])
    return AreaSet("custom", areas[["code", "name", "geometry"]], None, f"Imported: {info.name}")


def load_table(name: str, kind: str | None = None) -> pd.DataFrame:
    info = get_dataset(name, kind)
    return pd.read_parquet(info.folder / "table.parquet")


def load_rejects(name: str) -> pd.DataFrame:
    info = get_dataset(name)
    path = info.folder / "rejects.parquet"
    if not path.exists():
        return empty_rejects()
    return pd.read_parquet(path)[REJECT_COLUMNS]


# --- writing ----------------------------------------------------------------------------------

def write_dataset(name: str, kind: str, data: pd.DataFrame, rejects: pd.DataFrame, *, sources: list[dict],
                  notes: list[str] | None = None, details: dict | None = None,
                  created_at: str | None = None, files: dict[tuple[str, str], bytes] | None = None
                  ) -> DatasetInfo:
    """Write (or overwrite) a data set in one step; returns its new manifest.

    ``files``: original files to keep beside the data ((sha256, file name) -> bytes), added to
    those the data set already keeps (see :func:`dataset_files`).
    """
    if kind not in KINDS:
        raise HarmInputError(f"unknown kind '{kind}'", fix=f"Use one of: {', '.join(KINDS)}.")
    name = check_name(name)
    slug = slugify(name)
    stamp = now()
    info = DatasetInfo(name=name, slug=slug, kind=kind, created_at=created_at or stamp, updated_at=stamp,
                       version=uuid.uuid4().hex[:12], rows=len(data), sources=sources, notes=list(notes or []),
                       details=dict(details or {}))
    with _lock:
        tmp = datasets_dir() / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            data.to_parquet(tmp / DATA_FILES.get(kind, "table.parquet"), index=False, compression="zstd")
            _rejects_for_parquet(rejects).to_parquet(tmp / "rejects.parquet", index=False, compression="zstd")
            (tmp / "manifest.json").write_text(json.dumps(info.to_dict(), indent=2, ensure_ascii=False), "utf-8")
            _keep_files(tmp, datasets_dir() / slug, files or {})
            _swap_into_place(tmp, datasets_dir() / slug)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return info


def _rejects_for_parquet(rejects: pd.DataFrame) -> pd.DataFrame:
    out = rejects[REJECT_COLUMNS].copy() if len(rejects) else empty_rejects()
    for column in ("file", "column", "value", "reason"):
        out[column] = out[column].astype("object").where(out[column].notna(), "").astype("str")
    out["row"] = pd.to_numeric(out["row"], errors="coerce").fillna(0).astype("int64")
    return out


def _keep_files(tmp: Path, target: Path, files: dict[str, bytes]) -> None:
    """Carry over the original files the data set keeps, and add ``files``."""
    if (target / "files").is_dir():
        shutil.copytree(target / "files", tmp / "files")
    for (sha256, name), data in files.items():
        folder = tmp / "files" / sha256[:16]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / _safe_file_name(name)).write_bytes(data)


def _safe_file_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", Path(str(name)).name).strip(" .") or "file"
    return stem[:120]


def dataset_files(name: str, kind: str | None = None) -> list[Path]:
    """The original files a data set keeps (treatment, testing and spend data sets), oldest first."""
    info = get_dataset(name, kind)
    folder = info.folder / "files"
    if not folder.is_dir():
        return []
    kept = {p.parent.name: p for p in folder.glob("*/*") if p.is_file()}
    ordered = [kept.pop(str(s.get("sha256", ""))[:16], None) for s in info.sources]
    return [p for p in ordered if p is not None] + sorted(kept.values())


KIND_WORDS = {"testing": "drug-testing"}


def dataset_names(kind: str) -> list[str]:
    """Names of the stored data sets of ``kind``, most recently updated first."""
    return [info.name for info in list_datasets(kind)]


def kept_files(name: str, kind: str) -> list[Path]:
    """The original files of the ``kind`` data set ``name``, to read with that kind's own reader.

    An unknown name, or a data set that keeps no files, is a ``HarmInputError`` saying what to do.
    """
    what = f"{KIND_WORDS.get(kind, kind)} data set"
    if find_dataset(name, kind) is None:
        stored = dataset_names(kind)
        raise HarmInputError(f"there is no stored {what} called '{name}'",
                             fix=("Choose one of: " + ", ".join(stored) + ".") if stored else
                             f"Import one first, on the Data page or with python -m harm import FILE --kind {kind} "
                             "--name NAME.")
    paths = dataset_files(name, kind)
    if not paths:
        raise HarmInputError(f"the {what} '{name}' keeps no files", fix=(
            f"Import its files again, on the Data page or with python -m harm import FILE --kind {kind} "
            f"--name '{name}' --replace."))
    return paths


def _swap_into_place(tmp: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".old-{uuid.uuid4().hex}")
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def delete_dataset(name: str) -> DatasetInfo:
    info = get_dataset(name)
    with _lock:
        trash = info.folder.with_name(f".old-{uuid.uuid4().hex}")
        info.folder.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)
    return info


# --- mapping profiles -------------------------------------------------------------------------

def save_mapping(profile) -> Path:
    """Save a ``harm.io.mapping.MappingProfile`` under its name (replacing one of the same name)."""
    profile.name = check_name(profile.name)
    profile.validate()
    path = mappings_dir() / f"{slugify(profile.name)}.json"
    tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
    tmp.write_text(profile.to_json(), "utf-8")
    tmp.replace(path)
    return path


def list_mappings() -> list[str]:
    names = []
    for path in sorted(mappings_dir().glob("*.json")):
        try:
            names.append(str(json.loads(path.read_text("utf-8"))["name"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return names


def load_mapping(name: str):
    """A saved mapping profile by name, or a profile JSON file by path."""
    from harm.io.mapping import MappingProfile

    path = Path(name)
    if path.suffix.lower() == ".json" and path.is_file():
        return MappingProfile.from_json(path.read_text("utf-8"), where=path.name)
    stored = mappings_dir() / f"{slugify(name)}.json"
    if not slugify(name) or not stored.is_file():
        saved = list_mappings()
        raise HarmInputError(f"there is no saved mapping called '{name}'",
                             fix=("Saved mappings: " + ", ".join(saved) + ".") if saved else
                             "Create one on the Data page (Import incidents), or give a mapping JSON file.")
    return MappingProfile.from_json(stored.read_text("utf-8"), where=f"mapping '{name}'")


def delete_mapping(name: str) -> None:
    path = mappings_dir() / f"{slugify(name)}.json"
    if not path.is_file():
        raise HarmInputError(f"there is no saved mapping called '{name}'")
    path.unlink()
