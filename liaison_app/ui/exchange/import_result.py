"""The import wizard's last page: the import itself, with progress and cancel, and its counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWizardPage

from liaison_app.errors import LiaisonError
from liaison_app.exchange.report import ImportReport
from liaison_app.ui.exchange.import_pages import ProgressRow, said, wrapped_label

if TYPE_CHECKING:
    from liaison_app.ui.exchange.import_wizard import ImportWizard


class ResultPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self._w = wizard
        self.progress = ProgressRow(wizard.cancel_task)
        self.summary = wrapped_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Import"))
        self.progress.button.setText(self.tr("&Cancel import"))
        if self._w.report is not None:
            self._show(self._w.report)

    def initializePage(self) -> None:
        w = self._w
        if w.path is None or w.preview is None:
            return
        self.summary.setText(self.tr("Importing…"))
        self.progress.start()
        w.run(w.import_task(dry_run=False), self._done, self._failed, self.progress.advance)

    def _done(self, report: ImportReport) -> None:
        self.progress.stop()
        self._w.imported(report)
        self._show(report)
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.progress.stop()
        self.summary.setText(self.tr("Nothing was imported: %1").replace("%1", said(exc)))
        self.completeChanged.emit()
        if not isinstance(exc, LiaisonError):
            self._w.show_error(exc)

    def _show(self, r: ImportReport) -> None:
        if r.cancelled:
            self.summary.setText(self.tr("Import cancelled: nothing was written."))
        elif r.id is None:
            self.summary.setText(
                self.tr(
                    "Nothing was imported: %n problem(s) were found (the file or the "
                    "enterprises on record changed since the check).",
                    "",
                    len(r.errors),
                )
            )
        else:
            self.summary.setText(
                self.tr(
                    "Imported from %1: %2 new enterprises, %3 updated, %4 unchanged, %5 rows "
                    "skipped.\n\nEdit › Undo takes the whole import back."
                )
                .replace("%1", r.file)
                .replace("%2", f"{r.imported:,}")
                .replace("%3", f"{r.updated:,}")
                .replace("%4", f"{r.unchanged:,}")
                .replace("%5", f"{r.skipped:,}")
            )

    def isComplete(self) -> bool:
        return not self._w.busy
