"""Problem rows, fetched from SQL a page at a time as the view scrolls (150,000 rows fine)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from liaison_app.domain.records import ProblemRecord
from liaison_app.ui.context import AppContext
from liaison_app.ui.sync.record_state import SyncMarks, header_tip, mark_data
from liaison_app.ui.table_models.paged import PAGE, Index, PagedTableModel

__all__ = ["PAGE", "ProblemTableModel"]

OVERDUE_BG = QColor("#fde2e1")


class ProblemTableModel(PagedTableModel[ProblemRecord]):
    COLUMNS = (
        "number",
        "enterprise",
        "category",
        "urgency",
        "status",
        "department",
        "deadline",
        "raised",
        "sync",
    )
    SYNC_COLUMN = 8
    # Follow-ups due add how late each one is (days overdue, days waiting, days left).
    DUE_COLUMNS = (COLUMNS[0], "days", *COLUMNS[1:])

    def __init__(self, ctx: AppContext, parent: Any = None, days: bool = False) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.columns = self.DUE_COLUMNS if days else self.COLUMNS
        self.SYNC_COLUMN = len(self.columns) - 1
        self.marks = SyncMarks(ctx, self)
        self.marks.changed.connect(self._on_marks_changed)

    def set_loader(self, loader: Any) -> None:
        self.marks.forget()
        super().set_loader(self.marks.wrap(loader))

    def reload(self) -> None:
        self.marks.forget()
        super().reload()

    def _on_marks_changed(self) -> None:
        if self._rows:
            last = self.index(len(self._rows) - 1, self.SYNC_COLUMN)
            self.dataChanged.emit(self.index(0, self.SYNC_COLUMN), last)

    def headers(self) -> tuple[str, ...]:
        names = {
            "number": QCoreApplication.translate("ProblemTableModel", "Number"),
            "enterprise": QCoreApplication.translate("ProblemTableModel", "Enterprise"),
            "category": QCoreApplication.translate("ProblemTableModel", "Category"),
            "urgency": QCoreApplication.translate("ProblemTableModel", "Urgency"),
            "status": QCoreApplication.translate("ProblemTableModel", "Status"),
            "department": QCoreApplication.translate("ProblemTableModel", "Department"),
            "deadline": QCoreApplication.translate("ProblemTableModel", "Deadline"),
            "days": QCoreApplication.translate("ProblemTableModel", "How late"),
            "raised": QCoreApplication.translate("ProblemTableModel", "Raised"),
            "sync": "",
        }
        return tuple(names[c] for c in self.columns)

    def days_text(self, r: ProblemRecord) -> str:
        """Days overdue, days left, or days waiting to be accepted (no deadline yet)."""
        today = self._ctx.store.clock.today()
        if r.deadline is not None:
            late = (today - r.deadline).days
            if late == 0:
                return QCoreApplication.translate("ProblemTableModel", "due today")
            if late > 0:
                text = (
                    QCoreApplication.translate("ProblemTableModel", "%1 day overdue")
                    if late == 1
                    else QCoreApplication.translate("ProblemTableModel", "%1 days overdue")
                )
            else:
                text = (
                    QCoreApplication.translate("ProblemTableModel", "due in %1 day")
                    if late == -1
                    else QCoreApplication.translate("ProblemTableModel", "due in %1 days")
                )
            return text.replace("%1", str(abs(late)))
        if r.status != "received":
            return ""
        waited = (today - r.raised_on).days
        text = (
            QCoreApplication.translate("ProblemTableModel", "waiting %1 day")
            if waited == 1
            else QCoreApplication.translate("ProblemTableModel", "waiting %1 days")
        )
        return text.replace("%1", str(waited))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return header_tip() if section == self.SYNC_COLUMN else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        if index.column() == self.SYNC_COLUMN and role != Qt.ItemDataRole.BackgroundRole:
            return mark_data(self.marks, r.id, role)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(OVERDUE_BG) if r.overdue else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.description
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        labels = self._ctx.labels
        col = self.columns[index.column()]
        if col == "number":
            return labels.number(r)
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
        if col == "days":
            return self.days_text(r)
        return r.raised_on.isoformat()
