"""What the org room tells the rooms above it (engine/bus.py): a substitute was named."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class SubstituteNamed:
    """`substitute_id` stands in for `person_name` from `starts_on` to `ends_on` (the notify room tells them)."""

    substitution_id: int
    substitute_id: int
    person_name: str
    starts_on: date
    ends_on: date
    reason: str
    now: datetime
