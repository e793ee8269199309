"""Hardening: token epochs, failed sign-ins under keyed hashes, known sign-in sources, blob
owners; user names typed at failed sign-ins scrubbed from the audit log.

Revision ID: s0008
Revises: s0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0008"
down_revision = "s0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("token_epoch", sa.Integer(), server_default="0", nullable=False)
        )
    # The old table kept names as typed (a password typed into the user field, say): its rows
    # live fifteen minutes anyway, so it is replaced, not converted.
    op.drop_table("login_failures")
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("pair_key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failures_at"), ["at"], unique=False)
        batch_op.create_index("ix_login_failures_account_key_at", ["account_key", "at"])
        batch_op.create_index("ix_login_failures_source_key_at", ["source_key", "at"])
        batch_op.create_index("ix_login_failures_pair_key_at", ["pair_key", "at"])
    op.create_table(
        "login_sources",
        sa.Column("pair_key", sa.String(length=64), nullable=False),
        sa.Column("last_ok", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("pair_key", name=op.f("pk_login_sources")),
    )
    op.create_table(
        "blob_owners",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("committed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"], ["blobs.sha256"], name=op.f("fk_blob_owners_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_blob_owners_user_id_users")
        ),
        sa.PrimaryKeyConstraint("sha256", "user_id", name=op.f("pk_blob_owners")),
    )
    op.execute(
        "INSERT INTO blob_owners (sha256, user_id, committed_at) "
        "SELECT sha256, uploaded_by, committed_at FROM blobs"
    )
    # A failed sign-in used to record the name as typed: for a name that is no user's, that
    # may well be a password.
    op.execute(
        "UPDATE audit_log SET actor = NULL "
        "WHERE action IN ('login.failed', 'login.rate_limited') "
        "AND actor NOT IN (SELECT name FROM users)"
    )


def downgrade() -> None:
    op.drop_table("blob_owners")
    op.drop_table("login_sources")
    op.drop_table("login_failures")
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_name_at", ["name", "at"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("token_epoch")
