"""The status bar's sync part: offline / syncing / up to date, and what is waiting — each
part clickable (sign in or sync now, the changes not accepted, the conflicts)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from liaison_app.domain.dates import local_time
from liaison_app.ui.sync.controller import SyncView


def _button(tooltip_object: QWidget) -> QToolButton:
    b = QToolButton(tooltip_object)
    b.setAutoRaise(True)
    b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


class SyncStatus(QWidget):
    state_clicked = Signal()  # sign in when signed out, else sync now
    pending_clicked = Signal()
    rejected_clicked = Signal()
    conflicts_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = SyncView()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        self.state = _button(self)
        self.pending = _button(self)
        self.rejected = _button(self)
        self.conflicts = _button(self)
        for b in (self.pending, self.rejected, self.conflicts, self.state):
            row.addWidget(b)
        self.state.clicked.connect(self.state_clicked)
        self.pending.clicked.connect(self.pending_clicked)
        self.rejected.clicked.connect(self.rejected_clicked)
        self.conflicts.clicked.connect(self.conflicts_clicked)
        self.rejected.setStyleSheet("color: #b3261e;")
        self.conflicts.setStyleSheet("color: #a15c00;")
        self.show_view(self.view)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.show_view(self.view)
        super().changeEvent(event)

    def show_view(self, view: SyncView) -> None:
        self.view = view
        self.state.setText(self.state_text(view))
        self.state.setToolTip(self.state_tip(view))
        self.pending.setText(self.tr("%n change(s) not yet sent", "", view.pending))
        self.pending.setVisible(view.pending > 0)
        self.rejected.setText(self.tr("%n not accepted", "", view.not_accepted))
        self.rejected.setVisible(view.not_accepted > 0)
        self.conflicts.setText(self.tr("%n conflict(s)", "", view.conflicts))
        self.conflicts.setVisible(view.conflicts > 0)

    def state_text(self, v: SyncView) -> str:
        if not v.signed_in:
            return self.tr("Offline — all work is kept on this computer · Sign in…")
        if v.running and v.online is False and v.stage == "hello":
            # Looking for the server again while offline: not "syncing" until it answers.
            return self.tr("Offline — will sync when the server is reachable")
        if v.running:
            stage = self.stage_text(v.stage)
            if v.stage == "push" and v.total:
                return (
                    self.tr("Syncing: sending %1 of %2")
                    .replace("%1", f"{v.done:,}")
                    .replace("%2", f"{v.total:,}")
                )
            if v.stage == "pull" and v.done:
                return self.tr("Syncing: %1 records received").replace("%1", f"{v.done:,}")
            return self.tr("Syncing: %1").replace("%1", stage)
        if v.waiting_for_other:
            return self.tr("Waiting for another sync of this folder…")
        if v.online is False:
            return self.tr("Offline — will sync when the server is reachable")
        if v.device_revoked:
            return self.tr("Device disabled — click to sign in again")
        if v.needs_sign_in:
            return self.tr("Sign-in needed — click to sign in again")
        if v.error:
            return self.tr("Sync failed — click to retry")
        if v.last_sync_at is not None:
            at = local_time(v.last_sync_at).strftime("%H:%M")
            if v.pending:  # not "up to date" while changes wait to be sent
                return self.tr("Last sync %1").replace("%1", at)
            return self.tr("Up to date · last sync %1").replace("%1", at)
        return self.tr("Signed in — not synced yet")

    def stage_text(self, stage: str) -> str:
        return {
            "hello": self.tr("connecting…"),
            "reference": self.tr("fetching reference data…"),
            "upload": self.tr("uploading files…"),
            "push": self.tr("sending changes…"),
            "pull": self.tr("receiving changes…"),
            "download": self.tr("downloading files…"),
        }.get(stage, self.tr("working…"))

    def state_tip(self, v: SyncView) -> str:
        if not v.signed_in:
            return self.tr("Sign in to a sync server to send your records to the office")
        who = f"{v.display_name or v.user} · {v.server}"
        if v.needs_sign_in:
            return f"{v.error}\n{who}\n" + self.tr("Click to sign in")
        if v.error:
            return f"{v.error}\n{who}"
        return who + "\n" + self.tr("Click to sync now (F5)")
