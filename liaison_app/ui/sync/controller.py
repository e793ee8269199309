"""Sync in the app: by itself when the server is reachable, on a timer and shortly after local
changes, and on demand — always on the background runner, never in the way of typing.

The controller owns no HTTP and no SQL: it calls the sync service on a worker thread and
publishes one ``SyncView`` of where things stand for the status bar and the dialogs.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from liaison_app.domain.records import Changes
from liaison_app.errors import LiaisonError
from liaison_app.ui.context import AppContext

log = logging.getLogger(__name__)

PERIOD_MS = 5 * 60_000  # a sync every five minutes while signed in
DEBOUNCE_MS = 8_000  # and this long after the last local change
PROBE_MS = 30_000  # while offline, look for the server this often
BUSY_RETRY_MS = 15_000  # another sync of the folder is running (the command line): wait
SIGN_IN_REQUIRED = "sign_in_required"
DEVICE_REVOKED = "device_revoked"  # a sign-in required too, with its own words
SYNCED_KINDS = frozenset({"enterprise", "visit", "problem", "action", "attachment"})


@dataclass(frozen=True)
class SyncView:
    """Everything the status bar shows, in one value."""

    signed_in: bool = False
    user: str | None = None
    display_name: str | None = None
    role: str | None = None
    server: str | None = None
    running: bool = False
    stage: str = ""
    done: int = 0
    total: int = 0
    online: bool | None = None  # None: not tried yet
    pending: int = 0
    not_accepted: int = 0
    conflicts: int = 0
    files_missing: int = 0
    last_sync_at: dt.datetime | None = None
    error: str | None = None  # the last failure, in the person's language
    error_code: str | None = None
    waiting_for_other: bool = False

    @property
    def needs_sign_in(self) -> bool:
        """Signed in on paper, but the server wants the password again: the sign-in expired,
        the device was revoked, or it lasted one run (no keyring) and the app was restarted.
        Retrying cannot help; only signing in again can."""
        return self.signed_in and self.error_code in (SIGN_IN_REQUIRED, DEVICE_REVOKED)

    @property
    def device_revoked(self) -> bool:
        return self.signed_in and self.error_code == DEVICE_REVOKED


def _stamp(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


class _Progress(QObject):
    """Carries the engine's progress from the worker thread to the GUI thread."""

    moved = Signal(str, int, int)


