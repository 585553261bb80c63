"""Activities (家长学校 and the like): plans, events with their sign-in link, sign-ins (one per phone and per
person per event) and feedback answers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("activity_plan",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("year", sa.String(length=20), nullable=False),
    sa.Column("unit_id", sa.Integer(), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("excellent_percent", sa.Integer(), nullable=False),
    sa.Column("summary_process", sa.String(length=100), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("created_by_id", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["created_by_id"], ["person.id"], ),
    sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("name", "year")
    )
    with op.batch_alter_table("activity_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_plan_year"), ["year"], unique=False)

    op.create_table("activity_event",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("plan_id", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("starts_at", sa.DateTime(), nullable=False),
    sa.Column("ends_at", sa.DateTime(), nullable=False),
    sa.Column("place", sa.String(length=200), nullable=False),
    sa.Column("audience", sa.String(length=500), nullable=False),
    sa.Column("audience_unit_ids", sa.JSON(), nullable=False),
    sa.Column("audience_role_ids", sa.JSON(), nullable=False),
    sa.Column("organiser_id", sa.Integer(), nullable=False),
    sa.Column("programme", sa.Text(), nullable=False),
    sa.Column("questionnaire", sa.String(length=100), nullable=False),
    sa.Column("anonymous", sa.Boolean(), nullable=False),
    sa.Column("sign_in_token", sa.String(length=64), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("published_at", sa.DateTime(), nullable=True),
    sa.Column("closed_at", sa.DateTime(), nullable=True),
    sa.Column("next_reminder_at", sa.DateTime(), nullable=True),
    sa.Column("summary_instance_id", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["organiser_id"], ["person.id"], ),
    sa.ForeignKeyConstraint(["plan_id"], ["activity_plan.id"], ),
    sa.ForeignKeyConstraint(["summary_instance_id"], ["process_instance.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("sign_in_token")
    )
    with op.batch_alter_table("activity_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_event_next_reminder_at"), ["next_reminder_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_event_plan_id"), ["plan_id"], unique=False)

    op.create_table("activity_sign_in",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("event_id", sa.Integer(), nullable=False),
    sa.Column("person_id", sa.Integer(), nullable=True),
    sa.Column("name", sa.String(length=100), nullable=False),
    sa.Column("phone", sa.String(length=20), nullable=True),
    sa.Column("kind", sa.String(length=16), nullable=False),
    sa.Column("student_name", sa.String(length=100), nullable=False),
    sa.Column("student_class", sa.String(length=100), nullable=False),
    sa.Column("signed_at", sa.DateTime(), nullable=False),
    sa.Column("ip", sa.String(length=64), nullable=False),
    sa.Column("answered", sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(["event_id"], ["activity_event.id"], ),
    sa.ForeignKeyConstraint(["person_id"], ["person.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("event_id", "person_id"),
    sa.UniqueConstraint("event_id", "phone")
    )
    with op.batch_alter_table("activity_sign_in", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_sign_in_event_id"), ["event_id"], unique=False)

    op.create_table("activity_feedback",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("event_id", sa.Integer(), nullable=False),
    sa.Column("person_id", sa.Integer(), nullable=True),
    sa.Column("sign_in_id", sa.Integer(), nullable=True),
    sa.Column("form_id", sa.String(length=100), nullable=False),
    sa.Column("answers", sa.JSON(), nullable=False),
    sa.Column("submitted_at", sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(["event_id"], ["activity_event.id"], ),
    sa.ForeignKeyConstraint(["person_id"], ["person.id"], ),
    sa.ForeignKeyConstraint(["sign_in_id"], ["activity_sign_in.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("event_id", "sign_in_id")
    )
    with op.batch_alter_table("activity_feedback", schema=None) as batch_op:
        batch_op.create_index("ix_activity_feedback_event", ["event_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("activity_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_feedback_event")

    op.drop_table("activity_feedback")
    with op.batch_alter_table("activity_sign_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_sign_in_event_id"))

    op.drop_table("activity_sign_in")
    with op.batch_alter_table("activity_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_event_plan_id"))
        batch_op.drop_index(batch_op.f("ix_activity_event_next_reminder_at"))

    op.drop_table("activity_event")
    with op.batch_alter_table("activity_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_plan_year"))

    op.drop_table("activity_plan")
