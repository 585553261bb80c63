"""The quality room's tables: diagnosis items, indicators and their thresholds per period, values over time,
and the improvement each warning started. Models never commit."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.org.models import Person, Subject, Unit
from engine.workflow.models import ProcessInstance

DIRECTIONS = {"越高越好": "higher", "越低越好": "lower"}
FREQUENCIES = {"月": "month", "学期": "term", "学年": "year"}


class DiagnosisItem(Base):
    """A 诊断项目 (专业设置与条件…) and its 诊断要素, editable data."""

    __tablename__ = "diagnosis_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    elements: Mapped[str] = mapped_column(Text, default="")  # 诊断要素, 、-separated
    position: Mapped[int] = mapped_column(Integer, default=0)


class Indicator(Base):
    """One indicator of the library: what is measured, for which level, which way is better, who improves it."""

    __tablename__ = "indicator"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("diagnosis_item.id"))
    measure_unit: Mapped[str] = mapped_column(String(32), default="")  # 单位: %, 元, 学时…
    direction: Mapped[str] = mapped_column(String(8), default="higher")  # higher | lower
    source_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))  # 数据来源
    frequency: Mapped[str] = mapped_column(String(8), default="term")  # month | term | year
    responsible_role: Mapped[str] = mapped_column(String(100), default="")  # 责任角色 (code or name)
    process_id: Mapped[str] = mapped_column(String(100), default="improvement")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    item: Mapped[DiagnosisItem | None] = relationship()
    source_unit: Mapped[Unit | None] = relationship()
    thresholds: Mapped[list[IndicatorThreshold]] = relationship(back_populates="indicator",
                                                                order_by="IndicatorThreshold.period_from")


class IndicatorThreshold(Base):
    """The three lines of an indicator from a period on (目标值 aim, 标准值 standard, 预警值 warning); a row for one
    subject tightens the school's lines for it (the standard stage), never loosens them."""

    __tablename__ = "indicator_threshold"
    __table_args__ = (UniqueConstraint("indicator_id", "subject_id", "period_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"))
    period_from: Mapped[str] = mapped_column(String(20), default="")  # "" = from the beginning
    aim: Mapped[float] = mapped_column(Float)
    standard: Mapped[float] = mapped_column(Float)
    warning: Mapped[float] = mapped_column(Float)
    set_at: Mapped[datetime] = mapped_column(DateTime)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    indicator: Mapped[Indicator] = relationship(back_populates="thresholds")


class IndicatorValue(Base):
    """One measured value of an indicator for a subject and period. A correction is a new row naming the one it
    replaces, with a reason; the old row stays. `status` is computed when recorded."""

    __tablename__ = "indicator_value"
    __table_args__ = (Index("ix_value_indicator_subject_period", "indicator_id", "subject_id", "period", "id"),
                      Index("ix_value_status", "status", "period"),
                      # the few 预警/不合格 values alone, with their status: the 驾驶舱 counts them from it
                      Index("ix_value_bad", "indicator_id", "subject_id", "period", "id", "status",
                            sqlite_where=text("status IN ('warning', 'fail')"),
                            postgresql_where=text("status IN ('warning', 'fail')")))
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)
    measured_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200), default="")
    origin: Mapped[str] = mapped_column(String(16), default="page")  # form | import | page | api
    status: Mapped[str] = mapped_column(String(16))  # excellent | pass | warning | fail
    aim: Mapped[float] = mapped_column(Float)  # the lines it was judged by
    standard: Mapped[float] = mapped_column(Float)
    warning: Mapped[float] = mapped_column(Float)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_value.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    indicator: Mapped[Indicator] = relationship()
    subject: Mapped[Subject] = relationship()
    entered_by: Mapped[Person | None] = relationship()


class ImprovementLoop(Base):
    """A warning that started an improvement: one per indicator × subject × period while its cycle runs; later
    bad values of the same triple join it (its timeline) instead of starting another."""

    __tablename__ = "improvement_loop"
    __table_args__ = (Index("ix_loop_triple", "indicator_id", "subject_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    period: Mapped[str] = mapped_column(String(20))
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    first_value_id: Mapped[int] = mapped_column(ForeignKey("indicator_value.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    indicator: Mapped[Indicator] = relationship()
    subject: Mapped[Subject] = relationship()
    instance: Mapped[ProcessInstance] = relationship()


class Goal(Base):
    """A goal (目标) of a subject for a period, in the chain school → major → course → teacher → student (its
    parent goal); measured by indicators (the weighted share at 达标 or better) or by a reviewed done / not done.
    A goal written in a cycle's goal form is keyed by that cycle and field, so a revised form updates it; a goal
    carried from the previous cycle names it."""

    __tablename__ = "goal"
    __table_args__ = (Index("ix_goal_subject_period", "subject_id", "period"),
                      UniqueConstraint("instance_id", "origin_key"))
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    period: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    due_on: Mapped[date | None] = mapped_column(Date)
    review_done: Mapped[bool | None] = mapped_column(Boolean)  # a goal without indicators: reviewed done or not
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    origin_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    subject: Mapped[Subject] = relationship()
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])
    measures: Mapped[list[GoalIndicator]] = relationship(back_populates="goal", cascade="all, delete-orphan")


class GoalIndicator(Base):
    """An indicator measuring a goal, with its weight and the value the goal aims at (optional)."""

    __tablename__ = "goal_indicator"
    __table_args__ = (UniqueConstraint("goal_id", "indicator_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    target: Mapped[float | None] = mapped_column(Float)
    goal: Mapped[Goal] = relationship(back_populates="measures")
    indicator: Mapped[Indicator] = relationship()
