"""Sync semantics: authorship (display name, unit), problem numbers, conflict resolutions and
authors, how far each client has pulled, supervisors' district changes.

Revision ID: s0007
Revises: s0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0007"
down_revision = "s0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district_seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("display_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("unit", sa.String(length=200), nullable=True))
    op.execute("UPDATE users SET display_name = name WHERE display_name IS NULL")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pulled_seq", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("applied_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("losing_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("losing_client_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("other_enterprise_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("resolved_seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("resolved_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.JSON(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_conflicts_resolved_seq"), ["resolved_seq"], unique=False
        )
    op.create_table(
        "problem_numbers",
        sa.Column("city", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("city", "year", name=op.f("pk_problem_numbers")),
    )


def downgrade() -> None:
    op.drop_table("problem_numbers")
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflicts_resolved_seq"))
        for name in (
            "resolution",
            "resolved_by",
            "resolved_seq",
            "other_enterprise_id",
            "losing_client_id",
            "losing_by",
            "applied_by",
            "created_at",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("pulled_seq")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("unit")
        batch_op.drop_column("display_name")
        batch_op.drop_column("district_seq")
