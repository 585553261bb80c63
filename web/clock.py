"""The time the web app acts at: its engine's clock (school-local wall time, or config SPIRAL_NOW)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app


def now() -> datetime:
    """Naive school-local now, as the app's assembled engine tells it."""
    return current_app.extensions["spiral"].clock()  # type: ignore[no-any-return]
