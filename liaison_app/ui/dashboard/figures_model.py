"""A breakdown of the figures (by category, department…) as a table model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from liaison_app.domain.figures import Figures
from liaison_app.domain.labels import format_rate

Index = QModelIndex | QPersistentModelIndex


class FiguresTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Figures] = []

    def set_rows(self, rows: list[Figures]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            QCoreApplication.translate("FiguresTableModel", "Group"),
            QCoreApplication.translate("FiguresTableModel", "Received"),
            QCoreApplication.translate("FiguresTableModel", "Resolved"),
            QCoreApplication.translate("FiguresTableModel", "Resolution rate"),
            QCoreApplication.translate("FiguresTableModel", "Overdue"),
            QCoreApplication.translate("FiguresTableModel", "On-time rate"),
            QCoreApplication.translate("FiguresTableModel", "Satisfaction rate"),
        )[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        f = self.rows[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            f.label or f.key or "—",
            f"{f.received:,}",
            f"{f.resolved:,}",
            format_rate(f.resolution_rate),
            f"{f.overdue:,}",
            format_rate(f.on_time_rate),
            format_rate(f.satisfaction_rate),
        )[index.column()]
