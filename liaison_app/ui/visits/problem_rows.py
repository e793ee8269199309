"""The problems raised during a visit, as inline rows of the visit form."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QWidget

from liaison_app.ui.context import AppContext
from liaison_app.ui.forms import FieldMessage, code_combo, combo_code, set_combo_code


class ProblemRow:
    def __init__(self, ctx: AppContext) -> None:
        labels = ctx.labels
        self.category = code_combo(labels.items("categories"))
        self.urgency = code_combo(labels.items("urgency"), blank=None, searchable=False)
        self.description = QLineEdit()
        self.request = QLineEdit()
        self.remove = QPushButton("✕")
        self.remove.setFixedWidth(32)
        self.message = FieldMessage()
        self.widgets = (self.category, self.urgency, self.description, self.request, self.remove)

    def values(self) -> dict[str, Any]:
        return {
            "category": combo_code(self.category),
            "urgency": self.urgency.currentData(),
            "description": self.description.text(),
            "request": self.request.text(),
        }

    def set_values(self, data: dict[str, Any]) -> None:
        set_combo_code(self.category, data.get("category"))
        set_combo_code(self.urgency, data.get("urgency") or "normal")
        self.description.setText(data.get("description") or "")
        self.request.setText(data.get("request") or "")

    def is_blank(self) -> bool:
        v = self.values()
        return not (v["category"] or v["description"].strip() or v["request"].strip())


class ProblemRows(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.rows: list[ProblemRow] = []
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(2, 3)
        self.grid.setColumnStretch(3, 2)

    def add_row(self, data: dict[str, Any] | None = None) -> ProblemRow:
        row = ProblemRow(self._ctx)
        if data:
            row.set_values(data)
        self.rows.append(row)
        row.remove.clicked.connect(lambda: self.remove_row(row))
        row.description.textChanged.connect(self.changed)
        row.request.textChanged.connect(self.changed)
        row.category.currentIndexChanged.connect(self.changed)
        row.urgency.currentIndexChanged.connect(self.changed)
        self._relayout()
        row.category.setFocus()
        self.changed.emit()
        return row

    def remove_row(self, row: ProblemRow) -> None:
        self.rows.remove(row)
        for w in (*row.widgets, row.message):
            w.setParent(None)
            w.deleteLater()
        self._relayout()
        self.changed.emit()

    def clear_rows(self) -> None:
        for row in list(self.rows):
            self.remove_row(row)

    def _relayout(self) -> None:
        for i, row in enumerate(self.rows):
            for col, w in enumerate(row.widgets):
                self.grid.addWidget(w, i * 2, col)
            self.grid.addWidget(row.message, i * 2 + 1, 0, 1, 5)
        # Tab order follows the rows: category, urgency, description, request.
        chain = [w for row in self.rows for w in row.widgets[:4]]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def values(self) -> list[dict[str, Any]]:
        return [r.values() for r in self.rows if not r.is_blank()]

    def placeholder(self, category: str, urgency: str, description: str, request: str) -> None:
        for r in self.rows:
            r.description.setPlaceholderText(description)
            r.request.setPlaceholderText(request)
            r.category.setItemText(0, category)
            r.urgency.setToolTip(urgency)
