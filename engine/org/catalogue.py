"""The default role catalogue (DOMAIN.md's roles): what `spiral init-db` gives a new school and what the demo
school uses. Lanes of the shipped processes name these roles; a school may add its own (admin pages)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Role


@dataclass(frozen=True)
class DefaultRole:
    """One role of the catalogue: its code, its name, and its two flags."""

    code: str
    name: str
    receives_unroutable: bool = False  # the quality office: gets tasks nobody else can be found for
    heads_unit: bool = False  # the ladder's "unit head" of the unit it is held for


DEFAULT_ROLES = (
    DefaultRole("principal", "校长", heads_unit=True),
    DefaultRole("vice_principal", "分管教学副校长"),
    DefaultRole("qa_director", "质量办主任", receives_unroutable=True),
    DefaultRole("qa_officer", "质量专员", receives_unroutable=True),
    DefaultRole("supervisor", "督导员"),
    DefaultRole("dept_head", "部门负责人", heads_unit=True),
    DefaultRole("division_head", "专业部主任", heads_unit=True),
    DefaultRole("major_lead", "专业带头人"),
    DefaultRole("tro_head", "教研室主任", heads_unit=True),
    DefaultRole("course_lead", "课程负责人"),
    DefaultRole("teacher", "任课教师"),
    DefaultRole("class_teacher", "班主任"),
    DefaultRole("student", "学生"),
)


def seed_roles(session: Session) -> int:
    """Add the catalogue's roles a school does not have yet (by code or name; existing roles keep their flags);
    returns how many were added. Does not commit."""
    have = session.execute(select(Role.code, Role.name)).all()
    codes, names = {code for code, _ in have}, {name for _, name in have}
    added = [Role(code=r.code, name=r.name, receives_unroutable=r.receives_unroutable, heads_unit=r.heads_unit)
             for r in DEFAULT_ROLES if r.code not in codes and r.name not in names]
    session.add_all(added)
    session.flush()
    return len(added)
