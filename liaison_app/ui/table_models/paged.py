"""A table model over rows read from SQL a page at a time, as the view scrolls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

R = TypeVar("R")
PAGE = 200
Index = QModelIndex | QPersistentModelIndex
# Loads rows [offset, offset+limit) for the current filters.
Loader = Callable[[int, int], list[Any]]


class PagedTableModel(QAbstractTableModel, Generic[R]):
    """Subclasses give ``columnCount``, ``headerData`` and ``data``; rows come from a loader."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []
        self._loader: Loader = lambda _o, _n: []
        self._exhausted = True

    def set_loader(self, loader: Loader) -> None:
        self.beginResetModel()
        self._loader = loader
        self._rows = loader(0, PAGE)
        self._exhausted = len(self._rows) < PAGE
        self.endResetModel()

    def reload(self) -> None:
        """Re-read as many rows as are shown now (after an edit), keeping the scroll depth."""
        shown = max(len(self._rows), PAGE)
        self.beginResetModel()
        self._rows = self._loader(0, shown)
        self._exhausted = len(self._rows) < shown
        self.endResetModel()

    def record(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, ident: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == ident), -1)  # type: ignore[attr-defined]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._exhausted:
            return
        more = self._loader(len(self._rows), PAGE)
        self._exhausted = len(more) < PAGE
        if more:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()
