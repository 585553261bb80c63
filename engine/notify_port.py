"""Telling several people at once: one call for the ladder and the supervisors' actions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .notifications import Message, notify_all


def notify_people(session: Session, person_ids: list[int], *, kind: str, title: str, body: str, link: str,
                  now: datetime, dedupe_key: str) -> int:
    """Queue one notification per person (in-app plus their chosen channels); returns how many were new."""
    messages = [Message(person_id, kind, title, body, link, f"{dedupe_key}:{person_id}")
                for person_id in dict.fromkeys(person_ids)]
    return len(notify_all(session, messages, now))
