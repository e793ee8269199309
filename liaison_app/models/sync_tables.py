"""The client's sync bookkeeping: outbox and sent log, base copies, conflicts, blobs, accounts.

None of these is ever synced itself; design.md §3 says what each is for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from liaison_app.models.base import Base


class SyncMeta(Base):
    """Key/value sync state of this data folder (signed-in account, cursor, versions)."""

    __tablename__ = "sync_meta"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)


class SyncAccount(Base):
    """One client identity per (server, user): a folder signed in as that user is one client,
    and signing in as the same user again continues its numbering."""

    __tablename__ = "sync_account"
    __table_args__ = (Index("uq_sync_account_server_user", "server_url", "user", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    server_url: Mapped[str] = mapped_column(String(500))
    user: Mapped[str] = mapped_column(String(100))
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    # The highest sequence number given to a mutation of this client so far.
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    display_name: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class OutboxEntry(Base):
    """One captured change, written in the same transaction as the change itself.

    ``state``: pending (not yet acknowledged), sent (acknowledged: the sent log), rejected (the
    server refused it: kept with the reason, never blocking the rest), held (too large for any
    push: never sent), discarded (the officer gave it up). ``seq`` is given when the mutation
    is first put in a batch, so numbers stay contiguous whatever is held back.
    """

    __tablename__ = "sync_outbox"
    __table_args__ = (
        Index("ix_sync_outbox_state_id", "state", "id"),
        Index("ix_sync_outbox_record_id", "record_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mutation_id: Mapped[str] = mapped_column(String(36), unique=True)
    # The client that owns it; None: made before any sign-in (adopted by the first one).
    client_id: Mapped[str | None] = mapped_column(String(36), index=True)
    seq: Mapped[int | None] = mapped_column(BigInteger)
    entity: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(36))
    enterprise_id: Mapped[str | None] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(20))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    server_seq: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class BaseCopy(Base):
    """A record as last confirmed by the server: raw data, unknown fields kept."""

    __tablename__ = "sync_base"

    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))
    enterprise_id: Mapped[str] = mapped_column(String(36), index=True)
    version: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Which full pull last saw it (a full re-pull sweeps the ones it did not see).
    generation: Mapped[int] = mapped_column(Integer, default=0)
    # False while the local row waits for its parent to arrive (pages are in version order).
    materialized: Mapped[bool] = mapped_column(Boolean, default=True)


class SyncConflict(Base):
    """A conflict the server recorded (ids are the server's), and its resolution."""

    __tablename__ = "sync_conflict"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    enterprise_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str | None] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)  # the server's row as it came
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The mutation id of a resolution made here and not yet acknowledged.
    pending_mutation: Mapped[str | None] = mapped_column(String(36))


class SyncBlob(Base):
    """A file known to this folder by its sha256: here (local), to fetch (missing), or sent."""

    __tablename__ = "sync_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(12))  # local | uploaded | missing | present
    error: Mapped[str | None] = mapped_column(Text)
