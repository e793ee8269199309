"""Problem rows, fetched from SQL a page at a time as the view scrolls (150,000 rows fine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from liaison_app.domain.records import ProblemRecord
from liaison_app.ui.context import AppContext

PAGE = 200
Index = QModelIndex | QPersistentModelIndex
OVERDUE_BG = QColor("#fde2e1")

# Loads rows [offset, offset+limit) for the current filters.
Loader = Callable[[int, int], list[ProblemRecord]]


class ProblemTableModel(QAbstractTableModel):
    COLUMNS = (
        "number",
        "enterprise",
        "category",
        "urgency",
        "status",
        "department",
        "deadline",
        "raised",
    )

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._rows: list[ProblemRecord] = []
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

    def record(self, row: int) -> ProblemRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, ident: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == ident), -1)

    def headers(self) -> tuple[str, ...]:
        return (
            QCoreApplication.translate("ProblemTableModel", "Number"),
            QCoreApplication.translate("ProblemTableModel", "Enterprise"),
            QCoreApplication.translate("ProblemTableModel", "Category"),
            QCoreApplication.translate("ProblemTableModel", "Urgency"),
            QCoreApplication.translate("ProblemTableModel", "Status"),
            QCoreApplication.translate("ProblemTableModel", "Department"),
            QCoreApplication.translate("ProblemTableModel", "Deadline"),
            QCoreApplication.translate("ProblemTableModel", "Raised"),
        )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

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

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(OVERDUE_BG) if r.overdue else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.description
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        labels = self._ctx.labels
        col = self.COLUMNS[index.column()]
        if col == "number":
            return r.number
        if col == "enterprise":
            return r.enterprise_name
        if col == "category":
            return labels("categories", r.category)
        if col == "urgency":
            return labels("urgency", r.urgency)
        if col == "status":
            text = labels("status", r.status)
            return f"{text} ⚠" if r.overdue else text
        if col == "department":
            return labels("departments", r.lead_department)
        if col == "deadline":
            return r.deadline.isoformat() if r.deadline else ""
        return r.raised_on.isoformat()
