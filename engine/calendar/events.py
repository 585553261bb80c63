"""What the calendar room tells the rooms above it (engine/bus.py): the school's calendar changed.

A term, an official day, a closure or a make-up day moved the days that count; the planning room recomputes
when its scheduled cycles run next (wired in engine/assembly.py, same transaction).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CalendarChanged:
    """Years, terms or working days changed as of `now`."""

    now: datetime
