"""Import an enterprise list: choose the file, check the mapping, read the report, import."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QWidget,
    QWizard,
)

from liaison_app.exchange.preview import SheetPreview
from liaison_app.exchange.report import ImportReport
from liaison_app.ui import settings as keys
from liaison_app.ui.context import AppContext
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.exchange.import_pages import CheckPage, FilePage, MappingPage
from liaison_app.ui.exchange.import_result import ResultPage
from liaison_app.ui.screens import fitting_size
from liaison_app.ui.tasks import TaskState
from liaison_app.ui.undo import ImportCommand

log = logging.getLogger(__name__)
FILE_PAGE, MAPPING_PAGE, CHECK_PAGE, RESULT_PAGE = range(4)


class ImportWizard(QWizard):
    """Holds what the pages share: the file, its preview, the mapping, the options and the
    background task of the moment (one at a time; closing the wizard cancels it)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.path: Path | None = None
        self.preview: SheetPreview | None = None
        self.dry_run: ImportReport | None = None
        self.report: ImportReport | None = None
        self.state: TaskState | None = None
        self._close_when_done = False
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.result_page = ResultPage(self)
        for i, page in enumerate(
            (self.file_page, self.mapping_page, self.check_page, self.result_page)
        ):
            self.setPage(i, page)
        self.retranslate_ui()
        self.resize(self.fitting_size())

    @property
    def ctx(self) -> AppContext:
        return self._ctx

    def fitting_size(self) -> Any:
        """Roomy, but never larger than the screen (1366×768 at 150 % leaves 910×512)."""
        return fitting_size(self, 980, 640)

    # ---- what the pages share ------------------------------------------------------------
    def mapping(self) -> dict[str, str | None]:
        return self.mapping_page.mapping()

    def options(self) -> dict[str, Any]:
        return self.check_page.options()

    def import_task(self, *, dry_run: bool) -> Callable[[TaskState], ImportReport]:
        """The import of the chosen file with the mapping and options shown, for the runner
        (read here, on the GUI thread: the task itself touches no widget)."""
        assert self.path is not None and self.preview is not None
        imports, path, sheet = self.ctx.store.imports, self.path, self.preview.sheet
        mapping, options = self.mapping(), self.options()

        def work(state: TaskState) -> ImportReport:
            return imports.enterprises(
                path,
                dry_run=dry_run,
                sheet=sheet,
                mapping=mapping,
                progress=state.progress,
                cancelled=lambda: state.cancelled,
                **options,
            )

        return work

    def run(
        self,
        fn: Callable[[TaskState], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Run ``fn`` in the background; the callbacks only while the wizard is still open."""

        ended: list[bool] = []  # (a synchronous runner ends before run() returns)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            ended.append(True)
            self.state = None
            if self._close_when_done:
                self._close_when_done = False
                super(ImportWizard, self).reject()
                return
            callback(value)

        state = self._ctx.tasks.run(
            fn,
            lambda result: finish(done, result),
            lambda exc: finish(failed, exc),
            progress,
        )
        if not ended:
            self.state = state

    def cancel_task(self) -> None:
        if self.state is not None:
            self.state.cancel()

    @property
    def busy(self) -> bool:
        return self.state is not None

    def reject(self) -> None:
        if self.state is not None:  # let the worker stop first: it writes nothing then
            self.state.cancel()
            self._close_when_done = True
            return
        super().reject()

    def remember_folder(self, path: Path) -> None:
        self._ctx.settings.set(keys.EXCHANGE_DIR, str(path.parent))

    def start_folder(self) -> str:
        return self._ctx.settings.get(keys.EXCHANGE_DIR) or str(Path.home())

    @classmethod
    def choose_file(cls, parent: QWidget, folder: str) -> str:
        """The file dialog (tests replace it)."""
        name, _filter = QFileDialog.getOpenFileName(
            parent,
            QCoreApplication.translate("ImportWizard", "Enterprise list to import"),
            folder,
            QCoreApplication.translate(
                "ImportWizard", "Enterprise lists (*.xlsx *.csv);;All files (*)"
            ),
        )
        return name

    def show_error(self, exc: BaseException) -> None:
        ErrorDialog.show_error(self, exc)

    # ---- after the import ----------------------------------------------------------------
    def imported(self, report: ImportReport) -> None:
        """Written: lists refresh, and Edit › Undo takes the whole import back."""
        self.report = report
        self._ctx.events.emit_changes(report.changes)
        if report.id is None:
            return
        imports, events = self._ctx.store.imports, self._ctx.events
        ident = report.id
        text = QCoreApplication.translate("ImportWizard", "import %1").replace("%1", report.file)
        parent = self.parentWidget()
        self._ctx.undo.push(
            ImportCommand(text, events, lambda: imports.undo(ident), self._ctx.undo, parent)
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Import enterprises"))
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Import"))
        for page in (self.file_page, self.mapping_page, self.check_page, self.result_page):
            page.retranslate_ui()
