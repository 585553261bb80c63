"""Action plans (规划 / 行动计划): plans, phases, sections, tasks, each task's departments and the bulletins; a
cycle's own unit (a plan task's department), which the on-time report's covering index now carries.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('office_unit_id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['office_unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('plan_bulletin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'number')
    )
    with op.batch_alter_table('plan_bulletin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_bulletin_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_phase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'name')
    )
    with op.batch_alter_table('plan_phase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_phase_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'title')
    )
    with op.batch_alter_table('plan_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_section_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['phase_id'], ['plan_phase.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.ForeignKeyConstraint(['section_id'], ['plan_section.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'number')
    )
    with op.batch_alter_table('plan_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_task_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ),
    sa.ForeignKeyConstraint(['task_id'], ['plan_task.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id'),
    sa.UniqueConstraint('task_id', 'unit_id')
    )
    with op.batch_alter_table('plan_assignment', schema=None) as batch_op:
        batch_op.create_index('ix_plan_assignment_starts', ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_assignment_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_assignment_unit_id'), ['unit_id'], unique=False)
    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_process_instance_unit_id_unit", "unit", ["unit_id"], ["id"])
        batch_op.drop_index("ix_instance_subject_period_due")
        batch_op.create_index("ix_instance_subject_period_due", ["subject_id", "unit_id", "period", "definition_id",
                                                                 "due_tasks_open", "due_tasks_done", "due_tasks_on_time"])


def downgrade() -> None:
    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        batch_op.drop_index("ix_instance_subject_period_due")
        batch_op.create_index("ix_instance_subject_period_due", ["subject_id", "period", "definition_id",
                                                                 "due_tasks_open", "due_tasks_done", "due_tasks_on_time"])
        batch_op.drop_constraint("fk_process_instance_unit_id_unit", type_="foreignkey")
        batch_op.drop_column("unit_id")
    with op.batch_alter_table('plan_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_assignment_unit_id'))
        batch_op.drop_index(batch_op.f('ix_plan_assignment_task_id'))
        batch_op.drop_index('ix_plan_assignment_starts')

    op.drop_table('plan_assignment')
    with op.batch_alter_table('plan_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_task_plan_id'))

    op.drop_table('plan_task')
    with op.batch_alter_table('plan_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_section_plan_id'))

    op.drop_table('plan_section')
    with op.batch_alter_table('plan_phase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_phase_plan_id'))

    op.drop_table('plan_phase')
    with op.batch_alter_table('plan_bulletin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_bulletin_plan_id'))

    op.drop_table('plan_bulletin')
    op.drop_table('plan')
