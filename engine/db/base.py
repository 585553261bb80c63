"""The declarative base every room's tables are declared on; `web/` wraps it with Flask-SQLAlchemy."""
from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of every Spiral table."""
