"""One page of a longer list, counted and cut in the database, and a search pattern that matches literally."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

T = TypeVar("T")
PER_PAGE = 50
SEARCH_MAX = 100  # characters of a search box that are looked at


@dataclass
class Listing(Generic[T]):
    """One page of a longer list: its rows, how many there are in all, which page this is and how many."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the whole list takes (at least one)."""
        return max(1, -(-self.total // self.per_page))


def paged(session: Session, query: Select[T], page: int, per_page: int = PER_PAGE) -> Listing[T]:
    """Page `page` of `query` (COUNT and LIMIT/OFFSET in SQL; a page past the end is the last page)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    per_page = max(1, per_page)
    page = min(max(1, page), max(1, -(-total // per_page)))
    items = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page))) if total else []
    return Listing(items, total, page, per_page)


def holds(text: str, *columns: InstrumentedAttribute[Any] | ColumnElement[Any]) -> ColumnElement[bool]:
    """Any of `columns` holds `text`, case-insensitively and literally (`%`, `_` and `\\` in it match themselves)."""
    needle = text.strip()[:SEARCH_MAX].lower()
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(*(func.lower(column).like(f"%{escaped}%", escape="\\") for column in columns))
