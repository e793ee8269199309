"""Each record's sync mark — waiting to be sent, on the server, not accepted (and why) — for
the lists' narrow sync column and the record pages; read a page of rows at a time and read
again when a sync finishes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QHeaderView, QTableView

from liaison_app.domain.messages import rejection_text
from liaison_app.domain.records import Changes
from liaison_app.ui.context import AppContext

SYNC_STATE = "sync_state"  # the Changes kind a finished sync publishes: marks may have moved
COLOURS = {"pending": "#a15c00", "sent": "#2e7d32", "rejected": "#b3261e"}
ICON_SIZE = 16


def _paint(state: str, size: int, ratio: float) -> QPixmap:
    """A round mark drawn for the screen's pixel ratio: a clock (waiting), a tick (on the
    server), an exclamation mark (not accepted). Shape, not colour alone, tells them apart."""
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(COLOURS[state])
    s = float(size)
    if state == "sent":
        p.setPen(QPen(colour, s * 0.16, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        path = QPainterPath(QPointF(s * 0.2, s * 0.52))
        path.lineTo(s * 0.42, s * 0.74)
        path.lineTo(s * 0.82, s * 0.28)
        p.drawPath(path)
    elif state == "pending":
        p.setPen(QPen(colour, s * 0.11))
        p.drawEllipse(QRectF(s * 0.1, s * 0.1, s * 0.8, s * 0.8))
        p.setPen(QPen(colour, s * 0.11, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(QPointF(s * 0.5, s * 0.5), QPointF(s * 0.5, s * 0.26))
        p.drawLine(QPointF(s * 0.5, s * 0.5), QPointF(s * 0.68, s * 0.6))
    else:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(QRectF(s * 0.06, s * 0.06, s * 0.88, s * 0.88))
        p.setPen(QPen(QColor("white"), s * 0.14, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(QPointF(s * 0.5, s * 0.26), QPointF(s * 0.5, s * 0.56))
        p.drawPoint(QPointF(s * 0.5, s * 0.74))
    p.end()
    return pixmap


_icons: dict[str, QIcon] = {}


def state_icon(state: str) -> QIcon:
    if state not in _icons:
        icon = QIcon()
        for ratio in (1.0, 1.5, 2.0, QGuiApplication.primaryScreen().devicePixelRatio()):
            icon.addPixmap(_paint(state, ICON_SIZE, ratio))
        _icons[state] = icon
    return _icons[state]


def state_text(record: Any, lang: str) -> str:
    """The mark in words: short for a waiting or sent record, the reason for a refused one."""
    if record.state == "pending":
        return QCoreApplication.translate("SyncMarks", "Not yet sent to the server")
    if record.state == "sent":
        return QCoreApplication.translate("SyncMarks", "On the server")
    why = rejection_text(record.reason, record.errors, record.held, lang)
    return QCoreApplication.translate("SyncMarks", "Not accepted by the server: %1").replace(
        "%1", why
    )


class SyncMarks(QObject):
    """The sync states of the rows one list has shown. ``changed`` when they were read again."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._states: dict[str, Any] = {}
        self._asked: set[str] = set()
        self.shown = ctx.store.sync.shows_record_states()
        ctx.events.changed.connect(self._on_data_changed)

    def fetch(self, ids: Iterable[str]) -> None:
        """Read the states of these rows (one statement for a page of them)."""
        ids = [i for i in ids if i]
        self._asked.update(ids)
        if not self.shown or not ids:
            return
        found = self._ctx.store.sync.record_states(ids)
        for ident in ids:
            if ident in found:
                self._states[ident] = found[ident]
            else:
                self._states.pop(ident, None)

    def wrap(self, loader: Callable[[int, int], list[Any]]) -> Callable[[int, int], list[Any]]:
        """A page loader that also reads the marks of the rows it loads."""

        def load(offset: int, limit: int) -> list[Any]:
            rows = loader(offset, limit)
            self.fetch(r.id for r in rows)
            return rows

        return load

    def forget(self) -> None:
        """The list is read afresh: the rows it shows from now on are fetched again (and a
        folder that just signed in starts showing marks)."""
        self._asked.clear()
        self._states.clear()
        shown = self._ctx.store.sync.shows_record_states()
        if shown != self.shown:
            self.shown = shown
            self.changed.emit()

    def state(self, ident: str | None) -> Any:
        return self._states.get(ident) if ident else None

    def icon(self, ident: str | None) -> QIcon | None:
        record = self.state(ident)
        return state_icon(record.state) if record is not None else None

    def tooltip(self, ident: str | None) -> str | None:
        record = self.state(ident)
        if record is None:
            return None
        return state_text(record, self._ctx.labels.translations.language)

    def refresh(self) -> None:
        """Read again the marks of every row shown so far (after a sync)."""
        self.shown = self._ctx.store.sync.shows_record_states()
        if not self.shown:
            self._states.clear()
        else:
            asked = list(self._asked)
            self._states.clear()
            self.fetch(asked)
        self.changed.emit()

    def _on_data_changed(self, changes: Changes) -> None:
        if SYNC_STATE in changes.kinds:
            self.refresh()


def fit_sync_column(table: QTableView, column: int, marks: SyncMarks) -> None:
    """A narrow fixed column of marks, hidden while the folder has never signed in."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
    header.resizeSection(column, ICON_SIZE + 14)

    def show() -> None:
        table.setColumnHidden(column, not marks.shown)

    show()
    marks.changed.connect(show)


def header_tip() -> str:
    return QCoreApplication.translate("SyncMarks", "Sync: sent to the server or not")


def mark_data(marks: SyncMarks, ident: str | None, role: int) -> Any:
    """What a list's sync column shows for a row."""
    if role == Qt.ItemDataRole.DecorationRole:
        return marks.icon(ident)
    if role == Qt.ItemDataRole.ToolTipRole:
        return marks.tooltip(ident)
    if role == Qt.ItemDataRole.AccessibleTextRole:
        return marks.tooltip(ident)
    return None


def page_line(ctx: AppContext, ident: str | None) -> str:
    """One line of HTML for a record's page: its mark in words (empty when none is shown)."""
    from liaison_app.ui.richtext import esc

    if ident is None or not ctx.store.sync.shows_record_states():
        return ""
    record = ctx.store.sync.record_states([ident]).get(ident)
    if record is None:
        return ""
    text = state_text(record, ctx.labels.translations.language)
    return f"<p style='color:{COLOURS[record.state]}'>● {esc(text)}</p>"
