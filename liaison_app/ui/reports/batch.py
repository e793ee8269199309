"""Export every visit record of a month in the background, with progress and cancel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from liaison_app.ui.context import AppContext
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.files import save_folder
from liaison_app.ui.tasks import TaskState


def month_range(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


class BatchExportDialog(QDialog):
    finished_export = Signal(list)  # the files written

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("Export visit records"))
        self.month = QDateEdit(QDate.currentDate())
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setCalendarPopup(True)
        self.folder = QLineEdit(str(save_folder(ctx)))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.combined = QCheckBox(self.tr("One combined file instead of one file per visit"))
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.start)
        self.open_folder = self.buttons.addButton(
            self.tr("&Open folder"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_folder.setVisible(False)  # once something is written
        self.open_folder.clicked.connect(self._open_folder)
        self.buttons.rejected.connect(self.cancel_or_close)
        form = QFormLayout()
        form.addRow(self.tr("&Month"), self.month)
        # A row holding a layout gets no buddy by itself: without one the & shows literally.
        self.folder_label = QLabel(self.tr("&Folder"))
        self.folder_label.setBuddy(self.folder)
        form.addRow(self.folder_label, row)
        form.addRow("", self.combined)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.state: TaskState | None = None
        self.written: list[Path] = []

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Folder for the PDFs"), self.folder.text()
        )
        if folder:
            self.folder.setText(folder)

    def start(self) -> None:
        q = self.month.date()
        first, last = month_range(dt.date(q.year(), q.month(), 1))
        folder = Path(self.folder.text()).expanduser()
        combined = self.combined.isChecked()
        lang = self._ctx.labels.translations.language
        reports = self._ctx.store.reports
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText(self.tr("Exporting…"))

        def work(state: TaskState) -> list[Path]:
            return reports.export_visits(
                first,
                last,
                folder,
                combined=combined,
                lang=lang,
                progress=state.progress,
                cancelled=lambda: state.cancelled,
            )

        self.state = self._ctx.tasks.run(work, self._done, self._failed, self._on_progress)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.status.setText(
            self.tr("%1 of %2 visit records").replace("%1", str(done)).replace("%2", str(total))
        )

    def _done(self, written: list[Path]) -> None:
        self.written = written
        cancelled = self.state is not None and self.state.cancelled
        self.state = None
        self.status.setText(
            self.tr("Cancelled after %n file(s).", "", len(written))
            if cancelled
            else self.tr("%n file(s) written.", "", len(written))
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.open_folder.setVisible(bool(written))
        self.finished_export.emit(written)

    def _open_folder(self) -> None:
        if self.written:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written[0].parent)))

    def _failed(self, exc: BaseException) -> None:
        self.state = None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.progress.setVisible(False)
        self.status.clear()
        ErrorDialog.show_error(self, exc)

    def cancel_or_close(self) -> None:
        if self.state is not None:
            self.state.cancel()  # the worker stops after the record it is writing
            self.status.setText(self.tr("Cancelling…"))
        else:
            self.reject()
