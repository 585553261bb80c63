"""Fewer index writes per task: the (status, due) index goes (its columns open the dashboard's (status, due,
completed) index, which serves the same lookups), and the follow-up, ladder and 已办 indexes hold only the rows
that have a value there (a new task has no follow-up and no completer; a finished one no next rung).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

PARTIAL = {"ix_task_follow_up": (["follow_up_at"], "follow_up_at IS NOT NULL"),
           "ix_task_next_rung": (["next_rung_at"], "next_rung_at IS NOT NULL"),
           "ix_task_done_by": (["completed_by_id", "status", "completed_at"], "completed_by_id IS NOT NULL")}


def upgrade() -> None:
    op.drop_index("ix_task_status_due", table_name="human_task")
    for name, (columns, where) in PARTIAL.items():
        op.drop_index(name, table_name="human_task")
        op.create_index(name, "human_task", columns, unique=False, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))


def downgrade() -> None:
    for name, (columns, _where) in PARTIAL.items():
        op.drop_index(name, table_name="human_task")
        op.create_index(name, "human_task", columns, unique=False)
    op.create_index("ix_task_status_due", "human_task", ["status", "due_at"], unique=False)
