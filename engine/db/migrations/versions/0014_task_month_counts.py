"""The 驾驶舱's ended months, counted by the tick: tasks due in each month done, and done on time.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("task_month_count",
                    sa.Column("month", sa.String(length=7), nullable=False),
                    sa.Column("done", sa.Integer(), nullable=False),
                    sa.Column("on_time", sa.Integer(), nullable=False),
                    sa.Column("counted_at", sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint("month"))


def downgrade() -> None:
    op.drop_table("task_month_count")
