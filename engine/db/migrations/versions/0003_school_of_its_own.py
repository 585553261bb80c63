"""A school of its own: its settings (school), one-time password links (password_reset), people's 类别, phone
and first-sign-in password change, holdings with dates, units' 简称 and closing.

Columns are added by plain ALTER TABLE ADD COLUMN with server defaults that fill the existing rows (SQLite and
PostgreSQL both do this in place).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=100), nullable=False),
        sa.Column("default_locale", sa.String(length=10), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_password_reset_person_id", "password_reset", ["person_id"], unique=False)
    op.add_column("person", sa.Column("kind", sa.String(length=16), server_default="staff", nullable=False))
    op.add_column("person", sa.Column("phone", sa.String(length=32), server_default="", nullable=False))
    op.add_column("person", sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.add_column("role_holding", sa.Column("starts_on", sa.Date(), nullable=True))
    op.add_column("role_holding", sa.Column("ends_on", sa.Date(), nullable=True))
    op.add_column("unit", sa.Column("aliases", sa.String(length=500), server_default="", nullable=False))
    op.add_column("unit", sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("unit") as batch_op:
        batch_op.drop_column("active")
        batch_op.drop_column("aliases")
    with op.batch_alter_table("role_holding") as batch_op:
        batch_op.drop_column("ends_on")
        batch_op.drop_column("starts_on")
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("must_change_password")
        batch_op.drop_column("phone")
        batch_op.drop_column("kind")
    op.drop_index("ix_password_reset_person_id", table_name="password_reset")
    op.drop_table("password_reset")
    op.drop_table("school")
