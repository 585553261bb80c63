"""What a department is (the unit just under the school that a unit belongs to), defined once for reports,
notices and the tick."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.cache import snapshot

from .models import Subject, Unit

T = TypeVar("T")


def department_in(chain: Sequence[T]) -> T:
    """The department of the first unit of `chain` (that unit, then its ancestors up to the school): the unit
    just under the school, or the school itself."""
    return chain[-2] if len(chain) >= 2 else chain[-1]


def departments(session: Session) -> dict[int, Unit]:
    """Each unit's department, by unit id."""
    units = {u.id: u for u in session.scalars(select(Unit))}
    parents = {unit_id: unit.parent_id for unit_id, unit in units.items()}
    return {unit_id: units[found] for unit_id, found in _department_ids(parents).items()}


def department_names(session: Session) -> dict[int, str]:
    """Each unit's department name, by unit id; kept in the org snapshot (do not change the dict)."""
    return snapshot(session).section("department_names", session, _department_names)


def subject_departments(session: Session) -> dict[int, str]:
    """Each subject's department name, by subject id; kept in the org snapshot (do not change the dict)."""
    return snapshot(session).section("subject_departments", session, _subject_departments)


def _department_names(session: Session) -> dict[int, str]:
    """Each unit's department name, by unit id (reads three columns, not whole units)."""
    rows = session.execute(select(Unit.id, Unit.parent_id, Unit.name)).all()
    names = {unit_id: name for unit_id, _, name in rows}
    parents = {unit_id: parent_id for unit_id, parent_id, _ in rows}
    return {unit_id: names[found] for unit_id, found in _department_ids(parents).items()}


def _subject_departments(session: Session) -> dict[int, str]:
    names = department_names(session)
    return {subject_id: names.get(unit_id, "")
            for subject_id, unit_id in session.execute(select(Subject.id, Subject.unit_id))}


def _department_ids(parents: dict[int, int | None]) -> dict[int, int]:
    """Each unit's department id, given every unit's parent id."""
    found: dict[int, int] = {}
    for unit_id in parents:
        chain = [unit_id]
        while parents[chain[-1]] and parents[chain[-1]] in parents and len(chain) < 50:
            chain.append(parents[chain[-1]])  # type: ignore[arg-type]
        found[unit_id] = department_in(chain)
    return found
