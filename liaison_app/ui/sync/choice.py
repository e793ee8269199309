"""A value of one's own for a coded field in a conflict: its labelled choices, the code stored."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

CODE = Qt.ItemDataRole.UserRole


class ChoiceDialog(QDialog):
    """The choices of a coded field by name (a district as 和平区, never 210102): one of them,
    or, for a list field (co-departments), any of them ticked. ``value()`` is the code(s)."""

    def __init__(
        self,
        field: str,
        items: list[tuple[str, str]],
        current: Any,
        *,
        many: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.field, self.many = field, many
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.choices = QListWidget()
        self.choices.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        chosen = set(current or []) if many else {current}
        for code, label in items:
            item = QListWidgetItem(label)
            item.setData(CODE, code)
            item.setToolTip(code)
            if many:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if code in chosen else Qt.CheckState.Unchecked
                )
            self.choices.addItem(item)
            if not many and code in chosen:
                self.choices.setCurrentItem(item)
        # As wide as the longest name (a horizontal scroll bar under a list of names was
        # what showed at 150 %).
        self.choices.setMinimumWidth(
            self.choices.sizeHintForColumn(0)
            + self.choices.verticalScrollBar().sizeHint().width()
            + 2 * self.choices.frameWidth()
            + 8
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.choices.itemDoubleClicked.connect(lambda _item: many or self.accept())
        self.choices.currentItemChanged.connect(lambda *_: self._enable())
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.choices)
        layout.addWidget(self.buttons)
        self.retranslate_ui()
        self._enable()
        self.choices.setFocus()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Settle the conflict"))
        self.prompt.setText(
            (self.tr("Values for %1:") if self.many else self.tr("Value for %1:")).replace(
                "%1", self.field
            )
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("OK"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))

    def _enable(self) -> None:
        ok = self.many or self.choices.currentItem() is not None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def value(self) -> Any:
        if self.many:
            return [
                self.choices.item(i).data(CODE)
                for i in range(self.choices.count())
                if self.choices.item(i).checkState() == Qt.CheckState.Checked
            ]
        item = self.choices.currentItem()
        return item.data(CODE) if item is not None else None
