"""Preview a PDF report inside the app (QtPdf), print it through the system dialog, save it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from liaison_app.ui.errors import ErrorDialog

BAND_ROWS = 512  # a band of one page, rendered and released before the next


class ReportPreview(QDialog):
    """Shows ``pdf``; the buttons print it or save it under ``suggested_name``."""

    def __init__(
        self,
        pdf: bytes,
        title: str,
        suggested_name: str,
        warnings: tuple[str, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        from PySide6.QtPdf import QPdfDocument  # loaded on first use, not at start-up
        from PySide6.QtPdfWidgets import QPdfView

        self.pdf = pdf
        self.suggested_name = suggested_name  # a whole path: folder and name
        self.saved_to: Path | None = None
        self.setWindowTitle(title)
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self)
        self._buffer.setData(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.notice = QLabel("\n".join(warnings))
        self.notice.setStyleSheet("color: #8a5a00;")
        self.notice.setVisible(bool(warnings))
        self.notice.setWordWrap(True)
        self.pages = QLabel()
        self.print_button = QPushButton()
        self.save_button = QPushButton()
        self.close_button = QPushButton()
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.close_button.clicked.connect(self.accept)
        bar = QHBoxLayout()
        bar.addWidget(self.pages)
        bar.addStretch(1)
        for b in (self.print_button, self.save_button, self.close_button):
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self.retranslate_ui()
        self.fit_to_screen()

    def fit_to_screen(self) -> None:
        """As tall as an A4 page wants, but never past the available screen: the buttons stay
        on it at 1366×768 and at 150 % scaling."""
        screen = (self.parentWidget() or self).screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry()
        frame = 40  # title bar and borders, outside the geometry resize() sets
        width, height = min(900, room.width() - frame), min(1000, room.height() - 2 * frame)
        self.setMaximumSize(room.width(), room.height() - frame)
        self.resize(width, height)
        self.move(room.x() + (room.width() - width) // 2, room.y() + frame // 2)

    def retranslate_ui(self) -> None:
        self.pages.setText(self.tr("%n page(s)", "", self.document.pageCount()))
        self.print_button.setText(self.tr("&Print…"))
        self.save_button.setText(self.tr("&Save as…"))
        self.close_button.setText(self.tr("Close"))

    # Dialogs a test can replace
    def ask_save_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save report"), self.suggested_name, self.tr("PDF files (*.pdf)")
        )
        return path

    def ask_printer(self):  # type: ignore[no-untyped-def]
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, max(self.document.pageCount(), 1))
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    def save_as(self) -> None:
        path = self.ask_save_path()
        if not path:
            return
        target = Path(path if path.lower().endswith(".pdf") else f"{path}.pdf")
        try:
            partial = target.with_name(target.name + ".partial")
            partial.write_bytes(self.pdf)
            partial.replace(target)
        except OSError as exc:
            ErrorDialog.show_error(self, exc)
            return
        self.saved_to = target
        from liaison_app.ui.exchange.export import Exporter

        Exporter.tell_written(
            self,
            self.windowTitle(),
            self.tr("Saved to %1").replace("%1", str(target)),
            target.parent,
        )

    def print_document(self) -> None:
        printer = self.ask_printer()
        if printer is not None:
            self.print_to(printer)

    def print_to(self, printer) -> int:  # type: ignore[no-untyped-def]
        """Print page by page at 100 %, each page on paper of its own orientation, rendered at
        the printer's resolution in bands of BAND_ROWS rows (memory stays flat however many or
        large the pages); returns the pages printed."""
        from PySide6.QtGui import QPageLayout
        from PySide6.QtPrintSupport import QPrinter

        first, last = 1, self.document.pageCount()
        if printer.printRange() == QPrinter.PrintRange.PageRange:
            first, last = max(printer.fromPage(), 1), min(printer.toPage() or last, last)
        if first > last:
            return 0
        printer.setFullPage(True)  # the PDF carries its own margins
        printer.setPageOrientation(self._orientation(first - 1, QPageLayout))
        painter = QPainter()
        if not painter.begin(printer):
            ErrorDialog.show_error(self, OSError(self.tr("The printer could not be started.")))
            return 0
        printed = 0
        try:
            for index in range(first - 1, last):
                if printed:
                    printer.setPageOrientation(self._orientation(index, QPageLayout))
                    printer.newPage()
                self._paint_page(painter, printer, index)
                printed += 1
        finally:
            painter.end()
        return printed

    def _orientation(self, index: int, page_layout):  # type: ignore[no-untyped-def]
        points = self.document.pagePointSize(index)
        wide = points.width() > points.height()
        return page_layout.Orientation.Landscape if wide else page_layout.Orientation.Portrait

    def _paint_page(self, painter: QPainter, printer, index: int) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtPdf import QPdfDocumentRenderOptions

        points = self.document.pagePointSize(index)
        dpi = printer.resolution()
        size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
        paper = painter.viewport()
        if size.width() > paper.width() or size.height() > paper.height():  # smaller paper
            size = size.scaled(paper.size(), Qt.AspectRatioMode.KeepAspectRatio)
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(size)
        for top in range(0, size.height(), BAND_ROWS):
            band = QRect(0, top, size.width(), min(BAND_ROWS, size.height() - top))
            options.setScaledClipRect(band)
            image = self.document.render(index, band.size(), options)
            painter.drawImage(paper.x(), paper.y() + top, image)
            del image  # released before the next band is drawn


def show_report(ctx, parent: QWidget, make, title: str, name: tuple[object, ...]) -> None:  # type: ignore[no-untyped-def]
    """Build a report in the background, then preview it (print and save from there); saving
    offers ``name``'s parts joined (企业-走访记录表-日期.pdf) in the folder last saved to."""
    from liaison_app.ui.files import remember_folder, suggested_path

    def done(report) -> None:  # type: ignore[no-untyped-def]
        suggested = suggested_path(ctx, *name, suffix=".pdf")  # type: ignore[arg-type]
        preview = ReportPreview(report.pdf, title, suggested, report.warnings, parent)
        preview.exec()
        if preview.saved_to is not None:
            remember_folder(ctx, preview.saved_to)

    ctx.tasks.run(lambda _state: make(), done, lambda exc: ErrorDialog.show_error(parent, exc))
