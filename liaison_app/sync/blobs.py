"""The folder's files (photos, scans), content-addressed, and their trip to and from the server.

A file is stored under its sha256 (``blobs/ab/abcdef…``), written to a temporary name and
renamed, so a killed copy never leaves half a file under a real name. Uploads resume from what
the server says it holds; downloads resume from the partial file with an HTTP Range, and a
download is only kept when its sha256 matches.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from liaison_app.errors import InputError

CHUNK = 2 * 2**20  # upload chunk (the server takes up to 4 MB)
MAX_FILE = 200 * 2**20  # what the server accepts for one blob
_SHA = re.compile(r"[0-9a-f]{64}")

Progress = Callable[[int, int], None]


def _shown(path: Path | str) -> str:
    """A path for a message: a name that is not UTF-8 is escaped (printing it never fails)."""
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


class LocalBlobs:
    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "blobs"

    def path(self, sha: str) -> Path:
        if not _SHA.fullmatch(sha):
            raise InputError(f"{sha!r} is not a sha256")
        return self.root / sha[:2] / sha

    def partial(self, sha: str) -> Path:
        return self.root / "partial" / sha

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def add_file(self, source: Path) -> tuple[str, int]:
        """Copy a file in (hashing as it goes); returns (sha256, size)."""
        if not source.is_file():
            raise InputError(f"{_shown(source)} is not a file")
        size = source.stat().st_size
        if size > MAX_FILE:
            raise InputError(
                f"{_shown(source.name)} is {size / 2**20:.0f} MB; files of at most "
                f"{MAX_FILE // 2**20} MB can be attached"
            )
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                for block in iter(lambda: src.read(2**20), b""):
                    digest.update(block)
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path(sha)
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():
                os.unlink(tmp)
            else:
                os.replace(tmp, final)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return sha, size

    def copy_out(self, sha: str, target: Path) -> Path:
        source = self.path(sha)
        if not source.is_file():
            raise InputError("this file has not arrived from the server yet; sync first")
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(source, partial)
        partial.replace(target)
        return target

    def receive(self, sha: str, blocks: object, progress: Progress | None = None) -> bool:
        """Append downloaded blocks to the partial file; keep it when the hash matches.

        Returns True when the blob is now here, False when the bytes were wrong (dropped)."""
        partial = self.partial(sha)
        partial.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("ab") as out:
            for block in blocks:  # type: ignore[attr-defined]
                out.write(block)
                if progress is not None:
                    progress(out.tell(), 0)
            out.flush()
            os.fsync(out.fileno())
        digest = hashlib.sha256()
        with partial.open("rb") as fh:
            for block in iter(lambda: fh.read(2**20), b""):
                digest.update(block)
        if digest.hexdigest() != sha:
            partial.unlink()
            return False
        final = self.path(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, final)
        return True

    def partial_size(self, sha: str) -> int:
        p = self.partial(sha)
        return p.stat().st_size if p.exists() else 0

    def read_from(self, sha: str, offset: int, size: int = CHUNK) -> bytes:
        with self.path(sha).open("rb") as fh:
            fh.seek(offset)
            return fh.read(size)
