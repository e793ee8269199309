"""The server's tables (SQLAlchemy Core; PostgreSQL in production, SQLite embedded)."""

from __future__ import annotations

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
    Column("password_hash", String(200), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
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

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_login_failures_name_at", "name", "at"),
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


def _reference(name: str, *extra: Column) -> Table:
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
