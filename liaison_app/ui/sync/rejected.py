"""Changes not accepted: what the server refused (or could not take), why, and what to do —
fix the record and send again, or give the change up."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from liaison_app.domain.records import Changes
from liaison_app.ui.context import AppContext
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.sync.conflicts import ENTITY_ZH

Index = QModelIndex | QPersistentModelIndex
OPS_ZH = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "restore": "恢复",
    "transition": "办理步骤",
    "resolve-conflict": "冲突处理",
}


class NotAcceptedTableModel(QAbstractTableModel):
    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        t = QCoreApplication.translate
        return (
            t("NotAcceptedTableModel", "Record"),
            t("NotAcceptedTableModel", "Change"),
            t("NotAcceptedTableModel", "Reason"),
        )[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        zh = self._ctx.labels.zh
        col = index.column()
        if col == 0:
            kind = ENTITY_ZH.get(r.entity, r.entity) if zh else r.entity
            return f"{kind} · {r.record or r.record_id}"
        if col == 1:
            return OPS_ZH.get(r.op, r.op) if zh else r.op
        return r.reason or ""


class NotAcceptedDialog(QDialog):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.model = NotAcceptedTableModel(ctx, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.resend = QPushButton()
        self.discard = QPushButton()
        self.close_button = QPushButton()
        self.resend.clicked.connect(self.resend_current)
        self.discard.clicked.connect(self.discard_current)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.resend)
        buttons.addWidget(self.discard)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.resize(860, 420)
        self.retranslate_ui()
        self.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Changes not accepted"))
        self.resend.setText(self.tr("&Send again"))
        self.discard.setText(self.tr("&Discard"))
        self.close_button.setText(self.tr("Close"))
        self.hint.setText(
            self.tr(
                "The server did not accept these changes. Fix the record (the reason says "
                "what is wrong) and send the change again, or discard it: the record then "
                "shows what the server holds."
            )
            if self.model.rows
            else self.tr("Every change was accepted.")
        )

    def reload(self) -> None:
        self.model.set_rows(self._ctx.store.sync.not_accepted())
        if self.model.rows:
            self.table.selectRow(0)
        self.retranslate_ui()
        self._enable()

    def current(self) -> Any:
        row = self.table.currentIndex().row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def _enable(self) -> None:
        has = self.current() is not None
        self.resend.setEnabled(has)
        self.discard.setEnabled(has)

    @classmethod
    def confirm_discard(cls, parent: QWidget) -> bool:
        """Tests replace this."""
        answer = QMessageBox.question(
            parent,
            parent.tr("Discard the change"),
            parent.tr("Give this change up? The record will show what the server holds."),
        )
        return answer == QMessageBox.StandardButton.Yes

    def resend_current(self) -> None:
        r = self.current()
        if r is None:
            return
        try:
            self._ctx.store.sync.resend(r.id)
        except Exception as exc:  # noqa: BLE001 - said in a dialog
            ErrorDialog.show_error(self, exc)
            return
        self._after(r)

    def discard_current(self) -> None:
        r = self.current()
        if r is None or not self.confirm_discard(self):
            return
        try:
            self._ctx.store.sync.discard(r.id)
        except Exception as exc:  # noqa: BLE001
            ErrorDialog.show_error(self, exc)
            return
        self._after(r)

    def _after(self, r: Any) -> None:
        self._ctx.events.emit_changes(Changes(frozenset({r.entity}), frozenset({r.record_id})))
        self.changed.emit()
        self.reload()
