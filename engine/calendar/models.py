"""The school's own closed days, on top of the official calendar."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.cache import Cached


class Closure(Cached, Base):
    """A day the school is closed on top of the official calendar (校庆, 运动会…); deadlines skip it."""

    __tablename__ = "closure"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    reason: Mapped[str] = mapped_column(String(200))
