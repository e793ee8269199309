"""First run: the officer's name, and a demo data set or an empty start."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from liaison_app.ui.forms import FieldMessage


class WelcomeDialog(QDialog):
    """``held``: how many enterprises the folder already holds; demo data are offered only
    for an empty folder (they never go beside real records)."""

    def __init__(self, parent: QWidget | None = None, held: int = 0) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to Liaison"))
        intro = QLabel(
            self.tr(
                "Liaison keeps your enterprises, visits and the problems they raise on this computer; "
                "it works without a network. What is your name? It is written on visit records and "
                "follow-up actions."
            )
        )
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name_message = FieldMessage()
        self.demo = QRadioButton(
            self.tr("Start with a &demo data set (60 enterprises in Liaoning)")
        )
        self.empty = QRadioButton(self.tr("Start &empty"))
        self.demo.setChecked(held == 0)
        self.empty.setChecked(held > 0)
        self.demo.setVisible(held == 0)
        self.empty.setVisible(held == 0)
        self.kept = QLabel(
            self.tr(
                "This data folder already holds %1 enterprises; they stay as they are."
            ).replace("%1", f"{held:,}")
        )
        self.kept.setWordWrap(True)
        self.kept.setVisible(held > 0)
        form = QFormLayout()
        form.addRow(self.tr("Your &name"), self.name)
        form.addRow("", self.name_message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.demo)
        layout.addWidget(self.empty)
        layout.addWidget(self.kept)
        layout.addWidget(buttons)
        self.resize(480, 260)

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.name_message.show_error(self.tr("Please enter your name"))
            self.name.setFocus()
            return
        self.accept()

    @property
    def officer_name(self) -> str:
        return self.name.text().strip()

    @property
    def wants_demo(self) -> bool:
        return self.demo.isVisibleTo(self) and self.demo.isChecked()
