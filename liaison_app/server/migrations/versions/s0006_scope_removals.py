"""Withdrawn assignments, for "scope remove" in pulls.

Revision ID: s0006
Revises: s0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0006"
down_revision = "s0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scope_removals",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_scope_removals_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "enterprise_id", name=op.f("pk_scope_removals")),
    )
    with op.batch_alter_table("scope_removals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scope_removals_seq"), ["seq"], unique=False)


def downgrade() -> None:
    op.drop_table("scope_removals")
