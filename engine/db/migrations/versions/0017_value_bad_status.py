"""The few 预警/不合格 values' index carries their status, so the 驾驶舱 counts warnings by indicator and status
from the index alone (no row read per warning).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

BAD = "status IN ('warning', 'fail')"

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _bad_index(columns: list[str]) -> None:
    op.create_index("ix_value_bad", "indicator_value", columns, unique=False,
                    sqlite_where=sa.text(BAD), postgresql_where=sa.text(BAD))


def upgrade() -> None:
    op.drop_index("ix_value_bad", table_name="indicator_value")
    _bad_index(["indicator_id", "subject_id", "period", "id", "status"])


def downgrade() -> None:
    op.drop_index("ix_value_bad", table_name="indicator_value")
    _bad_index(["indicator_id", "subject_id", "period", "id"])
