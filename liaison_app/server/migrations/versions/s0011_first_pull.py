"""Index records by kind, then (version, id): a pull from no cursor sends the scope a kind of
record at a time, parents first.

Revision ID: s0011
Revises: s0010
"""

from __future__ import annotations

from alembic import op

revision = "s0011"
down_revision = "s0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_records_entity_version_id", ["entity", "version", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_entity_version_id")
