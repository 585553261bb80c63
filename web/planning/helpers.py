"""What the planning pages share: only the quality office enters, dates from forms, errors as one sentence."""
from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user

from engine import InvalidInput, SpiralError, is_quality_office

from ..errors import error_text, field_errors
from ..extensions import db


def require_office() -> None:
    """403 unless the signed-in person is in the quality office (or an administrator)."""
    if not is_quality_office(db.session, current_user):
        abort(403)


def day_of(text: str | None, field: str, label: str) -> date:
    """A date from a form field; InvalidInput naming the field when it is missing or not a date."""
    try:
        if text:
            return date.fromisoformat(text.strip()[:10])
    except ValueError:
        pass
    raise InvalidInput(f"请填写{label}（日期）", {field: [f"请填写{label}"]})


def message(exc: SpiralError) -> str:
    """The error's sentence followed by every field's message."""
    details = [m for msgs in field_errors(exc).values() for m in msgs]
    return error_text(exc) + ("：" + "；".join(details) if details else "")
