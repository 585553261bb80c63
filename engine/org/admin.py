"""What the admin services share: who may change the school's own data, and one page of a longer list."""
from __future__ import annotations

from engine.errors import NotAllowed
from engine.paging import PER_PAGE, Listing, paged

from .models import Person

__all__ = ["PER_PAGE", "Listing", "clean", "ensure_admin", "paged"]


def ensure_admin(actor: Person | None) -> None:
    """Refuse anyone but an administrator (the system itself, actor None, may: the CLI and the importer).

    Raises NotAllowed."""
    if actor is not None and not actor.is_admin:
        raise NotAllowed("只有系统管理员可以修改学校的组织数据")


def clean(text: str | None) -> str:
    """A form value without surrounding blanks."""
    return (text or "").strip()
