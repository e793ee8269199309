"""Record a visit and the problems raised during it in one form; drafts are kept as you type."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QEvent, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from liaison_app.errors import FieldError, ValidationError
from liaison_app.ui.context import AppContext
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.forms import (
    code_combo,
    current_language,
    field_error_text,
    relabel,
    set_combo_code,
    show_field_errors,
    with_message,
)
from liaison_app.ui.visits.drafts import DraftStore
from liaison_app.ui.visits.problem_rows import ProblemRows

TEXTS = ("people_met", "business_situation", "policies", "opinions", "solved_on_site", "summary")
DRAFT_DELAY_MS = 800
_PROBLEM_FIELD = re.compile(r"problems\[(\d+)\]\.(\w+)")


class VisitEntry(QWidget):
    visit_saved = Signal(str)  # visit id
    print_requested = Signal(str)  # visit id
    attachments_requested = Signal(str)  # visit id: its photos and the signed scan

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.drafts = DraftStore(ctx.store.data_dir)
        self.enterprise = QComboBox()
        self._enterprise_ids: list[str | None] = [None]
        self._enterprise_names = QStringListModel([""], self)
        self.enterprise.setModel(self._enterprise_names)
        self.enterprise.setEditable(True)
        self.enterprise.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.enterprise.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMaximumDate(QDate.currentDate())  # a visit may not lie in the future
        self.date.setDate(QDate.currentDate())
        self.mode = code_combo(ctx.labels.items("visit_mode"), blank=None, searchable=False)
        self.officers = QLineEdit()
        self.texts = {name: QPlainTextEdit() for name in TEXTS}
        for edit in self.texts.values():
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(56)
        self.messages: dict[str, Any] = {}
        self.form = QFormLayout()
        self._fields: dict[str, QWidget] = {
            "enterprise": self.enterprise,
            "visit_date": self.date,
            "mode": self.mode,
            "officers": self.officers,
            **self.texts,
        }
        for name, field in self._fields.items():
            box, message = with_message(field)
            self.messages[name] = message
            self.form.addRow(name, box)
        self.problems = ProblemRows(ctx)
        self.add_problem_button = QPushButton()
        self.add_problem_button.clicked.connect(lambda: self.problems.add_row())
        self.problems_box = QGroupBox()
        pl = QVBoxLayout(self.problems_box)
        self.problem_header = QLabel()
        pl.addWidget(self.problem_header)
        pl.addWidget(self.problems)
        pl.addWidget(self.add_problem_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.save_button = QPushButton()
        self.clear_button = QPushButton()
        self.print_button = QPushButton()
        self.print_button.setEnabled(False)
        self.attach_button = QPushButton()
        self.attach_button.setEnabled(False)
        self.last_saved: str | None = None
        self.print_button.clicked.connect(
            lambda: self.last_saved and self.print_requested.emit(self.last_saved)
        )
        self.attach_button.clicked.connect(
            lambda: self.last_saved and self.attachments_requested.emit(self.last_saved)
        )
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.discard)
        self.status = QLabel()
        body = QWidget()
        bl = QVBoxLayout(body)
        bl.addLayout(self.form)
        bl.addWidget(self.problems_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.attach_button)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addLayout(buttons)
        # Active while the focus is anywhere in the form.
        for keys, slot in (
            ("Ctrl+Shift+N", lambda: self.problems.add_row()),
            ("Ctrl+Return", self.save),
        ):
            shortcut = QShortcut(QKeySequence(keys), self, activated=slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        for signal in (
            self.enterprise.currentTextChanged,
            self.officers.textChanged,
            self.problems.changed,
            self.date.dateChanged,
            self.mode.currentIndexChanged,
        ):
            signal.connect(self._on_edited)
        for edit in self.texts.values():
            edit.textChanged.connect(self._on_edited)
        self._suspend_drafts = False
        self._enterprises_loaded = False  # 20,000 names: loaded when the form is first used
        self.reset()
        self.retranslate_ui()

    # ---- state ---------------------------------------------------------------------------
    def ensure_enterprises(self) -> None:
        if not self._enterprises_loaded:
            self.reload_enterprises()

    def reload_enterprises(self) -> None:
        self._enterprises_loaded = True
        current = self.enterprise_id()
        rows = self._ctx.enterprise_names()
        self.enterprise.blockSignals(True)
        self._enterprise_ids = [None, *(r[0] for r in rows)]
        self._enterprise_names.setStringList(["", *(r[1] for r in rows)])
        self.set_enterprise(current)
        self.enterprise.blockSignals(False)

    def enterprise_id(self) -> str | None:
        """The chosen enterprise; typed text must match a name exactly."""
        text = self.enterprise.currentText().strip()
        index = self.enterprise.currentIndex()
        if not text or not 0 <= index < len(self._enterprise_ids):
            return None
        if self.enterprise.itemText(index) != text:
            index = self.enterprise.findText(text)
        return self._enterprise_ids[index] if index > 0 else None

    def set_enterprise(self, ident: str | None) -> None:
        try:
            self.enterprise.setCurrentIndex(self._enterprise_ids.index(ident))
        except ValueError:
            self.enterprise.setCurrentIndex(0)

    def reset(self) -> None:
        self._suspend_drafts = True
        self.enterprise.setCurrentIndex(min(0, self.enterprise.count() - 1))
        self.date.setMaximumDate(QDate.currentDate())
        self.date.setDate(QDate.currentDate())
        self.mode.setCurrentIndex(0)
        self.officers.setText(self._ctx.store.settings.officer_name() or "")
        for edit in self.texts.values():
            edit.clear()
        self.problems.clear_rows()
        self.problems.add_row()
        for m in self.messages.values():
            m.clear_message()
        self._suspend_drafts = False
        self.dirty = False

    def start_for(self, enterprise_id: str | None) -> None:
        self.ensure_enterprises()
        if enterprise_id:
            self.set_enterprise(enterprise_id)
        self.date.setFocus()

    def values(self) -> dict[str, Any]:
        d = self.date.date()
        return {
            "enterprise_id": self.enterprise_id(),
            "enterprise_text": self.enterprise.currentText(),
            "visit_date": dt.date(d.year(), d.month(), d.day()).isoformat(),
            "mode": self.mode.currentData(),
            "officers": self.officers.text(),
            **{name: edit.toPlainText() for name, edit in self.texts.items()},
            "problems": [r.values() for r in self.problems.rows],
        }

    def restore_values(self, data: dict[str, Any]) -> None:
        self.ensure_enterprises()
        self._suspend_drafts = True
        self.set_enterprise(data.get("enterprise_id"))
        if data.get("visit_date"):
            day = dt.date.fromisoformat(data["visit_date"])
            self.date.setDate(QDate(day.year, day.month, day.day))
        set_combo_code(self.mode, data.get("mode"))
        self.officers.setText(data.get("officers") or "")
        for name, edit in self.texts.items():
            edit.setPlainText(data.get(name) or "")
        self.problems.clear_rows()
        for row in data.get("problems") or [{}]:
            self.problems.add_row(row)
        self._suspend_drafts = False
        self.dirty = True

    # ---- drafts --------------------------------------------------------------------------
    def _on_edited(self, *_args: object) -> None:
        if not self._suspend_drafts:
            self.dirty = True
            self._draft_timer.start()

    def save_draft(self) -> None:
        if self.dirty:
            self.drafts.save(self.values())
            self._say(lambda: self.tr("Draft saved"))

    def offer_draft(self) -> bool:
        """On start: drafts left by a crash, an unsaved close or kept for later are offered
        back, one by one. Only "Discard" deletes one; "Later" keeps it for the next start."""
        pending = [self.drafts.path] if self.drafts.path.exists() else []
        for path in [*pending, *self.drafts.held()]:
            data = self.drafts.read(path)
            if not data:
                continue
            answer = self.ask_restore_draft()
            if answer == "restore":
                self.restore_values(data)
                self.save_draft()  # the form's draft now
                if path != self.drafts.path:
                    path.unlink(missing_ok=True)
                return True
            if answer == "discard":
                path.unlink(missing_ok=True)
            else:
                self.drafts.hold(path)  # typing a new visit will not overwrite it
        return False

    def ask_restore_draft(self) -> str:
        """ "restore", "later" (kept) or "discard"."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Unsaved visit"))
        box.setText(self.tr("A visit you were recording was not saved. Restore it?"))
        restore = box.addButton(self.tr("&Restore"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("&Later (keep the draft)"), QMessageBox.ButtonRole.RejectRole)
        discard = box.addButton(
            self.tr("&Discard the draft"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.setDefaultButton(restore)
        box.exec()
        clicked = box.clickedButton()
        return "restore" if clicked is restore else "discard" if clicked is discard else "later"

    def discard(self) -> None:
        self.drafts.clear()
        self.reset()

    # ---- save ----------------------------------------------------------------------------
    def save(self) -> None:
        self._draft_timer.stop()
        self.save_draft()
        data = self.values()
        filled = [r for r in self.problems.rows if not r.is_blank()]
        for m in self.messages.values():
            m.clear_message()
        for r in self.problems.rows:
            r.message.clear_message()
        if not data["enterprise_id"]:
            self.messages["enterprise"].show_error(self.tr("Choose the enterprise visited"))
            self.enterprise.setFocus()
            return
        fields = {k: data[k] for k in ("visit_date", "mode", "officers", *TEXTS)}
        try:
            saved = self._ctx.store.visits.record_with_problems(
                data["enterprise_id"], fields, [r.values() for r in filled]
            )
        except ValidationError as exc:
            self._show_errors(exc.errors, filled)
            return
        except Exception as exc:  # noqa: BLE001
            ErrorDialog.show_error(self, exc)
            return
        self.drafts.clear()
        self._ctx.events.emit_changes(saved.changes)
        self.reset()
        count = len(filled)
        self._say(lambda: self.tr("Visit saved with %n problem(s)", "", count))
        self.last_saved = saved.record.id
        self.print_button.setEnabled(True)
        self.attach_button.setEnabled(True)
        self.visit_saved.emit(saved.record.id)

    def _show_errors(self, errors: list[FieldError], filled: list[Any]) -> None:
        plain = []
        for e in errors:
            m = _PROBLEM_FIELD.fullmatch(e.field)
            if m and int(m.group(1)) < len(filled):
                row = filled[int(m.group(1))]
                text = field_error_text(FieldError(m.group(2), e.code, e.message, e.params))
                if current_language() == "en":
                    text = f"{m.group(2)}: {text}"  # the Chinese templates name the field
                row.message.show_error(text)
            else:
                plain.append(e)
        if show_field_errors(plain, self.messages):
            ErrorDialog.show_error(self, ValidationError(plain))

    # ---- language ------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _say(self, text: Callable[[], str]) -> None:
        """A status line, said again in the new language after a live switch."""
        self._said = text
        self.status.setText(text())

    def retranslate_ui(self) -> None:
        labels = self._ctx.labels
        relabel(self.mode, labels.items("visit_mode"))
        for row in self.problems.rows:
            relabel(row.category, labels.items("categories"))
            relabel(row.urgency, labels.items("urgency"))
        said = getattr(self, "_said", None)
        if said is not None:
            self.status.setText(said())
        captions = {
            "enterprise": self.tr("&Enterprise"),
            "visit_date": self.tr("&Date"),
            "mode": self.tr("&Mode"),
            "officers": self.tr("O&fficers"),
            "people_met": self.tr("&People met"),
            "business_situation": self.tr("&Business situation"),
            "policies": self.tr("Po&licies explained"),
            "opinions": self.tr("Enterprise's opi&nions"),
            "solved_on_site": self.tr("Solved on si&te"),
            "summary": self.tr("S&ummary"),
        }
        for name, field in self._fields.items():
            label = self.form.labelForField(field.parentWidget())
            if label is not None:
                label.setText(captions[name])
                label.setBuddy(field)
        self.problems_box.setTitle(self.tr("Problems raised"))
        self.problem_header.setText(
            self.tr("Category · urgency · description · what the enterprise asks for")
        )
        self.add_problem_button.setText(self.tr("&Add problem (Ctrl+Shift+N)"))
        self.save_button.setText(self.tr("&Save visit (Ctrl+Enter)"))
        self.clear_button.setText(self.tr("Discard"))
        self.print_button.setText(self.tr("P&rint the saved visit for signing…"))
        self.attach_button.setText(self.tr("P&hotos and scans of the saved visit…"))
        self.problems.placeholder(
            self.tr("Category"),
            self.tr("Urgency"),
            self.tr("Description"),
            self.tr("What the enterprise asks for"),
        )
