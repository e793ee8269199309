"""Inputs for one lifecycle step or follow-up: only the fields that step needs."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QDate, QEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from liaison_app.domain.lifecycle import FOLLOW_UP_KINDS, StepInput, add_working_days
from liaison_app.domain.records import ProblemRecord
from liaison_app.errors import ValidationError
from liaison_app.ui.context import AppContext
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.forms import code_combo, combo_code, show_field_errors, with_message

DEFAULT_WORKING_DAYS = 10


class StepDialog(QDialog):
    """Take ``step`` ("follow_up" logs an action) on a problem; the result is saved on OK."""

    def __init__(
        self, ctx: AppContext, problem: ProblemRecord, step: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx, self._problem, self._step = ctx, problem, step
        self.form = QFormLayout()
        self.messages: dict[str, object] = {}
        self.department: QComboBox | None = None
        self.deadline: QDateEdit | None = None
        self.satisfaction: QComboBox | None = None
        self.kind: QComboBox | None = None
        self._captions: list[tuple[QWidget, str]] = []
        labels = ctx.labels
        if step == "follow_up":
            self.kind = code_combo(
                [(k, labels("step", k)) for k in FOLLOW_UP_KINDS],
                blank=None,
                searchable=False,
            )
            self._row("kind", self.kind, "&Kind")
        if step == "assign":
            self.department = code_combo(labels.items("departments"))
            if problem.lead_department:
                self.department.setCurrentIndex(
                    max(self.department.findData(problem.lead_department), 0)
                )
            self._row("department", self.department, "&Department")
        if step in ("assign", "extend"):
            self.deadline = QDateEdit()
            self.deadline.setCalendarPopup(True)
            self.deadline.setDisplayFormat("yyyy-MM-dd")
            base = max(problem.deadline or dt.date.today(), dt.date.today())
            default = add_working_days(base, DEFAULT_WORKING_DAYS if step == "assign" else 5)
            self.deadline.setDate(QDate(default.year, default.month, default.day))
            self._row("deadline", self.deadline, "Dead&line")
        if step == "callback":
            self.satisfaction = code_combo(labels.items("satisfaction"), searchable=False)
            self._row("satisfaction", self.satisfaction, "&Satisfaction")
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self._row("note" if step != "follow_up" else "text", self.note, self._note_caption())
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.resize(460, 320)
        self.saved: ProblemRecord | None = None
        self.retranslate_ui()

    def _note_caption(self) -> str:
        return {
            "resolve": "&Result",
            "reject": "&Reason",
            "callback": "Reason if &dissatisfied",
            "follow_up": "&Text",
        }.get(self._step, "&Note")

    def _row(self, name: str, widget: QWidget, caption: str) -> None:
        box, message = with_message(widget)
        self.messages[name] = message
        self.form.addRow(caption, box)
        self._captions.append((box, caption))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        captions = {
            "&Kind": self.tr("&Kind"),
            "&Department": self.tr("&Department"),
            "Dead&line": self.tr("Dead&line"),
            "&Satisfaction": self.tr("&Satisfaction"),
            "&Result": self.tr("&Result"),
            "&Reason": self.tr("&Reason"),
            "Reason if &dissatisfied": self.tr("Reason if &dissatisfied"),
            "&Text": self.tr("&Text"),
            "&Note": self.tr("&Note"),
        }
        for box, caption in self._captions:
            label = self.form.labelForField(box)
            if label is not None:
                label.setText(captions[caption])
        labels = self._ctx.labels
        name = (
            labels("step", self._step) if self._step != "follow_up" else self.tr("Log a follow-up")
        )
        self.setWindowTitle(f"{name} — {labels.number(self._problem)}")
        self.hint.setText(f"{self._problem.enterprise_name}: {self._problem.description[:120]}")

    def save(self) -> None:
        svc = self._ctx.store.problems
        note = self.note.toPlainText()
        try:
            if self._step == "follow_up":
                assert self.kind is not None
                saved = svc.add_action(self._problem.id, self.kind.currentData(), note)
            else:
                deadline = None
                if self.deadline is not None:
                    d = self.deadline.date()
                    deadline = dt.date(d.year(), d.month(), d.day())
                inp = StepInput(
                    department=combo_code(self.department) if self.department else None,
                    deadline=deadline,
                    note=note,
                    satisfaction=self.satisfaction.currentData() if self.satisfaction else None,
                )
                saved = svc.step(self._problem.id, self._step, inp)
        except ValidationError as exc:
            # The note is this step's result, reason…: its error says the field's own name.
            said = {"resolve": "result", "reject": "reason"}.get(self._step)
            errors = [
                dataclasses.replace(e, field=said) if said and e.field == "note" else e
                for e in exc.errors
            ]
            if said and said not in self.messages and "note" in self.messages:
                self.messages[said] = self.messages["note"]
            if show_field_errors(errors, self.messages):  # type: ignore[arg-type]
                ErrorDialog.show_error(self, exc)
            return
        except Exception as exc:  # noqa: BLE001
            ErrorDialog.show_error(self, exc)
            return
        self.saved = saved.record
        self._ctx.events.emit_changes(saved.changes)
        self.accept()
