"""Who may open the admin pages: administrators change; the quality office reads."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from engine import is_quality_office

from ..extensions import db


def may_change() -> bool:
    """The signed-in person is an administrator."""
    return bool(getattr(current_user, "is_admin", False))


def readers_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """A page administrators and the quality office may open (others get 403)."""
    @wraps(view)
    @login_required
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not (may_change() or is_quality_office(db.session, current_user)):
            abort(403)
        return view(*args, **kwargs)
    return guarded


def admins_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """A change only administrators may make (others, the quality office included, get 403)."""
    @wraps(view)
    @login_required
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not may_change():
            abort(403)
        return view(*args, **kwargs)
    return guarded
