"""Form helpers: error labels beside fields, code pickers, and mapping field errors to widgets."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QVBoxLayout, QWidget

from liaison_app.domain import messages as messages_catalogue
from liaison_app.errors import FieldError

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #8a5a00;"


class FieldMessage(QLabel):
    """A small line under a field for its error (red) or warning (amber)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()

    def show_error(self, text: str) -> None:
        self.setStyleSheet(ERROR_STYLE)
        self.setText(text)
        self.show()

    def show_warning(self, text: str) -> None:
        self.setStyleSheet(WARNING_STYLE)
        self.setText(text)
        self.show()

    def clear_message(self) -> None:
        self.clear()
        self.hide()


def with_message(field: QWidget) -> tuple[QWidget, FieldMessage]:
    """The field with its message line below it, as one widget for a form row."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    message = FieldMessage()
    layout.addWidget(message)
    return box, message


def compact(combo: QComboBox, chars: int = 8) -> QComboBox:
    """A filter picker that may be narrower than its longest label (a filter row must fit a
    1366-pixel screen at 150 %): the closed box shows at least ``chars`` characters, the open
    list is as wide as its longest choice."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    view = combo.view()
    view.setMinimumWidth(view.sizeHintForColumn(0) + 24)
    return combo


def refill(combo: QComboBox, names: Iterable[str]) -> None:
    """Replace the choices after the first ("all") with these names, keeping the chosen one
    when it is still there, without announcing the change."""
    current = combo_code(combo)
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for name in names:
        combo.addItem(name, name)
    index = combo.findData(current) if current else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


def code_combo(
    items: Iterable[tuple[str, str]], *, blank: str | None = "", searchable: bool = True
) -> QComboBox:
    """A picker storing codes and showing labels; typing filters it (keyboard-first)."""
    combo = QComboBox()
    if blank is not None:
        combo.addItem(blank, None)
    for code, text in items:
        combo.addItem(text, code)
    if searchable:
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    return combo


def combo_code(combo: QComboBox) -> str | None:
    """The selected code; for an editable combo, the typed text must match an item."""
    if combo.isEditable():
        text = combo.currentText().strip()
        if not text:
            return None
        index = combo.findText(text)
        if index < 0:
            return f"?{text}"  # not a known item: the service reports it as an unknown code
        return combo.itemData(index)
    return combo.currentData()


def set_combo_code(combo: QComboBox, code: str | None) -> None:
    index = combo.findData(code)
    combo.setCurrentIndex(max(index, 0))


def current_language() -> str:
    """The language the UI speaks now (Translations.switch sets the default locale)."""
    return "zh_CN" if QLocale().language() == QLocale.Language.Chinese else "en"


def field_error_text(error: FieldError) -> str:
    return messages_catalogue.field_error(error, current_language())


def show_field_errors(
    errors: list[FieldError], messages: dict[str, FieldMessage]
) -> list[FieldError]:
    """Put each error under its field; returns the errors that have no field on this form."""
    for message in messages.values():
        message.clear_message()
    unplaced = []
    for error in errors:
        target = messages.get(error.field)
        if target is None:
            unplaced.append(error)
        else:
            target.show_error(field_error_text(error))
    return unplaced


def relabel(combo: QComboBox, items: Iterable[tuple[str, str]], prefix: str = "") -> None:
    """Say a code picker's items in the current language again (after a live switch); the
    choice and any blank or "All …" item stay as they are."""
    texts = dict(items)
    for i in range(combo.count()):
        code = combo.itemData(i)
        if code in texts:
            current = combo.itemText(i)
            lead = prefix if current.startswith(prefix) and prefix else ""
            combo.setItemText(i, lead + texts[code])
