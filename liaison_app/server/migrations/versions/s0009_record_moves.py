"""Records moved between enterprises (merging duplicate firms), for "record remove" in pulls.

Revision ID: s0009
Revises: s0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0009"
down_revision = "s0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_moves",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("from_enterprise_id", sa.String(length=36), nullable=False),
        sa.Column("to_enterprise_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("record_id", "seq", name=op.f("pk_record_moves")),
    )
    with op.batch_alter_table("record_moves", schema=None) as batch_op:
        batch_op.create_index("ix_record_moves_seq", ["seq"], unique=False)


def downgrade() -> None:
    op.drop_table("record_moves")
