"""A visit's or a problem's photos and documents: add (picker or drag and drop), thumbnails,
open with the system viewer, remove (undoable), and files still on their way from the server."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from liaison_app.domain.labels import signed_scan_caption
from liaison_app.domain.records import AttachmentRecord, Changes
from liaison_app.ui import settings as keys
from liaison_app.ui.attachments.thumbnails import (
    THUMB,
    document_tile,
    missing_tile,
    not_downloaded_text,
    read_thumbnail,
)
from liaison_app.ui.context import AppContext
from liaison_app.ui.errors import ErrorDialog
from liaison_app.ui.sync.record_state import SyncMarks
from liaison_app.ui.undo import delete_undoably

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
PHOTO_FILTER = "*.jpg *.jpeg *.png *.heic *.webp *.tif *.tiff *.bmp *.gif"
OPENED = "liaison-opened"  # the temporary folder of copies handed to the system viewer


def _size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024**2:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024**2:.1f} MB"


class AttachmentList(QListWidget):
    """Tiles of the attachments; files dropped on it are reported, not moved about."""

    files_dropped = Signal(list)  # list[Path]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWrapping(True)
        self.setWordWrap(True)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 40, THUMB + 44))
        self.setSpacing(4)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(False)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)  # drops arrive at the viewport
        self.setDropIndicatorShown(False)

    @staticmethod
    def _files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        data = event.mimeData()
        if not data.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in data.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        if self._files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [f for f in self._files(event) if f.is_file()]
        if files:
            event.acceptProposedAction()
            self.files_dropped.emit(files)
        else:
            event.ignore()


class AttachmentsPanel(QWidget):
    """``signed_scan``: offer "Attach scan of the signed visit record" (on a visit)."""

    added = Signal(int)  # how many files were attached

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, signed_scan: bool = False
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.owner: str | None = None
        self.records: list[AttachmentRecord] = []
        self.thumbnailed: set[str] = set()  # tiles showing the photo itself
        self.marks = SyncMarks(ctx, self)
        self.marks.changed.connect(self._show_tips)
        self.title = QLabel()
        self.list = AttachmentList()
        self.list.files_dropped.connect(self.add_files)
        self.list.itemActivated.connect(lambda _i: self.open_selected())
        self.list.itemSelectionChanged.connect(self._enable)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.add_photos = QPushButton()
        self.add_documents = QPushButton()
        self.scan_button = QPushButton()
        self.scan_button.setVisible(signed_scan)
        self.open_button = QPushButton()
        self.remove_button = QPushButton()
        self.shrink = QCheckBox()
        self.keep_originals = QCheckBox()
        self.shrink.setChecked(bool(ctx.settings.get(keys.SHRINK_PHOTOS)))
        self.keep_originals.setChecked(bool(ctx.settings.get(keys.KEEP_ORIGINALS)))
        self.keep_originals.setEnabled(self.shrink.isChecked())
        self.shrink.toggled.connect(self._on_shrink_toggled)
        self.keep_originals.toggled.connect(
            lambda on: ctx.settings.set(keys.KEEP_ORIGINALS, int(on))
        )
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.add_photos.clicked.connect(self.pick_photos)
        self.add_documents.clicked.connect(self.pick_documents)
        self.scan_button.clicked.connect(self.pick_signed_scan)
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button.clicked.connect(self.remove_selected)

        # Short rows, so the page fits beside the list on a 1366-pixel screen (and at 150 %).
        buttons = QHBoxLayout()
        for b in (self.add_photos, self.add_documents):
            buttons.addWidget(b)
        buttons.addStretch(1)
        handling = QHBoxLayout()
        handling.addWidget(self.open_button)
        handling.addWidget(self.remove_button)
        handling.addStretch(1)
        options = QVBoxLayout()
        options.setSpacing(2)
        options.addWidget(self.scan_button, 0, Qt.AlignmentFlag.AlignLeft)
        options.addWidget(self.shrink)
        options.addWidget(self.keep_originals)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        layout.addLayout(handling)
        layout.addLayout(options)
        ctx.events.changed.connect(self._on_data_changed)
        self.retranslate_ui()
        self.set_owner(None)

    # ---- language --------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self._fill()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.add_photos.setText(self.tr("Add &photos…"))
        self.add_documents.setText(self.tr("Add &documents…"))
        self.scan_button.setText(self.tr("Attach scan of the &signed visit record…"))
        self.open_button.setText(self.tr("&Open"))
        self.remove_button.setText(self.tr("&Remove"))
        self.shrink.setText(self.tr("Shrink photos (2000 px)"))
        self.shrink.setToolTip(
            self.tr(
                "Photos are attached as JPEG copies whose longest side is 2000 pixels: "
                "quicker to send and to open, sharp enough for any report."
            )
        )
        self.keep_originals.setText(self.tr("Keep originals here"))
        self.keep_originals.setToolTip(
            self.tr(
                "The full-size photos stay in this data folder (never sent), to open or save later."
            )
        )
        self._update_title()

    def _update_title(self) -> None:
        self.title.setText(self.tr("Photos and documents (%n)", "", len(self.records)))
        self.hint.setText(
            self.tr("Drop photos or documents here to attach them.")
            if self.owner is not None
            else ""
        )

    # ---- showing ---------------------------------------------------------------------------
    def set_owner(self, ident: str | None) -> None:
        """Show the attachments of this visit or problem (None: nothing selected)."""
        self.owner = ident
        for w in (self.add_photos, self.add_documents, self.scan_button, self.list):
            w.setEnabled(ident is not None)
        self.reload()

    def reload(self) -> None:
        self.records = []
        if self.owner is not None:
            try:
                self.records = self._ctx.store.attachments.list(self.owner)
            except Exception as exc:  # noqa: BLE001 - e.g. the record was deleted meanwhile
                log.info("attachments not shown: %s", exc)
        self.marks.forget()
        self.marks.fetch(a.id for a in self.records)
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        self.thumbnailed.clear()
        ratio = self.devicePixelRatioF()
        for a in self.records:
            item = QListWidgetItem(self._tile_icon(a, ratio), self._tile_text(a))
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            self.list.addItem(item)
        self._show_tips()
        self._update_title()
        self._enable()
        self._load_thumbnails(ratio)

    def _tile_icon(self, a: AttachmentRecord, ratio: float) -> QIcon:
        if not a.available:
            return missing_tile(ratio)
        return document_tile(Path(a.filename).suffix, ratio)

    def _tile_text(self, a: AttachmentRecord) -> str:
        """Two lines that fit the tile: the name (shortened in the middle), then whether it
        is still on its way, the caption (a signed scan says so), or the size."""
        metrics = self.list.fontMetrics()
        width = self.list.gridSize().width() - 8
        mid, right = Qt.TextElideMode.ElideMiddle, Qt.TextElideMode.ElideRight
        second = not_downloaded_text() if not a.available else a.caption or _size_text(a.size)
        return (
            f"{metrics.elidedText(a.filename, mid, width)}\n"
            f"{metrics.elidedText(second, right, width)}"
        )

    def _show_tips(self) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            a = self.records[i] if i < len(self.records) else None
            if a is None:
                continue
            lines = [a.filename, _size_text(a.size)]
            if a.caption:
                lines.insert(1, a.caption)
            if not a.available:
                lines.append(self.tr("Not downloaded yet: it arrives with the next sync."))
            if a.has_original:
                lines.append(self.tr("Attached shrunk; the full-size original is kept here."))
            mark = self.marks.tooltip(a.id)
            if mark:
                lines.append(mark)
            item.setToolTip("\n".join(lines))

    def _load_thumbnails(self, ratio: float) -> None:
        """Photos are decoded on a worker; the tiles change when they are ready."""
        store, owner = self._ctx.store, self.owner
        wanted = [
            a
            for a in self.records
            if a.available and Path(a.filename).suffix.lower() in IMAGE_SUFFIXES
        ]
        if not wanted:
            return
        side = round(THUMB * ratio)

        def read(_state: object) -> tuple[str | None, dict[str, Any]]:
            images = {}
            for a in wanted:
                path = store.attachments.blobs.path(a.sha256)
                image = read_thumbnail(path, side)
                if image is not None:
                    images[a.id] = image
            return owner, images

        self._ctx.tasks.run(read, self._show_thumbnails, lambda exc: log.info("%s", exc))

    def _show_thumbnails(self, result: tuple[str | None, dict[str, Any]]) -> None:
        owner, images = result
        if owner != self.owner:
            return  # another record is shown by now
        for i in range(self.list.count()):
            item = self.list.item(i)
            ident = item.data(Qt.ItemDataRole.UserRole)
            image = images.get(ident)
            if image is not None:
                pixmap = QPixmap.fromImage(image)
                pixmap.setDevicePixelRatio(self.devicePixelRatioF())
                item.setIcon(QIcon(pixmap))
                self.thumbnailed.add(ident)

    def selected(self) -> list[AttachmentRecord]:
        rows = sorted(self.list.row(i) for i in self.list.selectedItems())
        return [self.records[r] for r in rows if 0 <= r < len(self.records)]

    def _enable(self) -> None:
        chosen = self.selected()
        self.open_button.setEnabled(len(chosen) == 1)
        self.remove_button.setEnabled(bool(chosen))

    def _on_data_changed(self, changes: Changes) -> None:
        # After a sync ("sync_state") files may have arrived and marks moved.
        if self.owner is not None and changes.kinds & {"attachment", "sync_state"}:
            self.reload()

    def _on_shrink_toggled(self, on: bool) -> None:
        self._ctx.settings.set(keys.SHRINK_PHOTOS, int(on))
        self.keep_originals.setEnabled(on)

    # ---- adding ----------------------------------------------------------------------------
    @classmethod
    def ask_files(cls, parent: QWidget, title: str, filters: str) -> list[str]:
        """Tests replace this."""
        names, _ = QFileDialog.getOpenFileNames(parent, title, "", filters)
        return names

    def pick_photos(self) -> None:
        photos = self.tr("Photos")
        every = self.tr("All files")
        names = self.ask_files(
            self, self.tr("Add photos"), f"{photos} ({PHOTO_FILTER});;{every} (*)"
        )
        self.add_files([Path(n) for n in names])

    def pick_documents(self) -> None:
        every = self.tr("All files")
        docs = self.tr("Documents")
        names = self.ask_files(
            self,
            self.tr("Add documents"),
            f"{docs} (*.pdf *.doc *.docx *.xls *.xlsx *.txt *.ofd);;{every} (*)",
        )
        self.add_files([Path(n) for n in names])

    def pick_signed_scan(self) -> None:
        scans = self.tr("Scans")
        every = self.tr("All files")
        names = self.ask_files(
            self,
            self.tr("Scan of the signed visit record"),
            f"{scans} (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;{every} (*)",
        )
        lang = self._ctx.labels.translations.language
        self.add_files([Path(n) for n in names[:1]], caption=signed_scan_caption(lang))

    def add_files(self, paths: list[Path], caption: str | None = None) -> None:
        """Copy the files in on the background runner, with progress; the tiles follow."""
        if self.owner is None or not paths:
            return
        owner, service = self.owner, self._ctx.store.attachments
        shrink = self.shrink.isChecked()
        keep = self.keep_originals.isChecked()
        self.progress.setRange(0, len(paths))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        for w in (self.add_photos, self.add_documents, self.scan_button):
            w.setEnabled(False)

        def work(state: Any) -> tuple[list[Any], list[tuple[Path, BaseException]]]:
            saved, failed = [], []
            for i, path in enumerate(paths):
                if state.cancelled:
                    break
                try:
                    saved.append(
                        service.add(owner, path, caption, shrink=shrink, keep_original=keep)
                    )
                except Exception as exc:  # noqa: BLE001 - the others are still attached
                    failed.append((path, exc))
                state.progress(i + 1, len(paths))
            return saved, failed

        self._ctx.tasks.run(
            work,
            self._on_added,
            self._on_add_failed,
            lambda done, total: self.progress.setValue(done),
        )

    def _added_done(self) -> None:
        self.progress.setVisible(False)
        for w in (self.add_photos, self.add_documents, self.scan_button):
            w.setEnabled(self.owner is not None)

    def _on_added(self, result: tuple[list[Any], list[tuple[Path, BaseException]]]) -> None:
        saved, failed = result
        self._added_done()
        if saved:
            ids = frozenset().union(*(s.changes.ids for s in saved))
            self._ctx.events.emit_changes(Changes(frozenset({"attachment"}), ids))
        for _path, exc in failed:
            ErrorDialog.show_error(self, exc)
        self.added.emit(len(saved))

    def _on_add_failed(self, exc: BaseException) -> None:
        self._added_done()
        ErrorDialog.show_error(self, exc)

    # ---- opening and removing --------------------------------------------------------------
    @classmethod
    def open_url(cls, url: QUrl) -> bool:
        """Tests replace this."""
        return QDesktopServices.openUrl(url)

    @classmethod
    def tell(cls, parent: QWidget, text: str) -> None:
        """Tests replace this."""
        QMessageBox.information(
            parent, QCoreApplication.translate("AttachmentsPanel", "Photos and documents"), text
        )

    def open_selected(self) -> None:
        chosen = self.selected()
        if len(chosen) == 1:
            self.open(chosen[0])

    def open(self, a: AttachmentRecord) -> Path | None:
        """Hand a copy of the file to the system's viewer (the stored file is never given out:
        an editor saving over it would break its checksum)."""
        if not a.available:
            self.tell(
                self,
                self.tr(
                    "%1 has not been downloaded yet. It arrives from the server with the next sync."
                ).replace("%1", a.filename),
            )
            return None
        folder = Path(tempfile.gettempdir()) / OPENED / a.id
        try:
            folder.mkdir(parents=True, exist_ok=True)
            copy = self._ctx.store.attachments.save_copy(a.id, folder / a.filename)
        except Exception as exc:  # noqa: BLE001
            ErrorDialog.show_error(self, exc)
            return None
        if not self.open_url(QUrl.fromLocalFile(str(copy))):
            self.tell(
                self,
                self.tr("No program on this computer opens %1. A copy is at %2.")
                .replace("%1", a.filename)
                .replace("%2", str(copy)),
            )
        return copy

    def remove_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        stack = self._ctx.undo
        stack.beginMacro(self.tr("Remove %n attachment(s)", "", len(chosen)))
        try:
            for a in chosen:
                delete_undoably(
                    stack,
                    self._ctx.events,
                    self._ctx.store.attachments,
                    a.id,
                    self.tr("Remove %1").replace("%1", a.filename),
                    self,
                )
        finally:
            stack.endMacro()
