"""Files only the server's own user may read: folders 0700 and files 0600, whatever the umask."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("liaison.server")

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and its missing parents) 0700, and tighten it if it exists looser.

    Only a folder the server owns is tightened: never one of another user's, nor a shared
    sticky folder such as /tmp, nor the home folder itself.
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):  # mkdir(parents=True) would give the parents the umask's
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=DIR_MODE)
            os.chmod(folder, DIR_MODE)  # exactly 0700, whatever the umask took away
    info = path.stat()
    if (
        info.st_mode & 0o077
        and info.st_uid == os.getuid()
        and not info.st_mode & stat.S_ISVTX
        and path.resolve() != Path.home().resolve()
    ):
        os.chmod(path, DIR_MODE)
        log.info("tightened folder permissions", extra={"fields": {"path": str(path)}})
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with 0600 if it is missing; tighten it if it exists looser."""
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        os.fchmod(fd, FILE_MODE)
        os.close(fd)
    tighten(path)
    return path


def tighten(path: Path) -> None:
    """0600 for an existing file of ours that others may read."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_mode & 0o077 and info.st_uid == os.getuid():
        os.chmod(path, FILE_MODE)


def write_new(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` (0600) unless the file exists; False when it already did.

    Written to a temporary name, then linked into place: a reader never sees half a file and
    of two processes racing to create it, exactly one wins.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        tmp.unlink(missing_ok=True)
