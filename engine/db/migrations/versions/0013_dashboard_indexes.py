"""The 驾驶舱's indexes: running cycles by stage, tasks by deadline month, completions since a count, the few
预警/不合格 values.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

BAD = "status IN ('warning', 'fail')"

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_instance_status_stage", "process_instance",
                    ["status", "subject_id", "definition_id", "current_stage"], unique=False)
    op.create_index("ix_task_status_due_done", "human_task", ["status", "due_at", "completed_at"], unique=False)
    op.create_index("ix_task_status_completed", "human_task", ["status", "completed_at", "due_at"], unique=False)
    op.create_index("ix_value_bad", "indicator_value", ["indicator_id", "subject_id", "period", "id"], unique=False,
                    sqlite_where=sa.text(BAD), postgresql_where=sa.text(BAD))


def downgrade() -> None:
    op.drop_index("ix_value_bad", table_name="indicator_value")
    op.drop_index("ix_task_status_completed", table_name="human_task")
    op.drop_index("ix_task_status_due_done", table_name="human_task")
    op.drop_index("ix_instance_status_stage", table_name="process_instance")
