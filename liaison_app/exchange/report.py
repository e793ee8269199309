"""What an import reports: per-row issues, the outcome, and the record of past imports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from liaison_app.domain.records import Changes


@dataclass(frozen=True)
class RowIssue:
    """One problem in a sheet: its row as Excel numbers it, its column letter (None for a
    problem of the whole file or row), and an English message (``field``/``code`` for UIs)."""

    row: int | None
    column: str | None
    message: str
    field: str | None = None
    code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "field": self.field,
            "code": self.code,
        }

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class ImportReport:
    """The outcome of an import (or of a dry run: the counts it would have).

    ``imported`` new enterprises, ``updated`` existing ones changed, ``unchanged`` matched with
    nothing to change, ``skipped`` rows left out (invalid rows with skip_invalid, matches with
    on_duplicate="skip"). ``refused``: nothing was written because of ``errors``. ``id`` names
    the import for undo; None when nothing was written.
    """

    file: str
    sheet: str | None
    dry_run: bool
    rows: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: tuple[RowIssue, ...] = ()
    warnings: tuple[RowIssue, ...] = ()
    id: str | None = None
    refused: bool = False
    cancelled: bool = False
    header_row: int | None = None
    mapping: dict[str, str | None] = field(default_factory=dict)
    encoding: str | None = None
    created_ids: tuple[str, ...] = ()
    updated_ids: tuple[str, ...] = ()
    changes: Changes = field(default_factory=Changes)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.cancelled

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "id": self.id,
            "refused": self.refused,
            "cancelled": self.cancelled,
            "header_row": self.header_row,
            "mapping": dict(self.mapping),
            "encoding": self.encoding,
        }


@dataclass(frozen=True)
class ImportBatchRecord:
    """One past import, as listed for undo."""

    id: str
    kind: str
    file_name: str
    sheet: str | None
    created_at: dt.datetime
    imported: int
    updated: int
    skipped: int
    undone_at: dt.datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "file_name": self.file_name,
            "sheet": self.sheet,
            "created_at": self.created_at.isoformat(),
            "imported": self.imported,
            "updated": self.updated,
            "skipped": self.skipped,
            "undone_at": self.undone_at.isoformat() if self.undone_at else None,
        }


@dataclass(frozen=True)
class UndoReport:
    """What undoing an import did: enterprises removed again, updates put back."""

    id: str
    removed: int
    restored: int
    kept: tuple[str, ...] = ()  # fields left as they are: changed since the import

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "removed": self.removed,
            "restored": self.restored,
            "kept": list(self.kept),
        }
