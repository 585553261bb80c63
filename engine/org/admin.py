"""What the admin services share: who may change the school's own data, and one page of a longer list."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.errors import NotAllowed

from .models import Person

T = TypeVar("T")
PER_PAGE = 50


def ensure_admin(actor: Person | None) -> None:
    """Refuse anyone but an administrator (the system itself, actor None, may: the CLI and the importer).

    Raises NotAllowed."""
    if actor is not None and not actor.is_admin:
        raise NotAllowed("只有系统管理员可以修改学校的组织数据")


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
    """Page `page` of `query` (a page past the end is the last page)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    per_page = max(1, per_page)
    page = min(max(1, page), max(1, -(-total // per_page)))
    items = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page))) if total else []
    return Listing(items, total, page, per_page)


def clean(text: str | None) -> str:
    """A form value without surrounding blanks."""
    return (text or "").strip()
