"""考核's weights, set by the quality office: one row per component (a key without a row has its default).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("appraisal_weight",
                    sa.Column("key", sa.String(length=32), nullable=False),
                    sa.Column("weight", sa.Float(), nullable=False),
                    sa.Column("updated_by_id", sa.Integer(), nullable=True),
                    sa.Column("updated_at", sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(["updated_by_id"], ["person.id"]),
                    sa.PrimaryKeyConstraint("key"))


def downgrade() -> None:
    op.drop_table("appraisal_weight")
