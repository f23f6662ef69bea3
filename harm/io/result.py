"""What a load returns: the rows loaded, the rows rejected with reasons, and the counts."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

REJECT_COLUMNS = ["file", "row", "column", "value", "reason"]


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in REJECT_COLUMNS})


@dataclass
class LoadResult:
    """``rows_read == loaded + rejected + duplicates`` always holds."""

    frame: pd.DataFrame
    rejects: pd.DataFrame = field(default_factory=empty_rejects)
    rows_read: int = 0
    duplicates: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return len(self.frame)

    @property
    def rejected(self) -> int:
        return int((self.rejects["reason"] != "duplicate crime_id").sum()) if len(self.rejects) else 0

    def summary(self) -> str:
        return (f"read {self.rows_read}, loaded {self.loaded}, "
                f"rejected {self.rejected}, duplicates {self.duplicates}")

    def check(self) -> None:
        assert self.rows_read == self.loaded + self.rejected + self.duplicates, self.summary()
