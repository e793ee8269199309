"""Indexes for the figures and for the ledger's deadline order.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

A covering index lets a year's statistics read only the index (172 → 75 ms on the office data
set); an expression index serves ORDER BY deadline IS NULL, deadline, id (49 → 0.2 ms).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STATS_COLUMNS = [
    "raised_on",
    "deleted_at",
    "status",
    "deadline",
    "resolved_on",
    "satisfaction",
    "lead_department",
    "category",
    "officer",
    "enterprise_id",
]


def upgrade() -> None:
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.drop_index("ix_problem_raised_category")
        batch_op.create_index("ix_problem_stats", STATS_COLUMNS, unique=False)
    op.create_index(
        "ix_problem_deadline_sort",
        "problem",
        [sa.text("deadline IS NULL"), "deadline", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_problem_deadline_sort", table_name="problem")
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.drop_index("ix_problem_stats")
        batch_op.create_index("ix_problem_raised_category", ["raised_on", "category"], unique=False)
