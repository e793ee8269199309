"""Index the twin of a duplicate-enterprise conflict: a rescan sends the open conflicts of the
firms that come into scope, looking them up by record and by twin.

Revision ID: s0010
Revises: s0009
"""

from __future__ import annotations

from alembic import op

revision = "s0010"
down_revision = "s0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conflicts_other_enterprise_id", ["other_enterprise_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_index("ix_conflicts_other_enterprise_id")
