"""Blobs (photos, scans): uploaded in resumable chunks, verified by sha256 on commit.

A blob is downloadable by whoever uploaded it and by anyone whose scope holds an attachment
record naming it; its metadata syncs as an ordinary record and may arrive before the bytes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine

from liaison_app.errors import InputError, NotFoundError
from liaison_app.server.audit import utcnow
from liaison_app.server.db import reading
from liaison_app.server.pull import scope_filter
from liaison_app.server.review import Forbidden
from liaison_app.server.schema import blobs, records
from liaison_app.server.sync_types import Caller, SyncRefused

MAX_CHUNK = 4 * 2**20
MAX_BLOB = 200 * 2**20
_SHA = re.compile(r"[0-9a-f]{64}")


class BlobStore:
    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _paths(self, sha: str) -> tuple[Path, Path]:
        if not _SHA.fullmatch(sha):
            raise InputError("a blob is named by the lowercase hex sha256 of its bytes")
        return self.folder / sha[:2] / sha, self.folder / "partial" / sha

    def status(self, caller: Caller, sha: str) -> dict[str, Any]:
        final, partial = self._paths(sha)
        if final.exists():
            return {"sha256": sha, "received": final.stat().st_size, "complete": True}
        return {
            "sha256": sha,
            "received": partial.stat().st_size if partial.exists() else 0,
            "complete": False,
        }

    def upload(self, caller: Caller, sha: str, offset: int, chunk: bytes) -> dict[str, Any]:
        """Append a chunk at ``offset``; a resend of bytes already held is accepted as is."""
        final, partial = self._paths(sha)
        if final.exists():
            return self.status(caller, sha)
        if len(chunk) > MAX_CHUNK:
            raise InputError(f"chunks are at most {MAX_CHUNK} bytes")
        partial.parent.mkdir(parents=True, exist_ok=True)
        have = partial.stat().st_size if partial.exists() else 0
        if offset > have:
            raise SyncRefused(
                "blob_offset", f"the server holds {have} bytes; resume from there", received=have
            )
        if offset + len(chunk) > MAX_BLOB:
            raise InputError(f"a blob is at most {MAX_BLOB} bytes")
        with partial.open("r+b" if partial.exists() else "wb") as fh:
            fh.seek(offset)  # below ``have`` this rewrites bytes a lost answer made us resend
            fh.write(chunk)
        return self.status(caller, sha)

    def commit(self, caller: Caller, sha: str) -> dict[str, Any]:
        """Check the bytes against their name; only then is the blob stored."""
        final, partial = self._paths(sha)
        if final.exists():
            return self.status(caller, sha)
        if not partial.exists():
            raise NotFoundError("blob upload", sha)
        digest = hashlib.sha256()
        with partial.open("rb") as fh:
            for block in iter(lambda: fh.read(2**20), b""):
                digest.update(block)
        if digest.hexdigest() != sha:
            partial.unlink()
            raise InputError("the uploaded bytes do not match their sha256; upload them again")
        final.parent.mkdir(parents=True, exist_ok=True)
        size = partial.stat().st_size
        partial.replace(final)
        with self.engine.begin() as conn:
            if conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == sha)).first() is None:
                conn.execute(
                    insert(blobs).values(
                        sha256=sha, size=size, uploaded_by=caller.user_id, committed_at=utcnow()
                    )
                )
        return self.status(caller, sha)

    def open(self, caller: Caller, sha: str) -> Path:
        final, _ = self._paths(sha)
        with reading(self.engine) as conn:
            row = conn.execute(select(blobs).where(blobs.c.sha256 == sha)).first()
            if row is None or not final.exists():
                raise NotFoundError("blob", sha)
            mine = row.uploaded_by == caller.user_id
            named = conn.execute(
                select(records.c.id).where(
                    records.c.blob_sha256 == sha, records.c.deleted.is_(False), scope_filter(caller)
                )
            ).first()
        if not (mine or named or caller.role == "admin"):
            raise Forbidden("no attachment in your scope names this file")
        return final


def possession(conn: Connection, caller: Caller, sha: str) -> str:
    """May the caller name this blob in an attachment? "absent": no such blob yet (metadata
    may come first); "proven": the caller uploaded it, or an attachment in the caller's scope
    made by its uploader names it; "unproven": it exists, but knowing its hash is no proof."""
    row = conn.execute(select(blobs.c.uploaded_by).where(blobs.c.sha256 == sha)).first()
    if row is None:
        return "absent"
    if row.uploaded_by == caller.user_id or caller.role == "admin":
        return "proven"
    vouched = conn.execute(
        select(records.c.id)
        .where(
            records.c.blob_sha256 == sha,
            records.c.entity == "attachment",
            records.c.created_by == row.uploaded_by,
            scope_filter(caller),
        )
        .limit(1)
    ).first()
    return "proven" if vouched is not None else "unproven"
