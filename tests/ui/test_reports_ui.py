"""Reports in the app: preview, save as, print, and the batch export with progress and cancel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate

from liaison_app.ui.files import documents_folder, file_name
from liaison_app.ui.problems.view import ProblemLedgerView
from liaison_app.ui.reports.batch import BatchExportDialog, month_range
from liaison_app.ui.reports.preview import ReportPreview
from liaison_app.ui.visits.view import VisitsView
from tests.ui.conftest import add_enterprise


def seed(store, visits: int = 1) -> list[str]:
    ent = add_enterprise(store, "营口港务物流有限公司", district_code="210802")
    out = []
    for i in range(visits):
        v = store.visits.create(
            ent, {"visit_date": f"2026-11-{10 + i:02d}", "summary": "走访"}
        ).record.id
        store.problems.create(
            {"category": "logistics", "description": f"集装箱周转慢{i}"}, visit_id=v
        )
        out.append(v)
    return out


def test_preview_shows_pages_saves_and_prints(ctx, qtbot, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter

    (visit,) = seed(ctx.store)
    report = ctx.store.reports.visit_record(visit)
    preview = ReportPreview(report.pdf, "走访记录表", "visit.pdf")
    qtbot.addWidget(preview)
    assert preview.document.pageCount() == report.pages >= 1
    target = tmp_path / "saved"
    monkeypatch.setattr(ReportPreview, "ask_save_path", lambda self: str(target))
    from liaison_app.ui.exchange.export import Exporter

    monkeypatch.setattr(Exporter, "tell_written", classmethod(lambda cls, *a: None))
    preview.save_as()
    assert (tmp_path / "saved.pdf").read_bytes() == report.pdf
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert preview.print_to(printer) == report.pages
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF")


def test_ledger_button_previews_the_filtered_ledger(ctx, qtbot, monkeypatch):
    seed(ctx.store, 2)
    shown: list[ReportPreview] = []
    monkeypatch.setattr(ReportPreview, "exec", lambda self: shown.append(self) or 0)
    view = ProblemLedgerView(ctx)
    qtbot.addWidget(view)
    view.ensure_loaded()
    view.print_button.click()
    assert len(shown) == 1 and shown[0].document.pageCount() >= 1
    assert shown[0].pdf.startswith(b"%PDF")


def test_print_the_visit_just_saved(ctx, qtbot, monkeypatch):
    shown: list[ReportPreview] = []
    monkeypatch.setattr(ReportPreview, "exec", lambda self: shown.append(self) or 0)
    (visit,) = seed(ctx.store)
    view = VisitsView(ctx)
    qtbot.addWidget(view)
    assert not view.entry.print_button.isEnabled()
    view.entry.last_saved = visit
    view.entry.print_button.setEnabled(True)
    view.entry.print_button.click()
    assert len(shown) == 1
    suggested = Path(shown[0].suggested_name)  # where a person looks, named as they would
    assert suggested.parent == documents_folder() != Path.cwd()
    assert suggested.name.startswith("营口港务物流有限公司-")
    assert suggested.name.endswith("-2026-11-10.pdf") and visit[-8:] not in suggested.name


def test_saving_a_report_tells_where_and_the_next_save_starts_there(
    ctx, qtbot, tmp_path, monkeypatch
):
    from liaison_app.ui.exchange.export import Exporter
    from liaison_app.ui.reports.preview import show_report

    told: list[Path] = []
    monkeypatch.setattr(
        Exporter, "tell_written", classmethod(lambda cls, p, t, text, folder: told.append(folder))
    )
    monkeypatch.setattr(ReportPreview, "ask_save_path", lambda self: str(tmp_path / "台账"))
    offered: list[str] = []

    def save(self):
        offered.append(self.suggested_name)
        self.save_as()
        return 0

    monkeypatch.setattr(ReportPreview, "exec", save)
    seed(ctx.store)
    for n in (1, 2):
        show_report(ctx, None, ctx.store.reports.ledger, "台账", ("问题台账", dt.date(2026, 12, 1)))
        qtbot.waitUntil(lambda n=n: len(offered) == n, timeout=10000)
    assert told == [tmp_path, tmp_path]  # "Open folder" offered after each save
    assert Path(offered[0]).name == "问题台账-2026-12-01.pdf"
    assert Path(offered[1]).parent == tmp_path  # the folder last saved to
    assert (tmp_path / "台账.pdf").read_bytes().startswith(b"%PDF")


def test_file_names_offered_hold_no_character_a_file_system_refuses():
    assert file_name("A/B:C*公司", "走访记录表", dt.date(2026, 1, 2), suffix=".pdf") == (
        "A_B_C_公司-走访记录表-2026-01-02.pdf"
    )


def test_batch_export_writes_a_month_and_reports_progress(ctx, qtbot, tmp_path):
    seed(ctx.store, 3)
    dialog = BatchExportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.month.setDate(QDate(2026, 11, 1))
    dialog.folder.setText(str(tmp_path))
    with qtbot.waitSignal(dialog.finished_export) as done:
        dialog.start()
    assert len(done.args[0]) == 3 and len(list(tmp_path.glob("*.pdf"))) == 3
    assert "3" in dialog.status.text()
    assert dialog.open_folder.isVisible() or not dialog.open_folder.isHidden()
    assert BatchExportDialog(ctx).folder.text() == str(documents_folder())  # not the cwd
    assert month_range(dt.date(2026, 2, 10)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_batch_export_into_a_missing_folder_is_explained(ctx, qtbot, tmp_path, errors):
    seed(ctx.store)
    dialog = BatchExportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.month.setDate(QDate(2026, 11, 1))
    dialog.folder.setText(str(tmp_path / "nope"))
    dialog.start()
    assert errors and "does not exist" in str(errors[0])


def test_every_caption_with_a_mnemonic_has_a_buddy_so_no_ampersand_shows(ctx, qtbot):
    from PySide6.QtWidgets import QLabel

    dialog = BatchExportDialog(ctx)
    qtbot.addWidget(dialog)
    for label in dialog.findChildren(QLabel):
        if "&" in label.text() and "&&" not in label.text():
            assert label.buddy() is not None, label.text()


def test_preview_fits_the_available_screen_with_its_buttons_on_it(ctx, qtbot):
    (visit,) = seed(ctx.store)
    preview = ReportPreview(ctx.store.reports.visit_record(visit).pdf, "走访记录表", "v.pdf")
    qtbot.addWidget(preview)
    preview.show()
    room = preview.screen().availableGeometry()
    assert room.contains(preview.frameGeometry()) or room.contains(preview.geometry())
    for button in (preview.print_button, preview.save_button, preview.close_button):
        corner = button.mapToGlobal(button.rect().bottomRight())
        assert room.contains(corner), button.text()


def test_a_landscape_ledger_prints_on_landscape_paper_at_full_size_band_by_band(
    ctx, qtbot, tmp_path, monkeypatch
):
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter

    seed(ctx.store, 2)
    report = ctx.store.reports.ledger()
    preview = ReportPreview(report.pdf, "问题台账", "ledger.pdf")
    qtbot.addWidget(preview)
    rendered: list[tuple[int, int]] = []
    real_render = preview.document.render

    def spy(index, size, options=None):  # the sizes of what is held in memory at once
        image = real_render(index, size) if options is None else real_render(index, size, options)
        rendered.append((image.width(), image.height()))
        return image

    monkeypatch.setattr(preview.document, "render", spy)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # 1200 dpi
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert preview.print_to(printer) == report.pages
    printed = QPdfDocument()
    printed.load(str(tmp_path / "printed.pdf"))
    source = preview.document.pagePointSize(0)
    assert source.width() > source.height()  # the ledger is landscape
    for page in range(printed.pageCount()):
        size = printed.pagePointSize(page)
        assert size.width() > size.height()  # on landscape paper, not shrunk onto portrait
        assert abs(size.width() - source.width()) < 2  # at 100 %
    full_width = round(source.width() / 72 * printer.resolution())
    (width,) = {w for w, _ in rendered}
    assert abs(width - full_width) < full_width / 100  # at the printer's own resolution
    assert max(h for _, h in rendered) <= 512  # in bands, never one page-sized raster
