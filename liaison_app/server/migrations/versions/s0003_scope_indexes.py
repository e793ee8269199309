"""Indexes for scope lookups: an officer's own enterprises, a supervisor's district.

Revision ID: s0003
Revises: s0002
"""

from __future__ import annotations

from alembic import op

revision = "s0003"
down_revision = "s0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_records_entity_created_by", ["entity", "created_by"], unique=False
        )
        batch_op.create_index("ix_records_entity_district", ["entity", "district"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_entity_district")
        batch_op.drop_index("ix_records_entity_created_by")
