"""Client side of sync: outbox and sent log, base copies, conflicts, blobs, accounts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

Adds the sync tables and, on the records, the server version the visible row was built on
(``sync_version``) and the parent whose delete took a child with it (``deleted_with``).
Children already tombstoned together with their parent (the same ``deleted_at``) get their
``deleted_with`` filled in, so undoing an old delete still brings them back.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SYNCED = ("enterprise", "visit", "problem", "attachment")


def upgrade() -> None:
    op.create_table(
        "sync_meta",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_meta")),
    )
    op.create_table(
        "sync_account",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("server_url", sa.String(length=500), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("unit", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_account")),
        sa.UniqueConstraint("client_id", name=op.f("uq_sync_account_client_id")),
    )
    op.create_index(
        "uq_sync_account_server_user", "sync_account", ["server_url", "user"], unique=True
    )
    op.create_table(
        "sync_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mutation_id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("enterprise_id", sa.String(length=36), nullable=True),
        sa.Column("op", sa.String(length=20), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("server_seq", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_outbox")),
        sa.UniqueConstraint("mutation_id", name=op.f("uq_sync_outbox_mutation_id")),
    )
    op.create_index("ix_sync_outbox_client_id", "sync_outbox", ["client_id"], unique=False)
    op.create_index("ix_sync_outbox_record_id", "sync_outbox", ["record_id"], unique=False)
    op.create_index("ix_sync_outbox_state_id", "sync_outbox", ["state", "id"], unique=False)
    op.create_table(
        "sync_base",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("enterprise_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("materialized", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_sync_base")),
    )
    op.create_index("ix_sync_base_enterprise_id", "sync_base", ["enterprise_id"], unique=False)
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("enterprise_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("pending_mutation", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
    )
    op.create_index("ix_sync_conflict_record_id", "sync_conflict", ["record_id"], unique=False)
    op.create_table(
        "sync_blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_sync_blob")),
    )
    for table in SYNCED:
        op.add_column(
            table, sa.Column("sync_version", sa.BigInteger(), server_default="0", nullable=False)
        )
    for table in ("visit", "problem"):
        op.add_column(table, sa.Column("deleted_with", sa.String(length=36), nullable=True))
    # Children tombstoned in the same instant as their parent went with it (0002's cascade):
    # an enterprise's delete took its visits and problems, a visit's its problems.
    for table in ("visit", "problem"):
        op.execute(
            f"UPDATE {table} SET deleted_with = enterprise_id WHERE deleted_at IS NOT NULL "
            f"AND EXISTS (SELECT 1 FROM enterprise e WHERE "
            f"e.id = {table}.enterprise_id AND e.deleted_at = {table}.deleted_at)"
        )
    op.execute(
        "UPDATE problem SET deleted_with = visit_id WHERE deleted_at IS NOT NULL "
        "AND deleted_with IS NULL AND EXISTS (SELECT 1 FROM visit v "
        "WHERE v.id = problem.visit_id AND v.deleted_at = problem.deleted_at)"
    )


def downgrade() -> None:
    for table in ("visit", "problem"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("deleted_with")
    for table in SYNCED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("sync_version")
    for name in ("sync_blob", "sync_conflict", "sync_base", "sync_outbox", "sync_account"):
        op.drop_table(name)
    op.drop_table("sync_meta")
