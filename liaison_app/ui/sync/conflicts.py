"""The Conflicts view: two officers changed the same thing; keep mine, keep theirs, or edit.

A resolution is a change like any other: it shows at once here and syncs with the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
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
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from liaison_app.domain.dates import local_minute
from liaison_app.domain.messages import FIELD_VOCABULARY, field_name
from liaison_app.domain.records import Changes
from liaison_app.ui.context import AppContext
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.richtext import esc
from liaison_app.ui.screens import resize_to_fit
from liaison_app.ui.sync.choice import ChoiceDialog

Index = QModelIndex | QPersistentModelIndex
ENTITY_ZH = {"enterprise": "企业", "visit": "走访", "problem": "问题", "action": "办理记录"}
ENTITY_EN = {
    "enterprise": "Enterprise",
    "visit": "Visit",
    "problem": "Problem",
    "action": "Follow-up",
}
KIND_ZH = {
    "field": "同一字段",
    "deleted": "修改了已删除的记录",
    "duplicate": "疑似重复企业",
    "lifecycle": "办理步骤冲突",
}
KIND_EN = {
    "field": "Same field",
    "deleted": "Edit of a deleted record",
    "duplicate": "Possible duplicate",
    "lifecycle": "Lifecycle step",
}


def value_text(value: Any, zh: bool, name: Callable[[str], str] | None = None) -> str:
    """A field's value for people; ``name`` gives a code's label (a district, a category…)."""
    if value is None or value == "":
        return "（空）" if zh else "(empty)"
    if name is not None and isinstance(value, str):
        return name(value)
    if name is not None and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ("、" if zh else ", ").join(name(v) for v in value)
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class ConflictsTableModel(QAbstractTableModel):
    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        # (QCoreApplication.translate spelled out: lupdate does not follow an alias.)
        return (
            QCoreApplication.translate("ConflictsTableModel", "Record"),
            QCoreApplication.translate("ConflictsTableModel", "Conflict"),
            QCoreApplication.translate("ConflictsTableModel", "Field"),
            QCoreApplication.translate("ConflictsTableModel", "Mine"),
            QCoreApplication.translate("ConflictsTableModel", "Theirs"),
        )[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        c = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return c["id"]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        zh = self._ctx.labels.zh
        col = index.column()
        if col == 0:
            kind = (ENTITY_ZH if zh else ENTITY_EN).get(c["entity"], c["entity"])
            return f"{kind} · {c.get('record') or c['record_id']}"
        if col == 1:
            return (KIND_ZH if zh else KIND_EN).get(c["kind"], c["kind"])
        if col == 2:
            return field_name(c.get("field") or "", self._ctx.labels.translations.language)
        if c["kind"] == "duplicate":  # the twins by name, not by id
            return c.get("mine_name" if col == 3 else "theirs_name") or ""
        return value_text(c["mine"] if col == 3 else c["theirs"], zh, code_names(self._ctx, c))


def code_names(ctx: AppContext, c: dict[str, Any]) -> Callable[[str], str] | None:
    """Names for a coded field's values (a district's code reads as its name), else None."""
    vocabulary = FIELD_VOCABULARY.get(c.get("field") or "")
    if vocabulary is None or c["kind"] != "field":
        return None
    return lambda code: ctx.labels(vocabulary, code)


class ConflictsDialog(QDialog):
    resolved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.model = ConflictsTableModel(ctx, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setColumnWidth(0, 280)  # the record's name
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.empty = QLabel()
        self.keep_mine = QPushButton()
        self.keep_theirs = QPushButton()
        self.edit = QPushButton()
        self.merge_button = QPushButton()
        self.close_button = QPushButton()
        self.keep_mine.clicked.connect(lambda: self.resolve("mine"))
        self.keep_theirs.clicked.connect(lambda: self.resolve("theirs"))
        self.edit.clicked.connect(self.resolve_with_value)
        self.merge_button.clicked.connect(self.merge)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for b in (self.keep_mine, self.keep_theirs, self.edit, self.merge_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.detail, 1)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        resize_to_fit(self, 900, 560)
        self.retranslate_ui()
        self.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Conflicts"))
        self.keep_mine.setText(self.tr("Keep &mine"))
        self.keep_theirs.setText(self.tr("Keep &theirs"))
        self.edit.setText(self.tr("&Edit…"))
        self.merge_button.setText(self.tr("Mer&ge…"))
        self.close_button.setText(self.tr("Close"))
        self.empty.setText(self.tr("No open conflicts: everyone's changes agree."))
        self._show_current()

    def reload(self) -> None:
        rows = self._ctx.store.sync.conflicts()
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        if rows:
            self.table.selectRow(0)
        self._show_current()

    def current(self) -> dict[str, Any] | None:
        row = self.table.currentIndex().row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def _show_current(self) -> None:
        c = self.current()
        for b in (self.keep_mine, self.keep_theirs, self.edit):
            b.setEnabled(c is not None)
        duplicate = c is not None and c["kind"] == "duplicate"
        self.merge_button.setVisible(duplicate)
        self.merge_button.setEnabled(duplicate and bool(c and c.get("other_enterprise_id")))
        if duplicate:
            # Keeping both firms is "keep mine / keep theirs" (either: they stay as they are).
            self.keep_mine.setText(self.tr("Keep &both"))
            self.keep_theirs.setVisible(False)
        else:
            self.keep_mine.setText(self.tr("Keep &mine"))
            self.keep_theirs.setVisible(True)
        if c is None:
            self.detail.clear()
            return
        zh = self._ctx.labels.zh
        names = code_names(self._ctx, c)
        self.edit.setEnabled(c["kind"] == "field")
        self.keep_mine.setEnabled(c["kind"] != "lifecycle")
        # (Each tr() on a line of its own: lupdate finds none inside an f-string.)
        base_caption = self.tr("Base (before both changes)")
        mine_caption = self.tr("Mine")
        theirs_caption = self.tr("Theirs")
        colon = "：" if zh else ": "  # (a full-width colon after Chinese)
        if c["kind"] == "duplicate":
            parts = self._twins(c)
        else:
            parts = [
                f"<p><b>{esc(base_caption)}</b>{colon}{esc(value_text(c.get('base'), zh, names))}</p>",
                f"<p><b>{esc(mine_caption)}</b>{colon}{esc(value_text(c.get('mine'), zh, names))}</p>",
                f"<p><b>{esc(theirs_caption)}</b>{colon}"
                + esc(value_text(c.get("theirs"), zh, names))
                + (f" — {esc(c['theirs_by'])}" if c.get("theirs_by") else "")
                + (f" · {esc(local_minute(c['at']))}" if c.get("at") else "")
                + "</p>",
            ]
        if c["kind"] == "lifecycle" and c["entity"] == "problem":
            parts.append(self._history(c["record_id"]))
        self.detail.setHtml("".join(parts))

    def _twins(self, c: dict[str, Any]) -> list[str]:
        """A duplicate: the two firms side by side (name, district, what each holds)."""
        explain = self.tr(
            "Two enterprises look like one firm (same USCC, or same name and district). "
            "Keep both, or merge them: the visits and problems of one move onto the other."
        )
        parts = [f"<p>{esc(explain)}</p>"]
        a, b = c["record_id"], c.get("other_enterprise_id")
        if not b:
            return parts
        try:
            # merge_plan(x, y) counts what y holds (what would move onto x).
            holds = {b: self._ctx.store.enterprises.merge_plan(a, b)}
            holds[a] = self._ctx.store.enterprises.merge_plan(b, a)
        except Exception:  # noqa: BLE001 - a twin no longer in this folder
            return parts
        labels = self._ctx.labels
        rows = []
        for ident in (a, b):
            p = holds[ident]
            held = (
                self.tr("%1, %2")
                .replace("%1", self.tr("%n visit(s)", "", len(p.visits)))
                .replace("%2", self.tr("%n problem(s)", "", len(p.problems)))
            )
            rows.append(
                f"<tr><td><b>{esc(p.drop_name)}</b></td>"
                f"<td>{esc(labels('districts', p.drop_district))}</td>"
                f"<td>{esc(p.drop_officer or '')}</td><td>{esc(held)}</td></tr>"
            )
        by = self.tr("Added by %1 · %2").replace("%1", c.get("theirs_by") or "—")
        by = by.replace("%2", local_minute(c["at"]) if c.get("at") else "")
        parts.append("<table cellspacing=6>" + "".join(rows) + "</table>")
        parts.append(f"<p>{esc(by)}</p>")
        return parts

    @classmethod
    def run_merge(cls, dialog: QDialog) -> bool:
        """Tests replace this."""
        return bool(dialog.exec())

    def merge(self) -> None:
        c = self.current()
        if c is None or c["kind"] != "duplicate" or not c.get("other_enterprise_id"):
            return
        from liaison_app.ui.sync.merge import MergeDialog

        try:
            dialog = MergeDialog(
                self._ctx, c["id"], (c["record_id"], c["other_enterprise_id"]), self
            )
        except Exception as exc:  # noqa: BLE001 - a twin no longer here, say
            ErrorDialog.show_error(self, exc)
            return
        if self.run_merge(dialog):
            self.resolved.emit(c["id"])
            self.reload()

    def _history(self, problem_id: str) -> str:
        labels = self._ctx.labels
        try:
            p = self._ctx.store.problems.get(problem_id)
        except Exception:  # noqa: BLE001 - the problem may have left this folder
            return ""
        rows = "".join(
            f"<li>{esc(local_minute(a.at))} {esc(labels('action_kind', a.kind))}"
            f" → {esc(labels('status', a.to_status))} · {esc(a.actor or '')}</li>"
            for a in p.actions
        )
        return f"<p><b>{esc(self.tr('History'))}</b></p><ul>{rows}</ul>"

    def resolve(self, keep: str) -> None:
        c = self.current()
        if c is None:
            return
        try:
            self._ctx.store.sync.resolve_conflict(c["id"], keep)
        except Exception as exc:  # noqa: BLE001 - said in a dialog
            ErrorDialog.show_error(self, exc)
            return
        self._done(c)

    @classmethod
    def ask_value(cls, parent: QWidget, field: str, current: str) -> str | None:
        """Tests replace this."""
        text, ok = QInputDialog.getText(
            parent,
            QCoreApplication.translate("ConflictsDialog", "Settle the conflict"),
            QCoreApplication.translate("ConflictsDialog", "Value for %1:").replace("%1", field),
            text=current,
        )
        return text if ok else None

    @classmethod
    def ask_choice(cls, dialog: ChoiceDialog) -> Any:
        """Tests replace this: the code (or codes) picked, None when cancelled."""
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def resolve_with_value(self) -> None:
        c = self.current()
        if c is None or c["kind"] != "field":
            return
        field = field_name(c["field"], self._ctx.labels.translations.language)
        vocabulary = FIELD_VOCABULARY.get(c["field"])
        if vocabulary is not None:
            # A coded field: its choices by name, never a box to type a code into.
            many = isinstance(c["mine"], list) or isinstance(c["theirs"], list)
            items = self._ctx.labels.items(vocabulary)
            value = self.ask_choice(ChoiceDialog(field, items, c["mine"], many=many, parent=self))
        else:
            value = self.ask_value(self, field, "" if c["mine"] is None else str(c["mine"]))
        if value is None:
            return
        try:
            self._ctx.store.sync.resolve_conflict(c["id"], None, value)
        except Exception as exc:  # noqa: BLE001
            ErrorDialog.show_error(self, exc)
            return
        self._done(c)

    def _done(self, c: dict[str, Any]) -> None:
        self._ctx.events.emit_changes(
            Changes(frozenset({c["entity"], "conflict"}), frozenset({c["record_id"]}))
        )
        self.resolved.emit(c["id"])
        self.reload()
