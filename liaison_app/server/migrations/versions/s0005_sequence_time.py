"""The time each sequence value was taken, for the tombstone horizon.

Revision ID: s0005
Revises: s0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0005"
down_revision = "s0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sequence_tags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sequence_tags", schema=None) as batch_op:
        batch_op.drop_column("at")
