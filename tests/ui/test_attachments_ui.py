"""Photos and documents on a visit and a problem, driven through the panel: the picker, drag
and drop, thumbnails, shrinking on request, removal and undo, and a photo attached in one
folder opened in another after both sync (the real server in a subprocess)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import QApplication

from liaison_app.ui.attachments.panel import AttachmentsPanel
from liaison_app.ui.context import AppContext, Labels
from liaison_app.ui.events import DataEvents
from liaison_app.ui.i18n import Translations
from liaison_app.ui.problems.view import ProblemLedgerView
from liaison_app.ui.settings import AppSettings
from liaison_app.ui.sync.controller import SyncController
from liaison_app.ui.tasks import ImmediateRunner
from liaison_app.ui.visits.view import VisitsView
from tests.sync.conftest import sqlite_server  # noqa: F401  (the session's server)
from tests.sync.harness import PASSWORD, Folder, unique


@pytest.fixture
def server(sqlite_server):  # noqa: F811
    return sqlite_server


def photo(path: Path, size=(4000, 3000), colour="teal") -> Path:
    Image.new("RGB", size, colour).save(path, "JPEG", quality=95)
    return path


@pytest.fixture
def visit(ctx) -> str:
    firm = ctx.store.enterprises.create(
        {"name": f"沈阳测试{unique('')}", "district_code": "210102"}
    )
    return ctx.store.visits.create(firm.record.id, {"visit_date": "2026-11-19"}).record.id


@pytest.fixture
def picked(monkeypatch) -> list[Path]:
    """What the file picker will return (the test fills it)."""
    files: list[Path] = []
    monkeypatch.setattr(
        AttachmentsPanel, "ask_files", classmethod(lambda cls, p, t, f: [str(x) for x in files])
    )
    return files


@pytest.fixture
def opened(monkeypatch) -> list[Path]:
    urls: list[Path] = []
    monkeypatch.setattr(
        AttachmentsPanel,
        "open_url",
        classmethod(lambda cls, url: urls.append(Path(url.toLocalFile())) or True),
    )
    return urls


@pytest.fixture
def told(monkeypatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(
        AttachmentsPanel, "tell", classmethod(lambda cls, p, text: said.append(text))
    )
    return said


def visit_page(ctx, qtbot, visit_id: str) -> AttachmentsPanel:
    view = VisitsView(ctx)
    qtbot.addWidget(view)
    view.show_visit(visit_id)
    panel = view.detail.attachments
    assert panel.owner == visit_id
    return panel


def tile_texts(panel: AttachmentsPanel) -> list[str]:
    return [panel.list.item(i).text() for i in range(panel.list.count())]


def drop(widget, files: list[Path]) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    actions = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(10, 10), actions, data, buttons, mods)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(widget, QDropEvent(QPoint(10, 10), actions, data, buttons, mods))


def test_photos_picked_show_as_thumbnails_and_open_in_the_viewer(
    ctx, qtbot, visit, tmp_path, picked, opened
):
    panel = visit_page(ctx, qtbot, visit)
    assert panel.title.text() == "Photos and documents (0)"
    picked += [photo(tmp_path / "车间.jpg", (640, 480)), tmp_path / "说明.pdf"]
    picked[1].write_bytes(b"%PDF-1.4 a short document")
    panel.add_photos.click()
    assert panel.title.text() == "Photos and documents (2)"
    assert tile_texts(panel)[0].startswith("车间.jpg\n")
    assert panel.thumbnailed == {panel.records[0].id}  # the photo shows itself; the PDF a sheet
    assert not panel.progress.isVisible()
    panel.list.setCurrentRow(1)
    panel.open_button.click()
    assert opened[-1].name == "说明.pdf"
    assert opened[-1].read_bytes() == picked[1].read_bytes()  # a copy, the stored file untouched
    assert opened[-1] != ctx.store.attachments.file_path(panel.records[1].id)


def test_files_dropped_on_a_problem_are_attached(ctx, qtbot, visit, tmp_path):
    problem = ctx.store.problems.create(
        {"category": "funding", "description": "融资难", "urgency": "normal"}, visit_id=visit
    ).record.id
    ledger = ProblemLedgerView(ctx)
    qtbot.addWidget(ledger)
    ledger.ensure_loaded()
    ledger.select(problem)
    panel = ledger.detail.attachments
    assert panel.owner == problem
    files = [photo(tmp_path / "a.jpg", (300, 200)), photo(tmp_path / "b.png", (200, 300))]
    drop(panel.list.viewport(), files)
    assert [a.filename for a in panel.records] == ["a.jpg", "b.png"]
    assert len(panel.thumbnailed) == 2


def test_removing_an_attachment_and_undoing_it(ctx, qtbot, visit, tmp_path, picked):
    panel = visit_page(ctx, qtbot, visit)
    picked.append(photo(tmp_path / "a.jpg", (300, 200)))
    panel.add_photos.click()
    panel.list.setCurrentRow(0)
    panel.remove_button.click()
    assert panel.list.count() == 0 and ctx.store.attachments.list(visit) == []
    assert ctx.undo.undoText() == "Remove 1 attachment"
    ctx.undo.undo()
    assert tile_texts(panel)[0].startswith("a.jpg")


def test_photos_shrink_on_request_and_the_original_is_kept(ctx, qtbot, visit, tmp_path, picked):
    panel = visit_page(ctx, qtbot, visit)
    assert not panel.shrink.isChecked()  # as taken, unless asked
    panel.shrink.setChecked(True)
    big = photo(tmp_path / "现场.jpg")
    picked.append(big)
    panel.add_photos.click()
    small = panel.records[0]
    with Image.open(ctx.store.attachments.file_path(small.id)) as img:
        assert max(img.size) == 2000
    assert small.size < big.stat().st_size
    assert "full-size original is kept here" in panel.list.item(0).toolTip()
    kept = ctx.store.attachments.save_original(small.id, tmp_path / "back.jpg")
    assert kept.read_bytes() == big.read_bytes()
    panel.keep_originals.setChecked(False)  # the officer chooses otherwise
    picked[:] = [photo(tmp_path / "第二张.jpg")]
    panel.add_photos.click()
    assert not panel.records[1].has_original
    assert "original" not in panel.list.item(1).toolTip()


def other_context(qapp, store, tmp_path: Path) -> AppContext:
    translations = Translations(qapp)
    context = AppContext(
        store,
        DataEvents(),
        Labels(translations),
        ImmediateRunner(),
        AppSettings(str(tmp_path / "other-settings.ini")),
        QUndoStack(),
    )
    context.load_reference()
    return context


def test_a_photo_attached_in_one_folder_opens_in_another(
    ctx, qapp, qtbot, server, visit, tmp_path, picked, opened, told
):
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    ctx.store.sync.login(server.url, wang, PASSWORD)
    controller = SyncController(ctx)
    controller.refresh()
    panel = visit_page(ctx, qtbot, visit)
    picked += [photo(tmp_path / "现场照片.jpg", (1200, 900), "orange")]
    panel.scan_button.click()  # the scan of the signed record, here a photo of it
    assert panel.records[0].caption == "Scan of the signed visit record"
    controller.sync_now()
    firm = ctx.store.visits.get(visit).enterprise_id
    server.admin("assign", "--enterprise", firm, "--to", li)

    other = Folder(tmp_path / "li", server)
    try:
        other.login(li)
        other.crash_at = "after_apply"  # the records arrive; the app stops before the file
        with pytest.raises(BaseException, match="after_apply"):
            other.sync()
        theirs = other_context(qapp, other.store, tmp_path)
        their_panel = visit_page(theirs, qtbot, visit)
        assert tile_texts(their_panel) == ["现场照片.jpg\nNot downloaded yet"]
        their_panel.list.setCurrentRow(0)
        their_panel.open_button.click()
        assert opened == [] and "has not been downloaded yet" in told[-1]

        their_controller = SyncController(theirs)
        their_controller.refresh()
        their_controller.sync_now()  # the file arrives; the page shows it
        assert tile_texts(their_panel)[0].startswith("现场照片.jpg\n")
        assert their_panel.thumbnailed == {their_panel.records[0].id}
        their_panel.list.setCurrentRow(0)
        their_panel.open_button.click()
        assert opened[-1].read_bytes() == picked[0].read_bytes()
    finally:
        other.close()
