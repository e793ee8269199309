"""One sync at a time per data folder: an OS file lock that a killed process cannot leave stuck.

The operating system drops the lock when the process holding it ends, however it ends, so
there is nothing stale to detect. The GUI and the command line share the lock file.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import TracebackType

from liaison_app.errors import LiaisonError

LOCK_NAME = "sync.lock"


class SyncBusy(LiaisonError):
    """Another sync of this folder is running (the app, or another `liaison sync`)."""

    code = "sync_busy"


class SyncLock:
    def __init__(self, data_dir: Path, wait: float = 0.0) -> None:
        self.path = data_dir / LOCK_NAME
        self.wait = wait
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                _lock(fd)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise SyncBusy(
                        "another sync of this data folder is running (the app or another "
                        "`liaison sync`); it will send these changes too"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                _unlock(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    @property
    def held(self) -> bool:
        return self._fd is not None


def busy(data_dir: Path) -> bool:
    """Whether some process is syncing this folder right now."""
    lock = SyncLock(data_dir)
    try:
        lock.acquire()
    except SyncBusy:
        return True
    lock.release()
    return False


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
