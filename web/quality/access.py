"""Who sees the quality pages: everyone signed in reads the library; the quality office and the supervisors see
values and warnings; only the quality office changes anything."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from engine import can_supervise, is_quality_office

from ..extensions import db


def may_edit() -> bool:
    """The signed-in person keeps the library and enters values (the quality office, administrators)."""
    return is_quality_office(db.session, current_user)


def require_edit() -> None:
    """403 unless the signed-in person is in the quality office."""
    if not may_edit():
        abort(403)


def require_watch() -> None:
    """403 unless the signed-in person may watch values and warnings (quality office, school leaders)."""
    if not can_supervise(db.session, current_user):
        abort(403)
