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

from liaison_app.domain.messages import rejection_text, sentence
from liaison_app.domain.records import Changes
from liaison_app.ui.context import AppContext
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.screens import resize_to_fit
from liaison_app.ui.sync.conflicts import ENTITY_EN, ENTITY_ZH

Index = QModelIndex | QPersistentModelIndex
OPS_ZH = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "restore": "恢复",
    "transition": "办理步骤",
    "resolve-conflict": "冲突处理",
}
OPS_EN = {
    "create": "New",
    "update": "Edit",
    "delete": "Delete",
    "restore": "Restore",
    "transition": "Lifecycle step",
    "resolve-conflict": "Conflict settled",
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
        return (
            QCoreApplication.translate("NotAcceptedTableModel", "Record"),
            QCoreApplication.translate("NotAcceptedTableModel", "Change"),
            QCoreApplication.translate("NotAcceptedTableModel", "Reason"),
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
            kind = (ENTITY_ZH if zh else ENTITY_EN).get(r.entity, r.entity)
            return f"{kind} · {r.record or r.record_id}"
        if col == 1:
            return (OPS_ZH if zh else OPS_EN).get(r.op, r.op)
        why = rejection_text(r.reason, r.errors, r.state == "held", "zh_CN" if zh else "en")
        return why if zh else sentence(why)


class NotAcceptedDialog(QDialog):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.model = NotAcceptedTableModel(ctx, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        # Many at once (Ctrl+A, Shift+click): a folder that took someone's demo data may hold
        # hundreds of refusals of one kind.
        self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(110)
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
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        resize_to_fit(self, 900, 460)
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
                "what is wrong) and send the change again, or discard it: an edited record "
                "then shows what the server holds, a new record the server never accepted "
                "is removed from this computer."
            )
            if self.model.rows
            else self.tr("Every change was accepted.")
        )

    def reload(self) -> None:
        self.model.set_rows(self._ctx.store.sync.not_accepted())
        self.table.setColumnWidth(0, 330)
        if self.model.rows:
            self.table.selectRow(0)
        self.retranslate_ui()
        self._enable()

    def current(self) -> Any:
        row = self.table.currentIndex().row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def chosen(self) -> list[Any]:
        """The selected changes, in list order (the current one when none is selected)."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        picked = [self.model.rows[r] for r in rows if 0 <= r < len(self.model.rows)]
        if not picked and self.current() is not None:
            picked = [self.current()]
        return picked

    def _enable(self) -> None:
        has = bool(self.chosen())
        self.resend.setEnabled(has)
        self.discard.setEnabled(has)

    @classmethod
    def confirm_discard(cls, parent: QWidget, picked: list[Any]) -> bool:
        """Tests replace this."""
        title = QCoreApplication.translate("NotAcceptedDialog", "Discard the change")
        answer = QMessageBox.question(parent, title, discard_question(picked))
        return answer == QMessageBox.StandardButton.Yes

    def resend_current(self) -> None:
        self._each(self.chosen(), self._ctx.store.sync.resend)

    def discard_current(self) -> None:
        picked = self.chosen()
        if not picked or not self.confirm_discard(self, picked):
            return
        sync = self._ctx.store.sync
        ids = [r.id for r in picked]
        self.discard.setEnabled(False)
        self.resend.setEnabled(False)
        # On the background runner: hundreds of records are put back as the server holds them.
        self._ctx.tasks.run(
            lambda _s: sync.discard_many(ids),
            lambda _done: self._after(picked),
            self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        ErrorDialog.show_error(self, exc)
        self.reload()

    def _each(self, picked: list[Any], act: Any) -> None:
        done: list[Any] = []
        try:
            for r in picked:
                act(r.id)
                done.append(r)
        except Exception as exc:  # noqa: BLE001 - said in a dialog; what was done stays done
            ErrorDialog.show_error(self, exc)
        if done:
            self._after(done)

    def _after(self, done: list[Any]) -> None:
        self._ctx.events.emit_changes(
            Changes(
                frozenset(r.entity for r in done),
                frozenset(r.record_id for r in done),
            )
        )
        self.changed.emit()
        self.reload()


def discard_question(picked: list[Any]) -> str:
    """What giving these changes up does, said before it is done: an edit goes back to what
    the server holds, but a new record the server never accepted has no server copy to go
    back to — it is removed from this computer."""
    n = len(picked)
    new = sum(r.op == "create" for r in picked)
    if n == 1 and new:
        return QCoreApplication.translate(
            "NotAcceptedDialog",
            "Give this new record up? The server never accepted it, so it is removed from "
            "this computer.",
        )
    if n == 1:
        return QCoreApplication.translate(
            "NotAcceptedDialog", "Give this change up? The record will show what the server holds."
        )
    if new == n:
        return QCoreApplication.translate(
            "NotAcceptedDialog",
            "Give these %n new records up? The server never accepted them, so they are "
            "removed from this computer.",
            None,
            n,
        )
    if not new:
        return QCoreApplication.translate(
            "NotAcceptedDialog",
            "Give these %n changes up? The records will show what the server holds.",
            None,
            n,
        )
    return QCoreApplication.translate(
        "NotAcceptedDialog",
        "Give these %n changes up? The edited records will show what the server holds; %1",
        None,
        n,
    ).replace(
        "%1",
        QCoreApplication.translate(
            "NotAcceptedDialog",
            "%n new record(s) the server never accepted will be removed from this computer.",
            None,
            new,
        ),
    )
