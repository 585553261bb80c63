"""The school's calendar: its own closed and make-up days, the official days it entered, its years and terms."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.db.cache import Cached


class Closure(Cached, Base):
    """A day the school is closed on top of the official calendar (校庆, 运动会…); deadlines skip it."""

    __tablename__ = "closure"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    reason: Mapped[str] = mapped_column(String(200))


class SchoolWorkday(Cached, Base):
    """A weekend or holiday the school works on top of the official calendar (its own 调休); deadlines count it."""

    __tablename__ = "school_workday"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    reason: Mapped[str] = mapped_column(String(200))


class OfficialDay(Cached, Base):
    """A day of the State Council's notice entered by the quality office for a year the library does not know
    (or to correct it): a holiday, or a 调休 make-up working day. Entered days win over the library."""

    __tablename__ = "official_day"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # "holiday" | "workday"
    name: Mapped[str] = mapped_column(String(50))  # 元旦, 春节, 清明节…


class AcademicYear(Cached, Base):
    """A school year (学年) such as 2025-2026, with its first and last day."""

    __tablename__ = "academic_year"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    terms: Mapped[list[Term]] = relationship(back_populates="year", order_by="Term.number",
                                             cascade="all, delete-orphan")


class Term(Cached, Base):
    """A term (学期) of a school year: 2025-2026-1 runs from its first teaching day to its last."""

    __tablename__ = "term"
    __table_args__ = (UniqueConstraint("year_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(11), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    year: Mapped[AcademicYear] = relationship(back_populates="terms")
