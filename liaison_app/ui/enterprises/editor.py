"""Create or edit an enterprise, with validation next to each field as you type."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from liaison_app.domain import contact, uscc
from liaison_app.domain.records import EnterpriseRecord
from liaison_app.errors import FieldError, ValidationError
from liaison_app.ui.context import AppContext
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.forms import (
    code_combo,
    combo_code,
    field_error_text,
    set_combo_code,
    show_field_errors,
    with_message,
)
from liaison_app.ui.screens import resize_to_fit

TEXT_FIELDS = (
    "name",
    "uscc",
    "address",
    "legal_rep",
    "contact_name",
    "contact_title",
    "phone",
    "park",
    "officer",
    "unit",
)


class EnterpriseEditor(QDialog):
    """Modal editor; ``saved_record`` holds the result after acceptance."""

    def __init__(
        self, ctx: AppContext, record: EnterpriseRecord | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._record = record
        self.saved_record: EnterpriseRecord | None = None
        # The enterprise already holding the USCC typed here, when the person chose to open
        # it instead of saving (the caller shows it).
        self.open_instead: str | None = None
        self.edits: dict[str, QLineEdit] = {}
        self.messages: dict[str, Any] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._rows: dict[str, QWidget] = {}
        labels = ctx.labels
        for name in TEXT_FIELDS[:2]:
            self._add_text(name)
        self.district = code_combo(labels.items("districts"))
        self._add_row("district_code", self.district)
        self.industry = code_combo(labels.items("industries"))
        self._add_row("industry_code", self.industry)
        self.size = code_combo(labels.items("size"), searchable=False)
        self._add_row("size", self.size)
        self.ownership = code_combo(labels.items("ownership"), searchable=False)
        self._add_row("ownership", self.ownership)
        for name in TEXT_FIELDS[2:]:
            self._add_text(name)
        self.specialised = QCheckBox()
        self._add_row("specialised", self.specialised)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(80)
        self._add_row("notes", self.notes)
        self.edits["uscc"].textChanged.connect(self._check_uscc)
        self.edits["phone"].textChanged.connect(self._check_phone)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        body = QWidget()
        body.setLayout(self.form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.buttons)
        resize_to_fit(self, 560, 640)
        if record:
            self._load(record)
        else:  # a new firm is looked after by whoever records it, until someone changes it
            self.edits["officer"].setText(ctx.store.settings.officer_name() or "")
        self._lock_district()
        self._dirty = False
        for edit in self.edits.values():
            edit.textEdited.connect(self._mark_dirty)
        self.retranslate_ui()

    def _lock_district(self) -> None:
        """A supervisor creates firms in their own district only (the server refuses others):
        a new one is put there. (Moving an existing firm away is allowed: it then leaves
        their scope.)"""
        p = self._ctx.permissions
        if not (p.supervisor and p.district) or self._record is not None:
            return
        set_combo_code(self.district, p.district)
        self.district.setEnabled(False)
        self.district.setToolTip(
            self.tr("As a supervisor you add enterprises in your district (%1) only.").replace(
                "%1", self._ctx.labels("districts", p.district)
            )
        )

    def _mark_dirty(self) -> None:
        self._dirty = True

    def _add_text(self, name: str) -> None:
        edit = QLineEdit()
        self.edits[name] = edit
        self._add_row(name, edit)

    def _add_row(self, name: str, field: QWidget) -> None:
        box, message = with_message(field)
        self.messages[name] = message
        self._rows[name] = field
        self.form.addRow(name, box)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        captions = {
            "name": self.tr("&Name"),
            "uscc": self.tr("&USCC"),
            "district_code": self.tr("&District"),
            "industry_code": self.tr("&Industry"),
            "size": self.tr("Si&ze"),
            "ownership": self.tr("&Ownership"),
            "address": self.tr("&Address"),
            "legal_rep": self.tr("&Legal representative"),
            "contact_name": self.tr("&Contact person"),
            "contact_title": self.tr("Contact's &title"),
            "phone": self.tr("&Phone"),
            "park": self.tr("Par&k / street"),
            "officer": self.tr("Liaison o&fficer"),
            "unit": self.tr("Officer's u&nit"),
            "specialised": self.tr("Specialised && innovative"),
            "notes": self.tr("Notes"),
        }
        for name, field in self._rows.items():
            label = self.form.labelForField(field.parentWidget())
            if label is not None:
                label.setText(captions[name])
                label.setBuddy(field)
        self.setWindowTitle(
            self.tr("Edit enterprise") if self._record else self.tr("New enterprise")
        )

    def _load(self, r: EnterpriseRecord) -> None:
        for name in TEXT_FIELDS:
            self.edits[name].setText(getattr(r, name) or "")
        set_combo_code(self.district, r.district_code)
        set_combo_code(self.industry, (r.industry_code or "")[:1] or None)
        set_combo_code(self.size, r.size)
        set_combo_code(self.ownership, r.ownership)
        self.specialised.setChecked(r.specialised)
        self.notes.setPlainText(r.notes or "")

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: self.edits[name].text() for name in TEXT_FIELDS}
        out["district_code"] = combo_code(self.district)
        industry = combo_code(self.industry)
        if (
            self._record
            and self._record.industry_code
            and industry == self._record.industry_code[:1]
        ):
            industry = self._record.industry_code  # keep a finer code the picker does not list
        out["industry_code"] = industry
        out["size"] = combo_code(self.size)
        out["ownership"] = combo_code(self.ownership)
        out["specialised"] = self.specialised.isChecked()
        out["notes"] = self.notes.toPlainText()
        return out

    def _check_uscc(self, text: str) -> None:
        message = self.messages["uscc"]
        if not text.strip():
            message.clear_message()
            return
        result = uscc.check(text)
        if len(result.code) < 18 and result.error_code == "uscc_length":
            message.clear_message()  # still typing
        elif not result.ok:
            error = FieldError(
                "uscc", result.error_code or "uscc", result.error or "", result.params
            )
            message.show_error(field_error_text(error))
        else:
            own = self._record.id if self._record else None
            other = self._ctx.store.enterprises.same_uscc(result.code, own)
            if other is not None:
                message.show_error(
                    self.tr("%1 already has this USCC; a USCC names one enterprise.").replace(
                        "%1", f"“{other[1]}”"
                    )
                )
            else:
                message.clear_message()

    def _check_phone(self, text: str) -> None:
        message = self.messages["phone"]
        number = contact.normalise_phone(text)
        if not number or len(number) < 7:
            message.clear_message()
        elif (problem := contact.phone_error(text)) is not None:
            message.show_error(
                field_error_text(FieldError("phone", "bad_phone", problem, {"value": number}))
            )
        else:
            message.clear_message()

    def save(self) -> None:
        svc = self._ctx.store.enterprises
        try:
            saved = (
                svc.update(self._record.id, self.values(), seen=self._record)
                if self._record
                else svc.create(self.values())
            )
        except ValidationError as exc:
            duplicate = exc.for_field("uscc")
            if (
                duplicate is not None
                and duplicate.code == "duplicate_uscc"
                and self._offer_existing(str(duplicate.params["id"]), str(duplicate.params["name"]))
            ):
                return
            rest = show_field_errors(exc.errors, self.messages)
            first = next((self._rows[e.field] for e in exc.errors if e.field in self._rows), None)
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
            if rest:
                ErrorDialog.show_error(self, exc)
            return
        except Exception as exc:  # noqa: BLE001 - shown, logged, never swallowed
            ErrorDialog.show_error(self, exc)
            return
        self.saved_record = saved.record
        self._ctx.events.emit_changes(saved.changes)
        self._dirty = False
        self.accept()

    def _offer_existing(self, ident: str, name: str) -> bool:
        if not self.ask_open_existing(name):
            return False
        self.open_instead = ident
        self._dirty = False
        super().reject()
        return True

    def ask_open_existing(self, name: str) -> bool:
        """Whether to open the enterprise that already has this USCC instead (tests answer)."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("USCC already on record"))
        box.setText(
            self.tr(
                "%1 already has this USCC. A USCC names one legal entity, so it cannot be "
                "saved for a second enterprise."
            ).replace("%1", f"“{name}”")
        )
        open_button = box.addButton(
            self.tr("Open %1").replace("%1", f"“{name}”"), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(self.tr("Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(open_button)
        box.exec()
        return box.clickedButton() is open_button

    def reject(self) -> None:
        if self._dirty and not self.confirm_discard():
            return
        super().reject()

    def confirm_discard(self) -> bool:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            self.tr("Unsaved changes"),
            self.tr("Discard the changes you made?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard
