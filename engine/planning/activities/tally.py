"""The yearly tally of a plan: who came to how many of its events, and its 优秀学员 — those who came to at
least the plan's share (excellent_percent) of the events held. Staff and students count by person, everyone
else by phone number. Exported as .xlsx."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotAllowed
from engine.org.models import Person

from .access import may_keep
from .models import SIGN_IN_KINDS, ActivityEvent, ActivityPlan, ActivitySignIn


@dataclass
class Attendee:
    """One participant's year: who, which events, how many, and whether that makes them 优秀学员."""

    name: str
    kind: str
    contact: str  # the phone (externals) or the 工号 (staff, students)
    student_name: str = ""
    student_class: str = ""
    event_ids: set[int] = field(default_factory=set)
    excellent: bool = False

    @property
    def attended(self) -> int:
        """How many of the plan's events they signed in at."""
        return len(self.event_ids)


@dataclass
class Tally:
    """The plan's events held, the attendance needed for 优秀学员, and each participant, most events first."""

    plan: ActivityPlan
    events: list[ActivityEvent]
    needed: int
    attendees: list[Attendee]


def held_events(plan: ActivityPlan, now: datetime) -> list[ActivityEvent]:
    """The events that count: closed ones, and published ones that have started."""
    return [e for e in plan.events if e.status == "closed" or (e.status == "published" and e.starts_at <= now)]


def plan_tally(session: Session, actor: Person | None, plan: ActivityPlan, now: datetime) -> Tally:
    """The plan's tally as of `now`. Raises NotAllowed unless the actor keeps the plan."""
    if not may_keep(session, actor, plan, now.date()):
        raise NotAllowed("只有质量办或计划组织单位的负责人可以查看出勤统计")
    events = held_events(plan, now)
    needed = math.ceil(len(events) * plan.excellent_percent / 100) if events else 0
    people: dict[tuple[str, str], Attendee] = {}
    rows = session.execute(select(ActivitySignIn, Person.username).outerjoin(Person)
                           .where(ActivitySignIn.event_id.in_([e.id for e in events]))
                           .order_by(ActivitySignIn.signed_at))
    for sign_in, username in rows:
        key = ("person", str(sign_in.person_id)) if sign_in.person_id else ("phone", sign_in.phone or "")
        who = people.setdefault(key, Attendee(sign_in.name, sign_in.kind, username or sign_in.phone or ""))
        who.name = sign_in.name  # the latest spelling
        who.student_name = sign_in.student_name or who.student_name
        who.student_class = sign_in.student_class or who.student_class
        who.event_ids.add(sign_in.event_id)
    for who in people.values():
        who.excellent = needed > 0 and who.attended >= needed
    ordered = sorted(people.values(), key=lambda a: (-a.attended, a.kind, a.name))
    return Tally(plan, events, needed, ordered)


def tally_workbook(tally: Tally) -> bytes:
    """The tally as an .xlsx: one row per participant, a ✓ column per event, the count, the share, 优秀学员."""
    from openpyxl import Workbook  # loaded when a workbook is made, not at start-up (engine/sheets.py)
    from openpyxl.styles import Font
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "出勤统计"
    headers = ["姓名", "类别", "手机/工号", "学生姓名", "班级",
               *[f"{e.starts_at:%m-%d} {e.title}" for e in tally.events], "出勤次数", "出勤率", "优秀学员"]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    total = len(tally.events) or 1
    for who in tally.attendees:
        sheet.append([who.name, SIGN_IN_KINDS.get(who.kind, who.kind), who.contact, who.student_name,
                      who.student_class, *["✓" if e.id in who.event_ids else "" for e in tally.events],
                      who.attended, f"{round(100 * who.attended / total)}%", "是" if who.excellent else ""])
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["C"].width = 16
    info = book.create_sheet("说明")
    info.append(["计划", tally.plan.name])
    info.append(["学年", tally.plan.year])
    info.append(["已举办活动", len(tally.events)])
    info.append(["优秀学员标准", f"出勤至少 {tally.needed} 次（{tally.plan.excellent_percent}%）"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
