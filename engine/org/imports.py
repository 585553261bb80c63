"""Importing the school's organisation (units, people, holdings, subjects) from the org sheets, all or nothing,
and exporting it as the same sheets. The workbook's cells are engine/org/workbook.py's; the checks
engine/org/import_rows.py's; the diff engine/org/import_plan.py's."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import InvalidWorkbook, NotAllowed
from engine.sheets import CellValue

from .import_changes import ACTIONS, KIND_NAMES, LEVEL_LABELS, PERSON_KIND_NAMES, Change, Context
from .import_plan import plan_import
from .import_rows import Existing, check_rows
from .models import Person, Role, RoleHolding, School, Subject, Unit
from .passwords import give_one_time_passwords
from .workbook import COLUMNS, HOLDINGS, PEOPLE, SUBJECTS, UNITS, OrgSheets

# Which audit object a sheet's changes are about; a holding's event is on its person (their timeline shows it).
AUDIT_OBJECTS = {UNITS: ("unit", "unit"), PEOPLE: ("person", "person"), HOLDINGS: ("person", "holding"),
                 SUBJECTS: ("subject", "subject")}


@dataclass(frozen=True)
class OneTimePassword:
    """A new person's first password: shown once to whoever imported them, never stored in clear."""

    username: str
    name: str
    password: str


@dataclass
class ImportReport:
    """What an import changed (or, in a dry run, would change): one Change per row, notes, new passwords."""

    dry_run: bool
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    passwords: list[OneTimePassword] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many rows change."""
        return len(self.changes)

    def counts(self) -> dict[str, dict[str, int]]:
        """Sheet → action → how many, e.g. {"人员": {"added": 3, "deactivated": 1}}."""
        counted = Counter((c.sheet, c.action) for c in self.changes)
        return {sheet: {action: counted[sheet, action] for action in ACTIONS if counted[sheet, action]}
                for sheet in COLUMNS if any(counted[sheet, a] for a in ACTIONS)}

    def summary(self) -> str:
        """One Chinese line: “人员：新增 3、停用 1；任职：新增 5” or “没有变化”."""
        parts = [f"{sheet}：" + "、".join(f"{ACTIONS[a]} {n}" for a, n in actions.items())
                 for sheet, actions in self.counts().items()]
        return "；".join(parts) or "没有变化"

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the CLI's --json)."""
        return {"dry_run": self.dry_run, "total": self.total, "counts": self.counts(), "summary": self.summary(),
                "changes": [c.__dict__ for c in self.changes], "notes": self.notes,
                "passwords": [p.__dict__ for p in self.passwords]}


def load_existing(session: Session) -> Existing:
    """The school's org in five queries (units, people, roles, holdings, subjects)."""
    return Existing(units={u.code: u for u in session.scalars(select(Unit))},
                    people={p.username: p for p in session.scalars(select(Person))},
                    roles=list(session.scalars(select(Role).order_by(Role.id))),
                    holdings={(h.person_id, h.role_id, h.unit_id): h for h in session.scalars(select(RoleHolding))},
                    subjects={s.code: s for s in session.scalars(select(Subject))})


def import_org(session: Session, actor: Person | None, sheets: OrgSheets, now: datetime, *, dry_run: bool,
               passwords: bool = True) -> ImportReport:
    """Check the sheets against each other and the school, then (unless `dry_run`) apply every change, audit each
    row and commit. All or nothing: raises InvalidWorkbook listing every problem, with nothing written. New people
    get a one-time password in the report (`passwords=False`: none, for a directory that signs them in or a
    caller that sets them). `actor` None is the system (the shell); otherwise only an administrator may import.
    Raises NotAllowed."""
    if actor is not None and not actor.is_admin:
        raise NotAllowed("只有系统管理员可以导入组织数据")
    with session.no_autoflush:
        existing = load_existing(session)
        rows = check_rows(sheets, existing)
        if rows.problems:
            raise InvalidWorkbook(rows.problems)
        plan = plan_import(rows, existing, now.date())
        if plan.problems:
            raise InvalidWorkbook(plan.problems)
        report = ImportReport(dry_run, [s.change for s in plan.steps], plan.notes)
        if dry_run or not plan.steps:
            return report
        ctx = Context(session, existing, session.scalar(select(School.default_locale)) or "zh_CN")
        touched = []
        for sheet in COLUMNS:  # one sheet after the other, each flushed: the next one refers to its ids
            touched += [step.apply(ctx) for step in plan.steps if step.change.sheet == sheet]
            if sheet == PEOPLE and passwords and ctx.new_people:
                report.passwords = [OneTimePassword(p.username, p.name, pw) for p, pw in
                                    zip(ctx.new_people, give_one_time_passwords(ctx.new_people))]
            session.flush()
    actor_id = actor.id if actor else None
    events = [audit.values("org.imported", now, actor_id=actor_id, object_type="org",
                           summary=f"导入组织数据：{report.summary()}", after={"counts": report.counts()})]
    for step, row in zip([s for sheet in COLUMNS for s in plan.steps if s.change.sheet == sheet], touched):
        object_type, noun = AUDIT_OBJECTS[step.change.sheet]
        events.append(audit.values(f"{noun}.{step.change.action}", now, actor_id=actor_id, object_type=object_type,
                                   object_id=row.id, summary=f"导入：{step.change.text}", before=step.before,
                                   after=step.after))
    audit.record_all(session, events)
    session.commit()
    return report


def export_org(session: Session) -> dict[str, list[tuple[CellValue, ...]]]:
    """The school's org as the four sheets' rows (open units, active people, every holding, every subject): a
    workbook written from them imports back with no change."""
    units = list(session.scalars(select(Unit).order_by(Unit.id)))
    code = {u.id: u.code for u in units}
    people = list(session.scalars(select(Person).order_by(Person.id)))
    username = {p.id: p.username for p in people}
    roles = {r.id: r.name for r in session.scalars(select(Role))}
    return {
        UNITS: [(u.code, u.name, KIND_NAMES.get(u.kind, u.kind), code.get(u.parent_id or 0, ""), u.aliases or "")
                for u in units if u.active],
        PEOPLE: [(p.username, p.name, code.get(p.unit_id or 0, ""), PERSON_KIND_NAMES.get(p.kind, p.kind),
                  p.email or "", p.phone or "") for p in people if p.active],
        HOLDINGS: [(username[h.person_id], roles[h.role_id], code[h.unit_id], h.starts_on, h.ends_on)
                   for h in session.scalars(select(RoleHolding).order_by(RoleHolding.id))],
        SUBJECTS: [(LEVEL_LABELS.get(s.level, s.level), s.code, s.name, code[s.unit_id],
                    username.get(s.person_id or 0, "")) for s in session.scalars(select(Subject).order_by(Subject.id))],
    }
