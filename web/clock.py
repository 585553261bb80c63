"""The time the web app acts at: school-local wall time, or a fixed time set by tests and demos."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app


def now() -> datetime:
    """Naive school-local now (config SPIRAL_NOW overrides it, for tests and time travel)."""
    fixed = current_app.config.get("SPIRAL_NOW")
    if fixed:
        return fixed() if callable(fixed) else datetime.fromisoformat(str(fixed))
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).replace(tzinfo=None)