class SyncController(QObject):
    view_changed = Signal(object)  # SyncView
    sync_finished = Signal(object)  # the report
    sync_failed = Signal(object)  # the exception

    def __init__(
        self,
        ctx: AppContext,
        parent: QObject | None = None,
        *,
        period_ms: int = PERIOD_MS,
        debounce_ms: int = DEBOUNCE_MS,
        probe_ms: int = PROBE_MS,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.view = SyncView()
        self._again = False
        self._sync_when_known = False  # start(): sync as soon as the status says signed in
        self._progress = _Progress(self)
        self._progress.moved.connect(self._on_progress)
        self._period = self._timer(period_ms, self.sync_now)
        self._debounce = self._timer(debounce_ms, self.sync_now, single=True)
        self._probe = self._timer(probe_ms, self._on_probe, single=True)
        self._busy = self._timer(BUSY_RETRY_MS, self.sync_now, single=True)
        ctx.store.sync.configure(lock_wait=1.0)
        ctx.events.changed.connect(self._on_data_changed)
        self._watch_network()

    def _timer(self, ms: int, slot: Any, single: bool = False) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(ms)
        timer.setSingleShot(single)
        timer.timeout.connect(slot)
        return timer

    # ---- status ----------------------------------------------------------------------------
    def start(self) -> None:
        """Read where things stand, and begin syncing if signed in (once the status read on
        the worker says so: before it answers, the view does not know yet)."""
        self._sync_when_known = True
        self.refresh()
        self._period.start()

    def stop(self) -> None:
        for timer in (self._period, self._debounce, self._probe, self._busy):
            timer.stop()

    def refresh(self) -> None:
        store = self._ctx.store
        self._ctx.tasks.run(
            lambda _s: store.sync.status(),
            self._on_status,
            lambda exc: log.warning("sync status failed: %s", exc),
        )

    def _on_status(self, status: Any) -> None:
        self._set(
            signed_in=status.signed_in,
            user=status.user,
            display_name=status.display_name,
            role=status.role,
            server=status.server,
            pending=status.pending,
            not_accepted=status.not_accepted,
            conflicts=status.open_conflicts,
            files_missing=status.files_missing,
            last_sync_at=_stamp(status.last_sync_at),
        )
        if self._sync_when_known:
            self._sync_when_known = False
            if self.view.signed_in and not self.view.running:
                self.sync_now()

    def _set(self, **changes: Any) -> None:
        self.view = replace(self.view, **changes)
        self.view_changed.emit(self.view)

    # ---- triggers --------------------------------------------------------------------------
    def _on_data_changed(self, changes: Changes) -> None:
        if changes.kinds & SYNCED_KINDS and not changes.from_sync:
            self.refresh()
            if self.view.signed_in:
                self._debounce.start()  # restarted by each change: one sync after a burst

    def _watch_network(self) -> None:
        """The computer joining a network (the officer plugs in at the office) starts a sync
        at once, not at the next look for the server. Without a backend for the operating
        system's network state, the periodic look remains."""
        from PySide6.QtNetwork import QNetworkInformation

        try:
            if QNetworkInformation.loadDefaultBackend():
                info = QNetworkInformation.instance()
                info.reachabilityChanged.connect(self.network_changed)
        except Exception as exc:  # noqa: BLE001 - an optional convenience
            log.info("no network state: %s", exc)

    def network_changed(self, reachability: Any) -> None:
        """A network came (or went): look for the server now when it came."""
        from PySide6.QtNetwork import QNetworkInformation

        usable = (
            QNetworkInformation.Reachability.Site,
            QNetworkInformation.Reachability.Online,
        )
        if reachability in usable and self.view.signed_in and not self.view.running:
            self._probe.stop()
            self.sync_now()

    def _on_probe(self) -> None:
        if self.view.signed_in and not self.view.running:
            self.sync_now()

    def sync_now(self) -> None:
        """Sync now (a sync already running is followed by one more)."""
        if not self.view.signed_in:
            self.refresh()
            return
        if self.view.running:
            self._again = True
            return
        self._debounce.stop()
        self._set(running=True, stage="hello", done=0, total=0, waiting_for_other=False)
        store, progress = self._ctx.store, self._progress

        def run(_state: object) -> Any:
            return store.sync.sync(
                lambda stage, done, total: progress.moved.emit(stage, done, total)
            )

        self._ctx.tasks.run(run, self._on_done, self._on_failed)

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        if self.view.running:
            self._set(stage=stage, done=done, total=total)

    def _on_done(self, report: Any) -> None:
        self._set(running=False, online=True, error=None, error_code=None, stage="")
        self._probe.stop()
        if report.pulled or report.repairs:
            self._ctx.events.emit_changes(Changes(SYNCED_KINDS, frozenset(), from_sync=True))
        self._marks_moved()
        self.sync_finished.emit(report)
        self.refresh()
        self._follow_up()

    def _on_failed(self, exc: BaseException) -> None:
        from liaison_app.domain.messages import error_text
        from liaison_app.ui.forms import current_language

        code = exc.code if isinstance(exc, LiaisonError) else "unexpected"
        if isinstance(exc, LiaisonError):
            text = error_text(exc, current_language())
        else:
            log.error("sync failed", exc_info=(type(exc), exc, exc.__traceback__))
            text = str(exc)
        busy = code == "sync_busy"
        offline = code in ("unreachable", "server_failed", "throttled")
        self._set(
            running=False,
            stage="",
            error=None if busy else text,
            error_code=None if busy else code,
            online=False if offline else self.view.online,
            waiting_for_other=busy,
        )
        if busy:
            self._busy.start()
        elif offline:
            self._probe.start()
        self._marks_moved()  # what was pushed before the failure is on the server
        self.sync_failed.emit(exc)
        self.refresh()
        self._follow_up()

    def _marks_moved(self) -> None:
        """The lists' per-record sync marks may have changed (sent, refused, pulled)."""
        self._ctx.events.emit_changes(Changes(frozenset({"sync_state"}), from_sync=True))

    def _follow_up(self) -> None:
        if self._again:
            self._again = False
            QTimer.singleShot(0, self.sync_now)

    # ---- sign in / out ---------------------------------------------------------------------
    def signed_in(self) -> None:
        """After the sign-in dialog: read the new state and sync at once."""
        self._set(signed_in=True, online=True, error=None, error_code=None)
        self.refresh()
        self.sync_now()

    def signed_out(self) -> None:
        self.stop()
        self._period.start()
        self._set(signed_in=False, online=None, error=None, error_code=None)
        self.refresh()
