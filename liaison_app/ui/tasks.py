"""Background work: QThreadPool + QRunnable; results and errors come back on the GUI thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)


class TaskState:
    """What a worker may touch: report progress, ask whether it was cancelled."""

    def __init__(self, signals: WorkerSignals | None = None) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def progress(self, done: int, total: int) -> None:
        if self._signals is not None:
            self._signals.progress.emit(done, total)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


class WorkerSignals(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Task(QRunnable):
    def __init__(
        self, fn: Callable[[TaskState], Any], signals: WorkerSignals, state: TaskState
    ) -> None:
        super().__init__()
        self.fn, self.signals, self.state = fn, signals, state

    def run(self) -> None:
        try:
            try:
                result = self.fn(self.state)
            except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread
                log.debug("background task failed", exc_info=True)
                self.signals.failed.emit(exc)
            else:
                self.signals.finished.emit(result)
        except RuntimeError:
            # The receiver went away (the app is quitting): nobody is waiting for the result.
            log.debug("background task finished after its receiver was deleted")


class TaskRunner:
    """Runs ``fn(state)`` on the pool; ``on_done``/``on_error`` are called on the GUI thread."""

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self._pool = pool or QThreadPool.globalInstance()
        self._live: set[WorkerSignals] = set()

    def run(
        self,
        fn: Callable[[TaskState], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int], None] | None = None,
        delay_ms: int = 0,
    ) -> TaskState:
        """``delay_ms`` lets the first paint happen before a start-up task competes for the GIL."""
        signals = WorkerSignals()
        state = TaskState(signals)
        self._live.add(signals)  # keep the QObject alive until a result arrives

        def done(result: Any) -> None:
            self._live.discard(signals)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self._live.discard(signals)
            on_error(exc)

        signals.finished.connect(done)
        signals.failed.connect(failed)
        if on_progress:
            signals.progress.connect(on_progress)
        task = _Task(fn, signals, state)
        if delay_ms:
            QTimer.singleShot(delay_ms, lambda: self._pool.start(task))
        else:
            self._pool.start(task)
        return state

    def wait(self) -> None:
        self._pool.waitForDone()


class ImmediateRunner(TaskRunner):
    """Runs tasks synchronously on the calling thread (unit tests)."""

    def __init__(self) -> None:  # noqa: D107 - no pool needed
        self._live = set()

    def run(self, fn, on_done, on_error, on_progress=None, delay_ms=0):  # type: ignore[no-untyped-def]
        state = TaskState()
        try:
            result = fn(state)
        except BaseException as exc:  # noqa: BLE001
            on_error(exc)
        else:
            on_done(result)
        return state

    def wait(self) -> None:
        return None
