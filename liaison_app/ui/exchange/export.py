"""Export to Excel or CSV: a save dialog, the export in the background, "open the folder"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from liaison_app.exchange.writers import Written
from liaison_app.ui.context import AppContext
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.files import remember_folder, suggested_path
from liaison_app.ui.tasks import TaskState

# (path, encoding, progress, cancelled) → what was written
Export = Callable[[Path, str | None, Callable[[int, int], None], Callable[[], bool]], Written]
XLSX, CSV_UTF8, CSV_GB18030 = "xlsx", "utf-8-sig", "gb18030"


class Exporter:
    """One export: ``run`` asks where, writes in the background, tells where it went.
    The dialogs are classmethods so that tests can answer them."""

    def __init__(self, ctx: AppContext, parent: QWidget, export: Export) -> None:
        self._ctx, self._parent, self._export = ctx, parent, export
        self.state: TaskState | None = None
        self.progress: QProgressDialog | None = None
        self.written: Written | None = None

    @staticmethod
    def filters() -> dict[str, str]:
        return {
            XLSX: QCoreApplication.translate("Exporter", "Excel workbook (*.xlsx)"),
            CSV_UTF8: QCoreApplication.translate(
                "Exporter", "CSV, UTF-8 with BOM — opens in Excel (*.csv)"
            ),
            CSV_GB18030: QCoreApplication.translate(
                "Exporter", "CSV, GB18030 — for older software (*.csv)"
            ),
        }

    @classmethod
    def ask_path(
        cls, parent: QWidget, title: str, suggested: str, filters: dict[str, str]
    ) -> tuple[str, str]:
        """The save dialog: (path or "", the filter chosen)."""
        chosen, selected = QFileDialog.getSaveFileName(
            parent, title, suggested, ";;".join(filters.values()), filters[XLSX]
        )
        return chosen, selected

    @classmethod
    def tell_written(cls, parent: QWidget, title: str, text: str, folder: Path) -> None:
        """The end: where the file is, with a button that opens its folder."""
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
        open_folder = box.addButton(
            QCoreApplication.translate("Exporter", "&Open folder"),
            QMessageBox.ButtonRole.ActionRole,
        )
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is open_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def run(self, title: str, suggested_name: tuple[str | dt.date | None, ...]) -> None:
        """``suggested_name``: the parts of the name offered (what, when)."""
        filters = self.filters()
        chosen, selected = type(self).ask_path(
            self._parent, title, suggested_path(self._ctx, *suggested_name, suffix=".xlsx"), filters
        )
        if not chosen:
            return
        kind = next((k for k, v in filters.items() if v == selected), XLSX)
        path = Path(chosen)
        if kind == XLSX and path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_name(path.name + ".xlsx")
        elif kind != XLSX and path.suffix.lower() != ".csv":
            path = (
                path.with_suffix(".csv")
                if path.suffix.lower() == ".xlsx"
                else path.with_name(path.name + ".csv")
            )
        encoding = None if path.suffix.lower() == ".xlsx" else (CSV_UTF8 if kind == XLSX else kind)
        remember_folder(self._ctx, path)
        self.start(path, encoding, title)

    def start(self, path: Path, encoding: str | None, title: str) -> None:
        dialog = QProgressDialog(self._parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(
            QCoreApplication.translate("Exporter", "Writing %1…").replace("%1", path.name)
        )
        dialog.setCancelButtonText(QCoreApplication.translate("Exporter", "&Cancel"))
        dialog.setRange(0, 0)
        dialog.setMinimumDuration(300)  # a quick export shows no dialog at all
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        self.progress = dialog
        export = self._export

        def work(state: TaskState) -> Written:
            return export(path, encoding, state.progress, lambda: state.cancelled)

        self.progress = dialog
        state = self._ctx.tasks.run(
            work,
            lambda w: self._done(w, title),
            self._failed,
            self._on_progress,
        )
        if self.progress is dialog:  # still running (a synchronous runner has finished)
            self.state = state

    def cancel(self) -> None:
        if self.state is not None:
            self.state.cancel()  # the writer stops within a few hundred rows, leaves nothing
            if self.progress is not None:
                self.progress.setLabelText(QCoreApplication.translate("Exporter", "Cancelling…"))

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setRange(0, max(total, done, 1))
            self.progress.setValue(done)

    def _close_progress(self) -> None:
        self.state = None
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _done(self, written: Written, title: str) -> None:
        self._close_progress()
        self.written = written
        if written.cancelled:
            return
        rows = written.rows
        text = QCoreApplication.translate("Exporter", "%n row(s) written to %1.", "", rows).replace(
            "%1", str(written.path)
        )
        type(self).tell_written(self._parent, title, text, written.path.parent)

    def _failed(self, exc: BaseException) -> None:
        self._close_progress()
        ErrorDialog.show_error(self._parent, exc)


def export_ledger(ctx: AppContext, parent: QWidget, filters: dict[str, object]) -> Exporter:
    """The problem ledger the filters select (as the view shows it), to .xlsx or .csv."""
    exports = ctx.store.exports
    lang = ctx.labels.translations.language
    chosen = {k: v for k, v in filters.items() if v not in (None, False, "")}
    exporter = Exporter(
        ctx,
        parent,
        lambda path, encoding, progress, cancelled: exports.ledger(
            path, lang, progress, cancelled, encoding=encoding, **chosen
        ),
    )
    exporter.run(
        QCoreApplication.translate("Exporter", "Export the problem ledger"),
        (QCoreApplication.translate("Exporter", "problem-ledger"), ctx.store.clock.today()),
    )
    return exporter


def export_visits(
    ctx: AppContext, parent: QWidget, date_from: object = None, date_to: object = None
) -> Exporter:
    """The visits of a period (all by default), to .xlsx or .csv."""
    exports = ctx.store.exports
    lang = ctx.labels.translations.language
    exporter = Exporter(
        ctx,
        parent,
        lambda path, encoding, progress, cancelled: exports.visits(
            path,
            date_from,  # type: ignore[arg-type]
            date_to,  # type: ignore[arg-type]
            lang,
            progress,
            cancelled,
            encoding=encoding,
        ),
    )
    exporter.run(
        QCoreApplication.translate("Exporter", "Export visits"),
        (
            QCoreApplication.translate("Exporter", "visits"),
            date_from if date_from or date_to else None,
            date_to if date_from or date_to else ctx.store.clock.today(),
        ),
    )
    return exporter
