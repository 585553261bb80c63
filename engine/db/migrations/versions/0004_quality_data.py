"""Quality data (the indicators issue): diagnosis items, the indicator library with its lines per period,
values over time, and the improvements warnings started.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# The seven 中职 diagnosis items and their 诊断要素 (教职成司函〔2016〕37号): every school starts with them and edits
# them as data (engine/quality/library.py keeps the same list for seed_diagnosis_items).
ITEMS = (
    ("专业设置与条件", "专业结构、专业设置、实训条件、经费投入"),
    ("教师队伍与建设", "师资结构、双师素质、专业带头人、教师培训"),
    ("课程体系与改革", "课程体系、课程标准、教材建设、信息化资源"),
    ("课堂教学与实践", "教学组织、教学方法、实践教学、技能大赛"),
    ("学校管理与制度", "管理制度、质量监控、学生管理、安全管理"),
    ("校企合作与创新", "合作企业、订单培养、顶岗实习、社会服务"),
    ("质量监控与成效", "就业质量、学生满意度、社会评价、质量年报"),
)


def upgrade() -> None:
    op.create_table("diagnosis_item",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=100), nullable=False),
    sa.Column("elements", sa.Text(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("name")
    )
    op.bulk_insert(sa.table("diagnosis_item", sa.column("name", sa.String), sa.column("elements", sa.Text),
                            sa.column("position", sa.Integer)),
                   [{"name": name, "elements": elements, "position": i} for i, (name, elements) in enumerate(ITEMS)])
    op.create_table("indicator",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(length=64), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("level", sa.String(length=16), nullable=False),
    sa.Column("item_id", sa.Integer(), nullable=True),
    sa.Column("measure_unit", sa.String(length=32), nullable=False),
    sa.Column("direction", sa.String(length=8), nullable=False),
    sa.Column("source_unit_id", sa.Integer(), nullable=True),
    sa.Column("frequency", sa.String(length=8), nullable=False),
    sa.Column("responsible_role", sa.String(length=100), nullable=False),
    sa.Column("process_id", sa.String(length=100), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(["item_id"], ["diagnosis_item.id"], ),
    sa.ForeignKeyConstraint(["source_unit_id"], ["unit.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("code")
    )
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_level"), ["level"], unique=False)

    op.create_table("indicator_threshold",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("indicator_id", sa.Integer(), nullable=False),
    sa.Column("subject_id", sa.Integer(), nullable=True),
    sa.Column("period_from", sa.String(length=20), nullable=False),
    sa.Column("aim", sa.Float(), nullable=False),
    sa.Column("standard", sa.Float(), nullable=False),
    sa.Column("warning", sa.Float(), nullable=False),
    sa.Column("set_at", sa.DateTime(), nullable=False),
    sa.Column("set_by_id", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"], ),
    sa.ForeignKeyConstraint(["set_by_id"], ["person.id"], ),
    sa.ForeignKeyConstraint(["subject_id"], ["subject.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("indicator_id", "subject_id", "period_from")
    )
    with op.batch_alter_table("indicator_threshold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_threshold_indicator_id"), ["indicator_id"], unique=False)

    op.create_table("indicator_value",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("indicator_id", sa.Integer(), nullable=False),
    sa.Column("subject_id", sa.Integer(), nullable=False),
    sa.Column("period", sa.String(length=20), nullable=False),
    sa.Column("value", sa.Float(), nullable=False),
    sa.Column("measured_on", sa.Date(), nullable=False),
    sa.Column("source", sa.String(length=200), nullable=False),
    sa.Column("origin", sa.String(length=16), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("aim", sa.Float(), nullable=False),
    sa.Column("standard", sa.Float(), nullable=False),
    sa.Column("warning", sa.Float(), nullable=False),
    sa.Column("replaces_id", sa.Integer(), nullable=True),
    sa.Column("reason", sa.String(length=500), nullable=False),
    sa.Column("task_id", sa.Integer(), nullable=True),
    sa.Column("entered_at", sa.DateTime(), nullable=False),
    sa.Column("entered_by_id", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["entered_by_id"], ["person.id"], ),
    sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"], ),
    sa.ForeignKeyConstraint(["replaces_id"], ["indicator_value.id"], ),
    sa.ForeignKeyConstraint(["subject_id"], ["subject.id"], ),
    sa.ForeignKeyConstraint(["task_id"], ["human_task.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_value_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index("ix_value_indicator_subject_period", ["indicator_id", "subject_id", "period", "id"], unique=False)
        batch_op.create_index("ix_value_status", ["status", "period"], unique=False)

    op.create_table("improvement_loop",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("indicator_id", sa.Integer(), nullable=False),
    sa.Column("subject_id", sa.Integer(), nullable=False),
    sa.Column("period", sa.String(length=20), nullable=False),
    sa.Column("instance_id", sa.Integer(), nullable=False),
    sa.Column("first_value_id", sa.Integer(), nullable=False),
    sa.Column("opened_at", sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(["first_value_id"], ["indicator_value.id"], ),
    sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"], ),
    sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"], ),
    sa.ForeignKeyConstraint(["subject_id"], ["subject.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("instance_id")
    )
    with op.batch_alter_table("improvement_loop", schema=None) as batch_op:
        batch_op.create_index("ix_loop_triple", ["indicator_id", "subject_id", "period"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("improvement_loop", schema=None) as batch_op:
        batch_op.drop_index("ix_loop_triple")

    op.drop_table("improvement_loop")
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.drop_index("ix_value_status")
        batch_op.drop_index("ix_value_indicator_subject_period")
        batch_op.drop_index(batch_op.f("ix_indicator_value_subject_id"))

    op.drop_table("indicator_value")
    with op.batch_alter_table("indicator_threshold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_threshold_indicator_id"))

    op.drop_table("indicator_threshold")
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_level"))

    op.drop_table("indicator")
    op.drop_table("diagnosis_item")
