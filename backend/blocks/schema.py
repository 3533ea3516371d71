"""Table schemas: column names and dtypes, known before running where blocks can infer them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of a table schema: its name and a pandas dtype name."""

    name: str
    dtype: str


@dataclass(frozen=True)
class TableSchema:
    """The columns of a table, in order, when they are known before running."""

    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        """Column names in order."""
        return [column.name for column in self.columns]

    def dtype_of(self, name: str) -> str | None:
        """The dtype of column `name`, or None when there is no such column."""
        return next((c.dtype for c in self.columns if c.name == name), None)

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, str]] | list[dict[str, str]]) -> TableSchema:
        """Build from ``[(name, dtype)]`` or ``[{"name": ..., "dtype": ...}]``."""
        columns = [
            Column(p["name"], p["dtype"]) if isinstance(p, dict) else Column(p[0], p[1])
            for p in pairs
        ]
        return cls(tuple(columns))
