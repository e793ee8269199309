"""The server's tables (SQLAlchemy Core; PostgreSQL in production, SQLite embedded)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

server_meta = Table(
    "server_meta",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("value", Text, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),  # officer | supervisor | admin
    Column("district", String(6)),  # a supervisor's district
    Column("district_seq", BigInteger),  # server seq of the last district change (snapshot)
    Column("display_name", String(200)),  # authorship: officer, actor, call-back (else name)
    Column("unit", String(200)),
    Column("password_hash", String(200), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    # Raised by a password change or a disable: access tokens carry the epoch they were issued
    # in, and one from an older epoch is refused at once (accounts.identify).
    Column("token_epoch", Integer, nullable=False, default=0, server_default="0"),
)

# A client is one data folder signed in as one user (design.md §3, Identity).
clients = Table(
    "clients",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("name", String(200)),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime),
    Column("revoked_at", DateTime),
    # How far this client has pulled (the cursor it presented), recorded when it passes a
    # withdrawal: from then on it may no longer write to that enterprise (design.md §3).
    Column("pulled_seq", BigInteger),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("client_id", String(36), ForeignKey("clients.id"), nullable=False, index=True),
    Column("issued_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("rotated_at", DateTime),  # set when exchanged; stays valid once more for a short grace
    Column("grace_used", Boolean, nullable=False, default=False),
)

# One failed (or still running) password attempt. Names are never stored as typed (a password
# typed into the user field would be): each attempt is counted under keyed hashes of its
# account, its source address and the pair (accounts.py, throttling).
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_key", String(64), nullable=False),
    Column("source_key", String(64), nullable=False),
    Column("pair_key", String(64), nullable=False),
    Column("at", DateTime, nullable=False, index=True),
    Index("ix_login_failures_account_key_at", "account_key", "at"),
    Index("ix_login_failures_source_key_at", "source_key", "at"),
    Index("ix_login_failures_pair_key_at", "pair_key", "at"),
)

# An (account, address) pair that signed in successfully: only its own failures throttle it,
# so attempts on the account from elsewhere cannot lock its officer out.
login_sources = Table(
    "login_sources",
    metadata,
    Column("pair_key", String(64), primary_key=True),
    Column("last_ok", DateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("at", DateTime, nullable=False, index=True),
    Column("actor", String(100)),
    Column("action", String(60), nullable=False),
    Column("detail", JSON, nullable=False, default=dict),
)

# One server sequence: each write transaction takes the next value last (design.md §3).
server_sequence = Table(
    "server_sequence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("value", BigInteger, nullable=False),
)


def _reference(name: str, *extra: Column[Any]) -> Table:
    return Table(
        name,
        metadata,
        Column("code", String(40), primary_key=True),
        Column("name_zh", String(200), nullable=False),
        Column("name_en", String(200), nullable=False),
        Column("sort", Integer, nullable=False, default=0),
        Column("builtin", Boolean, nullable=False, default=False),
        Column("active", Boolean, nullable=False, default=True),
        Column("seq", BigInteger, nullable=False, default=0),  # server sequence of the last change
        *extra,
    )


categories = _reference("category")
departments = _reference("department")
industries = _reference("industry")
districts = _reference("district", Column("city_code", String(6)), Column("kind_zh", String(20)))
REFERENCE_TABLES = {
    "categories": categories,
    "departments": departments,
    "industries": industries,
    "districts": districts,
}


# ---- synced records (design.md §3) ------------------------------------------------------------

# Every synced record, whatever its entity, as a JSON document with per-field write metadata.
records = Table(
    "records",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("entity", String(20), nullable=False),  # enterprise | visit | problem | action
    Column("enterprise_id", String(36), nullable=False, index=True),  # the scope anchor
    Column("district", String(6), index=True),  # enterprises only: a supervisor's scope
    # Enterprises only: "uscc:<code>", or "name:<district>:<name>" for firms without one.
    Column("natural_key", String(260), index=True),
    Column("blob_sha256", String(64), index=True),  # attachments only: the file they describe
    Column("data", JSON, nullable=False),
    Column("field_meta", JSON, nullable=False),  # field → [server seq, client id] of last write
    Column("version", BigInteger, nullable=False),  # server seq of the last change
    Column("deleted", Boolean, nullable=False, default=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Index("ix_records_version_id", "version", "id"),
    Index("ix_records_entity_created_by", "entity", "created_by"),
    Index("ix_records_entity_district", "entity", "district"),
)

# An officer's assignment to an enterprise (the creator is in scope without one).
memberships = Table(
    "memberships",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("enterprise_id", String(36), primary_key=True),
    Column("seq", BigInteger, nullable=False, index=True),
)

# Each server sequence value gets a random tag: a cursor whose tag does not match means the
# database was restored from an older copy.
sequence_tags = Table(
    "sequence_tags",
    metadata,
    Column("seq", BigInteger, primary_key=True),
    Column("tag", String(16), nullable=False),
    Column("at", DateTime),  # when it was taken: the tombstone horizon is set by age
)

mutation_ledger = Table(
    "mutation_ledger",
    metadata,
    Column("mutation_id", String(36), primary_key=True),
    Column("client_id", String(36), ForeignKey("clients.id"), nullable=False),
    Column("client_seq", BigInteger, nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("result", JSON, nullable=False),
    Column("seq", BigInteger),  # the server seq it was applied at (None when rejected)
    Column("at", DateTime, nullable=False),
    Index("uq_mutation_ledger_client_seq", "client_id", "client_seq", unique=True),
)

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seq", BigInteger, nullable=False, index=True),
    Column("kind", String(20), nullable=False),  # field | deleted | duplicate | lifecycle
    Column("entity", String(20), nullable=False),
    Column("record_id", String(36), nullable=False, index=True),
    Column("enterprise_id", String(36), nullable=False, index=True),
    Column("field", String(60)),
    Column("base", JSON),
    Column("applied", JSON),
    Column("losing", JSON),
    Column("mutation_id", String(36), nullable=False),
    Column("client_id", String(36), nullable=False),
    Column("resolved_at", DateTime),
    Column("created_at", DateTime),
    Column("applied_by", String(200)),  # display names of who wrote each side, where known
    Column("losing_by", String(200)),
    Column("losing_client_id", String(36)),
    # A duplicate's other enterprise: the conflict is visible only to who sees both.
    Column("other_enterprise_id", String(36), index=True),  # rescans look a twin up
    Column("resolved_seq", BigInteger, index=True),  # server seq of the resolution (pulls)
    Column("resolved_by", String(200)),
    Column("resolution", JSON),  # {"resolution": "value" | "dismiss", "value": V}
)

# Problem numbers (SY-2026-000123): the last number given per city abbreviation and year.
problem_numbers = Table(
    "problem_numbers",
    metadata,
    Column("city", String(8), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last", BigInteger, nullable=False),
)


# Uploaded files, content-addressed; the bytes live in the server's blob folder.
blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("uploaded_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("committed_at", DateTime, nullable=False),
)

# Who has proved possession of a blob: its first uploader and everyone who uploaded the same
# verified bytes since. Downloading needs this, or an attachment in scope made by an owner.
blob_owners = Table(
    "blob_owners",
    metadata,
    Column("sha256", String(64), ForeignKey("blobs.sha256"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("committed_at", DateTime, nullable=False),
)

# An assignment withdrawn: pulls send a "scope remove" (not a delete), and an edit made before
# it (base older than the removal) is still accepted.
scope_removals = Table(
    "scope_removals",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("enterprise_id", String(36), primary_key=True),
    Column("seq", BigInteger, nullable=False, index=True),
)

# A visit or problem moved to another enterprise (a merge of duplicate firms), and the actions
# and attachments that followed it: pulls send a "record remove" to those who saw it only
# through the enterprise it left, and an edit made before they could know is still accepted.
record_moves = Table(
    "record_moves",
    metadata,
    Column("record_id", String(36), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("entity", String(20), nullable=False),
    Column("from_enterprise_id", String(36), nullable=False),
    Column("to_enterprise_id", String(36), nullable=False),
    Index("ix_record_moves_seq", "seq"),
)
