"""The 质量年报: each year's outline, the report compiled by its cycle and published, the departments' chapters.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("annual_outline",
                    sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column("content", sa.JSON(), nullable=False),
                    sa.Column("updated_by_id", sa.Integer(), nullable=True),
                    sa.Column("updated_at", sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(["updated_by_id"], ["person.id"]),
                    sa.PrimaryKeyConstraint("year"))
    op.create_table("annual_report",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("year", sa.Integer(), nullable=False),
                    sa.Column("outline", sa.JSON(), nullable=False),
                    sa.Column("instance_id", sa.Integer(), nullable=True),
                    sa.Column("status", sa.String(length=20), nullable=False),
                    sa.Column("opened_by_id", sa.Integer(), nullable=True),
                    sa.Column("opened_at", sa.DateTime(), nullable=False),
                    sa.Column("published_at", sa.DateTime(), nullable=True),
                    sa.Column("docx", sa.LargeBinary(), nullable=True),
                    sa.Column("pdf", sa.LargeBinary(), nullable=True),
                    sa.Column("pdf_note", sa.String(length=300), nullable=False),
                    sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"]),
                    sa.ForeignKeyConstraint(["opened_by_id"], ["person.id"]),
                    sa.PrimaryKeyConstraint("id"),
                    sa.UniqueConstraint("year"))
    op.create_index("ix_annual_report_instance_id", "annual_report", ["instance_id"])
    op.create_table("annual_chapter",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("report_id", sa.Integer(), nullable=False),
                    sa.Column("key", sa.String(length=40), nullable=False),
                    sa.Column("title", sa.String(length=200), nullable=False),
                    sa.Column("unit_name", sa.String(length=200), nullable=False),
                    sa.Column("sections", sa.JSON(), nullable=False),
                    sa.Column("cases", sa.Text(), nullable=False),
                    sa.Column("photos", sa.JSON(), nullable=False),
                    sa.Column("task_id", sa.Integer(), nullable=True),
                    sa.Column("submitted_by_id", sa.Integer(), nullable=True),
                    sa.Column("submitted_at", sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(["report_id"], ["annual_report.id"]),
                    sa.ForeignKeyConstraint(["task_id"], ["human_task.id"]),
                    sa.ForeignKeyConstraint(["submitted_by_id"], ["person.id"]),
                    sa.PrimaryKeyConstraint("id"),
                    sa.UniqueConstraint("report_id", "key"))


def downgrade() -> None:
    op.drop_table("annual_chapter")
    op.drop_index("ix_annual_report_instance_id", table_name="annual_report")
    op.drop_table("annual_report")
    op.drop_table("annual_outline")
