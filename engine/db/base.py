"""The declarative base every room's tables are declared on; `web/` wraps it with Flask-SQLAlchemy."""
from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of every Spiral table."""

    # Every Spiral model is declared with columns, so its __table__ is a Table (SQLAlchemy types it FromClause).
    __table__: ClassVar[Table]
