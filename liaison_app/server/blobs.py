"""Blobs (photos, scans): uploaded in resumable chunks, verified by sha256 on commit, and read
only with proof of possession.

An upload belongs to its uploader until committed: each user has a partial file of their own
per sha256, so nobody can wipe, corrupt or take over another's. Committing verified bytes makes
the caller an owner (``blob_owners``), also of a blob someone else stored first. A blob is
readable by its owners and by anyone whose scope holds an attachment record naming it that an
owner created: a record naming a sha256 its creator never uploaded proves nothing. Whatever
the caller may not read answers as if it did not exist. Metadata syncs as an ordinary record
and may arrive before the bytes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Table, and_, exists, or_, select
from sqlalchemy.engine import Connection, Engine

from liaison_app.errors import InputError, LiaisonError, NotFoundError
from liaison_app.server.audit import utcnow
from liaison_app.server.db import reading
from liaison_app.server.limits import CHUNK_LIMIT
from liaison_app.server.private import FILE_MODE, private_dir
from liaison_app.server.schema import blob_owners, blobs, records
from liaison_app.server.sync_types import Caller

MAX_CHUNK = CHUNK_LIMIT
MAX_BLOB = 200 * 2**20
SHA256 = r"^[0-9a-f]{64}$"


class OffsetMismatch(LiaisonError):
    """A chunk that does not continue the caller's upload (HTTP 409 with ``received``)."""

    code = "blob_offset"

    def __init__(self, received: int) -> None:
        super().__init__(f"the server holds {received} bytes; resume from there")
        self.received = received


def possesses(conn: Connection, user_id: int, sha256: str) -> bool:
    """Whether the user has uploaded these verified bytes themselves (an owner)."""
    found = conn.execute(
        select(blob_owners.c.user_id).where(
            blob_owners.c.sha256 == sha256, blob_owners.c.user_id == user_id
        )
    ).first()
    return found is not None


def may_read(conn: Connection, caller: Caller, sha256: str) -> bool:
    """Whether the caller may read the blob: they own it, or an attachment in their scope,
    made by one of its owners, names it. Push uses the same rule for an attachment create
    naming a blob that exists: possession, or a legitimate record already in scope."""
    from liaison_app.server.pull import scope_filter  # pull imports push, push imports us

    owner = exists().where(blob_owners.c.sha256 == sha256, blob_owners.c.user_id == caller.user_id)
    linked = (
        select(records.c.id)
        .join(
            blob_owners,
            and_(
                blob_owners.c.sha256 == records.c.blob_sha256,
                blob_owners.c.user_id == records.c.created_by,
            ),
        )
        .where(records.c.blob_sha256 == sha256, records.c.deleted.is_(False), scope_filter(caller))
        .exists()
    )
    return bool(conn.execute(select(or_(owner, linked))).scalar())


def _insert_missing(conn: Connection, table: Table, **values: Any) -> None:
    """INSERT … ON CONFLICT DO NOTHING: two users committing one blob at once both succeed."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        conn.execute(postgresql.insert(table).values(**values).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects import sqlite

        conn.execute(sqlite.insert(table).values(**values).on_conflict_do_nothing())


class BlobStore:
    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        self.folder = private_dir(folder)

    def _final(self, sha: str) -> Path:
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise InputError("a blob is named by the lowercase hex sha256 of its bytes")
        return self.folder / sha[:2] / sha

    def _partial(self, caller: Caller, sha: str) -> Path:
        return self.folder / "partial" / str(caller.user_id) / sha

    def status(self, caller: Caller, sha: str) -> dict[str, Any]:
        """The blob as the caller may see it: stored (when they may read it), else their own
        upload so far; a blob they may not read looks like one nobody uploaded."""
        final, partial = self._final(sha), self._partial(caller, sha)
        with reading(self.engine) as conn:
            readable = may_read(conn, caller, sha)
        if readable and final.exists():
            size = final.stat().st_size
            return {"sha256": sha, "received": size, "complete": True, "committed": True}
        received = partial.stat().st_size if partial.exists() else 0
        return {"sha256": sha, "received": received, "complete": False, "committed": False}

    def upload(self, caller: Caller, sha: str, offset: int, chunk: bytes) -> dict[str, Any]:
        """Write a chunk at ``offset`` of the caller's own upload; a resend of bytes already
        held is accepted as is."""
        final, partial = self._final(sha), self._partial(caller, sha)
        with reading(self.engine) as conn:
            if final.exists() and possesses(conn, caller.user_id, sha):
                return self.status(caller, sha)
        if len(chunk) > MAX_CHUNK:
            raise InputError(f"chunks are at most {MAX_CHUNK} bytes")
        private_dir(partial.parent)
        have = partial.stat().st_size if partial.exists() else 0
        if offset > have:
            raise OffsetMismatch(have)
        if offset + len(chunk) > MAX_BLOB:
            raise InputError(f"a blob is at most {MAX_BLOB} bytes")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            os.pwrite(fd, chunk, offset)  # below ``have`` this rewrites what a lost answer resent
        finally:
            os.close(fd)
        return self.status(caller, sha)

    def commit(self, caller: Caller, sha: str) -> dict[str, Any]:
        """Check the caller's bytes against their name; only then is the blob stored and the
        caller an owner of it."""
        final, partial = self._final(sha), self._partial(caller, sha)
        if not partial.exists():
            with reading(self.engine) as conn:
                if final.exists() and possesses(conn, caller.user_id, sha):
                    return self.status(caller, sha)
            raise NotFoundError("blob upload", sha)
        digest = hashlib.sha256()
        with partial.open("rb") as fh:
            for block in iter(lambda: fh.read(2**20), b""):
                digest.update(block)
        if digest.hexdigest() != sha:
            partial.unlink()
            raise InputError("the uploaded bytes do not match their sha256; upload them again")
        size = partial.stat().st_size
        private_dir(final.parent)
        if final.exists():
            partial.unlink()  # the same bytes, stored already: this upload proved possession
        else:
            os.replace(partial, final)
        now = utcnow()
        with self.engine.begin() as conn:
            _insert_missing(
                conn, blobs, sha256=sha, size=size, uploaded_by=caller.user_id, committed_at=now
            )
            _insert_missing(conn, blob_owners, sha256=sha, user_id=caller.user_id, committed_at=now)
        return self.status(caller, sha)

    def open(self, caller: Caller, sha: str) -> Path:
        final = self._final(sha)
        with reading(self.engine) as conn:
            readable = may_read(conn, caller, sha)
        if not readable or not final.exists():
            raise NotFoundError("blob", sha)
        return final


def possession(conn: Connection, caller: Caller, sha: str) -> str:
    """May the caller name this blob in an attachment? "absent": no such blob yet (metadata
    may come first); "proven": the caller owns it, or an attachment in the caller's scope made
    by an owner names it (``may_read``); "unproven": it exists, but knowing its hash is no
    proof."""
    row = conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == sha)).first()
    if row is None:
        return "absent"
    return "proven" if may_read(conn, caller, sha) else "unproven"


def hold(conn: Connection, caller: Caller, sha: str) -> None:
    """The caller named a blob they may read in a record of their own: they hold it as its
    uploaders do, so whoever sees that record may open the file (``may_read`` asks for a
    record made by an owner), whatever later happens to the record they read it through."""
    _insert_missing(conn, blob_owners, sha256=sha, user_id=caller.user_id, committed_at=utcnow())
