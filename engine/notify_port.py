"""Telling several people at once: one call for the ladder and the supervisors' actions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .notifications import notify


def notify_people(session: Session, person_ids: list[int], *, kind: str, title: str, body: str, link: str,
                  now: datetime, dedupe_key: str) -> int:
    """Queue one notification per person (in-app plus their chosen channels); returns how many were new."""
    made = 0
    for person_id in dict.fromkeys(person_ids):
        if notify(session, person_id, kind=kind, title=title, body=body, link=link, now=now,
                  dedupe_key=f"{dedupe_key}:{person_id}") is not None:
            made += 1
    return made
