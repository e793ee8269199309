"""The enterprise list: all ids in pinyin order, rows built a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from liaison_app.domain.records import EnterpriseRecord
from liaison_app.ui.context import AppContext
from liaison_app.ui.sync.record_state import SyncMarks, header_tip, mark_data

PAGE = 100
Index = QModelIndex | QPersistentModelIndex


class EnterpriseTableModel(QAbstractTableModel):
    COLUMNS = ("name", "uscc", "district", "industry", "size", "open", "sync")
    SYNC_COLUMN = 6

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ids: list[str] = []
        self._pages: dict[int, dict[str, EnterpriseRecord]] = {}
        self._filters: dict[str, Any] = {}
        self.marks = SyncMarks(ctx, self)
        self.marks.changed.connect(self._on_marks_changed)

    def headers(self) -> tuple[str, ...]:
        from PySide6.QtCore import QCoreApplication

        return (
            QCoreApplication.translate("EnterpriseTableModel", "Name"),
            QCoreApplication.translate("EnterpriseTableModel", "USCC"),
            QCoreApplication.translate("EnterpriseTableModel", "District"),
            QCoreApplication.translate("EnterpriseTableModel", "Industry"),
            QCoreApplication.translate("EnterpriseTableModel", "Size"),
            QCoreApplication.translate("EnterpriseTableModel", "Open problems"),
            "",
        )

    def set_filters(self, **filters: Any) -> None:
        self._filters = {k: v for k, v in filters.items() if v}
        self.reload()

    def reload(self) -> None:
        rows = self._ctx.enterprise_names(**self._filters)  # pinyin order, as people look names up
        self.marks.forget()
        self.beginResetModel()
        self._ids = [r[0] for r in rows]
        self._pages.clear()
        self.endResetModel()

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, ident: str) -> int:
        try:
            return self._ids.index(ident)
        except ValueError:
            return -1

    def record(self, row: int) -> EnterpriseRecord | None:
        if not 0 <= row < len(self._ids):
            return None
        page = row // PAGE
        if page not in self._pages:
            ids = self._ids[page * PAGE : (page + 1) * PAGE]
            self._pages[page] = {r.id: r for r in self._ctx.store.quick.enterprise_summaries(ids)}
            self.marks.fetch(ids)
        return self._pages[page].get(self._ids[row])  # None if deleted meanwhile

    # Qt model interface
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return header_tip() if section == self.SYNC_COLUMN else None
        return None

    def _on_marks_changed(self) -> None:
        if self._ids:
            last = self.index(len(self._ids) - 1, self.SYNC_COLUMN)
            self.dataChanged.emit(self.index(0, self.SYNC_COLUMN), last)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self.id_at(index.row())
        if index.column() == self.SYNC_COLUMN:
            if self.record(index.row()) is None:  # reads the page (and its marks) first
                return None
            return mark_data(self.marks, self.id_at(index.row()), role)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 5:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        r = self.record(index.row())
        if r is None:
            return None
        labels = self._ctx.labels
        col = self.COLUMNS[index.column()]
        if col == "name":
            return r.name
        if col == "uscc":
            return r.uscc or ""
        if col == "district":
            return labels("districts", r.district_code)
        if col == "industry":
            return labels("industries", (r.industry_code or "")[:1]) if r.industry_code else ""
        if col == "size":
            return labels("size", r.size)
        return r.open_problems
