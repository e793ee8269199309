"""Errors shown to a person: a message, and for the unexpected a "Copy details" button."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from liaison_app.errors import LiaisonError

log = logging.getLogger(__name__)


class ErrorDialog(QMessageBox):
    """The one error dialog. Tests replace ``ErrorDialog.show_error`` to capture errors."""

    def __init__(
        self, parent: QWidget | None, title: str, message: str, details: str | None
    ) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning if details is None else QMessageBox.Icon.Critical)
        self.setWindowTitle(title)
        self.setText(message)
        self.details = details
        if details:
            self.setDetailedText(details)
            copy = QPushButton(QCoreApplication.translate("ErrorDialog", "Copy details"))
            self.addButton(copy, QMessageBox.ButtonRole.ActionRole)
            copy.clicked.disconnect()
            copy.clicked.connect(self.copy_details)
        self.addButton(QMessageBox.StandardButton.Ok)

    def copy_details(self) -> None:
        QApplication.clipboard().setText(f"{self.text()}\n\n{self.details}")

    @classmethod
    def show_error(cls, parent: QWidget | None, exc: BaseException) -> None:
        if isinstance(exc, LiaisonError):
            from liaison_app.domain.messages import error_text
            from liaison_app.ui.forms import current_language

            dialog = cls(
                parent,
                QCoreApplication.translate("ErrorDialog", "Cannot do that"),
                error_text(exc, current_language()),
                None,
            )
        else:
            details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            log.error("unexpected error\n%s", details)
            dialog = cls(
                parent,
                QCoreApplication.translate("ErrorDialog", "Unexpected error"),
                QCoreApplication.translate(
                    "ErrorDialog",
                    "Something went wrong. Nothing you saved before is lost. "
                    "The details are in the log; please send them to support.",
                ),
                details,
            )
        dialog.exec()


def install_excepthook() -> None:
    """Log every uncaught exception and show it; never let the GUI die silently."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.critical("uncaught exception", exc_info=(kind, exc, tb))
        if QApplication.instance() is not None:
            ErrorDialog.show_error(QApplication.activeWindow(), exc)
        else:  # pragma: no cover - no GUI to show it in
            sys.__excepthook__(kind, exc, tb)

    sys.excepthook = hook
