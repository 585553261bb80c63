"""The goal chain (目标链): goals per subject and period with a parent goal, measured by indicators or reviewed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("goal",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("subject_id", sa.Integer(), nullable=False),
    sa.Column("period", sa.String(length=20), nullable=False),
    sa.Column("title", sa.String(length=500), nullable=False),
    sa.Column("parent_id", sa.Integer(), nullable=True),
    sa.Column("owner_id", sa.Integer(), nullable=True),
    sa.Column("weight", sa.Float(), nullable=False),
    sa.Column("due_on", sa.Date(), nullable=True),
    sa.Column("review_done", sa.Boolean(), nullable=True),
    sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
    sa.Column("reviewed_at", sa.DateTime(), nullable=True),
    sa.Column("carried_from_id", sa.Integer(), nullable=True),
    sa.Column("instance_id", sa.Integer(), nullable=True),
    sa.Column("origin_key", sa.String(length=100), nullable=True),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("created_by_id", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["carried_from_id"], ["goal.id"], ),
    sa.ForeignKeyConstraint(["created_by_id"], ["person.id"], ),
    sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"], ),
    sa.ForeignKeyConstraint(["owner_id"], ["person.id"], ),
    sa.ForeignKeyConstraint(["parent_id"], ["goal.id"], ),
    sa.ForeignKeyConstraint(["reviewed_by_id"], ["person.id"], ),
    sa.ForeignKeyConstraint(["subject_id"], ["subject.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("instance_id", "origin_key")
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index("ix_goal_subject_period", ["subject_id", "period"], unique=False)

    op.create_table("goal_indicator",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("goal_id", sa.Integer(), nullable=False),
    sa.Column("indicator_id", sa.Integer(), nullable=False),
    sa.Column("weight", sa.Float(), nullable=False),
    sa.Column("target", sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], ),
    sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("goal_id", "indicator_id")
    )


def downgrade() -> None:
    op.drop_table("goal_indicator")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index("ix_goal_subject_period")
        batch_op.drop_index(batch_op.f("ix_goal_parent_id"))

    op.drop_table("goal")
