"""Sign-in attempts: failed sign-ins counted per account and per client address (sign_in_throttle), and
person.session_version, part of the id a session carries, so that logging out ends the session.

`person` gains its column by a plain ALTER TABLE ADD COLUMN (SQLite and PostgreSQL both do this in place; the
server default fills the existing rows), so no table is copied.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "key"),
    )
    op.add_column("person", sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("session_version")
    op.drop_table("sign_in_throttle")
