"""The demo school of DOMAIN.md: org tree, people, roles, subjects, processes and cycles in flight."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

import processes
from engine.calendar.deadlines import OFFICIAL, compute_due
from engine.definitions.deploy import deploy
from engine.definitions.specs import form_registry
from engine.org.models import Person, Role, RoleHolding, Subject, Unit
from engine.supervision.ladders import seed_ladders
from engine.supervision.notices import all_notices, close, extend, record_talk, remind
from engine.tick import run_tick
from engine.workflow.cycles import current_period, start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task

from .quality import seed_quality

DEMO_PASSWORD = "demo123"

ROLES = [  # code, name, receives unroutable tasks
    ("principal", "校长", False), ("vice_principal", "分管教学副校长", False), ("qa_director", "质量办主任", True),
    ("qa_officer", "质量专员", True), ("supervisor", "督导员", False), ("dept_head", "部门负责人", False),
    ("division_head", "专业部主任", False), ("major_lead", "专业带头人", False), ("tro_head", "教研室主任", False),
    ("course_lead", "课程负责人", False), ("teacher", "任课教师", False), ("class_teacher", "班主任", False),
    ("student", "学生", False),
]
UNIT_HEADS = ("principal", "dept_head", "division_head", "tro_head")  # the ladder's "unit head"
DEPARTMENTS = [("D-DZB", "党政办公室"), ("D-JWK", "教务科"), ("D-XSK", "学生科"), ("D-ZSJY", "招生就业办"),
               ("D-SXZX", "实训管理中心"), ("D-XQHZ", "校企合作办"), ("D-ZLB", "质量管理办公室"), ("D-DDS", "督导室"),
               ("D-RSK", "人事科"), ("D-CWK", "财务科"), ("D-ZWHQ", "总务后勤科"), ("D-XXZX", "信息中心")]
DIVISIONS = [("B-IT", "信息技术部"), ("B-JD", "机电技术部"), ("B-CJ", "财经商贸部")]
OFFICES = [("T-JSJ", "计算机教研室", "B-IT"), ("T-JD", "机电教研室", "B-JD"), ("T-KJ", "会计教研室", "B-CJ"),
           ("T-DS", "电子商务教研室", "B-CJ"), ("T-GG", "公共基础教研室", "D-JWK")]
MAJORS = [("M-710201", "计算机应用", "B-IT"), ("M-660301", "机电技术应用", "B-JD"),
          ("M-730301", "会计事务", "B-CJ"), ("M-730701", "电子商务", "B-CJ")]
COURSES = [("C-PY", "程序设计基础(Python)", "T-JSJ"), ("C-WEB", "网页设计与制作", "T-JSJ"),
           ("C-DG", "电工技术基础与技能", "T-JD"), ("C-PLC", "PLC技术应用", "T-JD"), ("C-JXZT", "机械制图", "T-JD"),
           ("C-JCKJ", "基础会计", "T-KJ"), ("C-KJXXH", "会计信息化", "T-KJ"), ("C-WDYY", "网店运营", "T-DS"),
           ("C-ZBDS", "直播电商", "T-DS"), ("C-YW", "语文", "T-GG"), ("C-SX", "数学", "T-GG"),
           ("C-SZ", "思想政治", "T-GG")]
CLASSES = [("K-2024JSJ1", "2024级计算机应用1班", "M-710201"), ("K-2024DS1", "2024级电子商务1班", "M-730701")]
# username, name, home unit, [(role name, unit where held)]
PEOPLE = [
    ("admin", "系统管理员", "D-XXZX", []),
    ("wangjianguo", "王建国", "SCHOOL", [("校长", "SCHOOL"), ("校长", "COMMITTEE")]),
    ("liming", "李明", "SCHOOL", [("分管教学副校长", "SCHOOL")]),
    ("zhaohong", "赵红", "D-ZLB", [("质量办主任", "SCHOOL"), ("部门负责人", "D-ZLB")]),
    ("sunli", "孙丽", "D-ZLB", [("质量专员", "SCHOOL")]),
    ("zhouqiang", "周强", "D-DDS", [("督导员", "SCHOOL"), ("部门负责人", "D-DDS")]),
    ("wuping", "吴平", "D-DDS", [("督导员", "SCHOOL")]),
    ("qianjun", "钱军", "D-JWK", [("部门负责人", "D-JWK")]),
    ("fengxia", "冯霞", "D-RSK", [("部门负责人", "D-RSK")]),
    ("chenjing", "陈静", "D-XSK", [("部门负责人", "D-XSK")]),
    ("liuyang", "刘洋", "B-IT", [("专业部主任", "B-IT")]),
    ("huangwei", "黄伟", "B-JD", [("专业部主任", "B-JD")]),
    ("xuna", "徐娜", "B-CJ", [("专业部主任", "B-CJ")]),
    ("zhanghua", "张华", "T-JSJ", [("专业带头人", "M-710201")]),
    ("yangfan", "杨帆", "T-JD", [("专业带头人", "M-660301")]),
    ("hexin", "何欣", "T-KJ", [("专业带头人", "M-730301")]),
    ("luojia", "罗佳", "T-DS", [("专业带头人", "M-730701")]),
    ("gaofeng", "高峰", "T-JSJ", [("教研室主任", "T-JSJ")]),
    ("linqiang", "林强", "T-JD", [("教研室主任", "T-JD")]),
    ("zhengmei", "郑梅", "T-KJ", [("教研室主任", "T-KJ")]),
    ("hanxue", "韩雪", "T-DS", [("教研室主任", "T-DS")]),
    ("tangli", "唐莉", "T-GG", [("教研室主任", "T-GG"), ("课程负责人", "C-YW"), ("任课教师", "C-YW")]),
    ("chenxiaoyu", "陈晓雨", "T-DS", [("课程负责人", "C-WDYY"), ("任课教师", "C-WDYY")]),
    ("wangfang", "王芳", "T-DS", [("课程负责人", "C-ZBDS"), ("任课教师", "C-ZBDS"), ("任课教师", "C-WDYY"),
                                  ("班主任", "K-2024DS1")]),
    ("lijun", "李俊", "T-JSJ", [("课程负责人", "C-PY"), ("课程负责人", "C-WEB"), ("任课教师", "C-PY")]),
    ("zhaolei", "赵磊", "T-JSJ", [("任课教师", "C-PY"), ("任课教师", "C-WEB"), ("班主任", "K-2024JSJ1")]),
    ("sunwei", "孙伟", "T-JD", [("课程负责人", "C-DG"), ("课程负责人", "C-PLC"), ("任课教师", "C-PLC")]),
    ("zhoumin", "周敏", "T-JD", [("课程负责人", "C-JXZT"), ("任课教师", "C-JXZT"), ("任课教师", "C-DG")]),
    ("wuting", "吴婷", "T-KJ", [("课程负责人", "C-JCKJ"), ("课程负责人", "C-KJXXH"), ("任课教师", "C-JCKJ")]),
    ("xiechao", "谢超", "T-GG", [("课程负责人", "C-SX"), ("课程负责人", "C-SZ"), ("任课教师", "C-SX")]),
    ("liuxin", "刘欣", "K-2024JSJ1", [("学生", "K-2024JSJ1")]),
    ("chenhao", "陈浩", "K-2024JSJ1", [("学生", "K-2024JSJ1")]),
    ("wangyu", "王宇", "K-2024DS1", [("学生", "K-2024DS1")]),
    ("lina", "李娜", "K-2024DS1", [("学生", "K-2024DS1")]),
]
TEACHER_SUBJECTS = ["chenxiaoyu", "lijun", "sunwei", "wuting", "wangfang"]
LATE_ON_PURPOSE = [("teacher_cycle", "T-wuting", "P10D", 0.76), ("teacher_cycle", "T-sunwei", "P10D", 0.9)]
STUDENT_SUBJECTS = ["liuxin", "wangyu"]


def is_seeded(session: Session) -> bool:
    """True once the demo (or any organisation) exists."""
    return session.scalars(select(Unit.id).limit(1)).first() is not None


def seed_org(session: Session) -> None:
    """Units, roles, people and subjects of the demo school (no processes, no cycles); commits."""
    units: dict[str, Unit] = {}

    def unit(code: str, name: str, kind: str, parent: str | None) -> None:
        units[code] = Unit(code=code, name=name, kind=kind, parent=units[parent] if parent else None)
        session.add(units[code])

    unit("SCHOOL", "示例市职业技术学校", "school", None)
    unit("COMMITTEE", "质量保证委员会", "committee", "SCHOOL")
    for code, name in DEPARTMENTS:
        unit(code, name, "department", "SCHOOL")
    for code, name in DIVISIONS:
        unit(code, name, "division", "SCHOOL")
    for code, name, parent in OFFICES:
        unit(code, name, "office", parent)
    for code, name, parent in MAJORS:
        unit(code, name, "major", parent)
    for code, name, parent in COURSES:
        unit(code, name, "course", parent)
    for code, name, parent in CLASSES:
        unit(code, name, "class", parent)
    roles = {name: Role(code=code, name=name, receives_unroutable=flag, heads_unit=code in UNIT_HEADS)
             for code, name, flag in ROLES}
    session.add_all(roles.values())
    password = generate_password_hash(DEMO_PASSWORD)
    people = {}
    for username, name, home, holdings in PEOPLE:
        person = Person(username=username, name=name, unit=units[home], password_hash=password,
                        email=f"{username}@demo.school.example", is_admin=username == "admin")
        session.add(person)
        people[username] = person
        for role_name, where in holdings:
            session.add(RoleHolding(person=person, role=roles[role_name], unit=units[where]))
    session.add(Subject(code="SCH", name="示例市职业技术学校", level="school", unit=units["SCHOOL"]))
    for code, name, _parent in MAJORS:
        session.add(Subject(code=code.replace("M-", "MAJ-"), name=name, level="major", unit=units[code]))
    for code, name, _parent in COURSES:
        session.add(Subject(code=code, name=name, level="course", unit=units[code]))
    for username in TEACHER_SUBJECTS:
        person = people[username]
        session.add(Subject(code=f"T-{username}", name=f"{person.name}（教师）", level="teacher",
                            unit=person.unit, person=person))
    for username in STUDENT_SUBJECTS:
        person = people[username]
        session.add(Subject(code=f"S-{username}", name=f"{person.name}（学生）", level="student",
                            unit=person.unit, person=person))
    seed_ladders(session, datetime.now())
    session.commit()


def deploy_shipped(session: Session, now: datetime) -> None:
    """Deploy every BPMN file under processes/."""
    files = [(p.name, p.read_bytes()) for p in processes.files()]
    deploy(session, None, files, now, comment="随系统提供的流程")


def _advance(session: Session, instance_id: int, steps: int, start: datetime, step_days: int,
             choices: dict[str, str] | None = None) -> datetime:
    """Complete `steps` tasks of a cycle, each `step_days` after the previous, as their holders would."""
    at = start
    forms = form_registry(session)
    for _ in range(steps):
        task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                       HumanTask.status == "open").order_by(HumanTask.id)).first()
        if task is None:
            break
        actor = task.assignee or task.candidates[0]
        at += timedelta(days=step_days)
        form = forms.get(task.form_id) if task.form_id else None
        data = sample_answers(form, choices) if form else {}
        complete_task(session, actor, task.id, data, at, uploads=sample_uploads(form) if form else [])
    return at


def _started_at_fraction(now: datetime, due: str, fraction: float) -> datetime:
    """When a task due in `due` working days must have been created to have used `fraction` of its time now."""
    cal = OFFICIAL
    started = now
    while started > now - timedelta(days=120):
        started -= timedelta(hours=1)
        total = cal.working_seconds(started, compute_due(started, due, "working", cal))
        if total and cal.working_seconds(started, now) / total >= fraction:
            return started
    return started


def _supervise(session: Session, now: datetime) -> None:
    """A supervisor's first morning: notices in every state (open, escalated, extended, completed, closed)."""
    supervisor = session.scalars(select(Person).where(Person.username == "zhouqiang")).one()
    reds = [n for n in all_notices(session, "active") if n.colour == "red"]
    story = [n for n in reds if n.instance.subject.code == "MAJ-660301"]  # 机电: dual-qualified ratio 38 %
    for notice in story:
        remind(session, supervisor, [notice.id], "请本周内提交专业诊断报告，逾期将列入年度考核负面清单。", now)
        record_talk(session, supervisor, notice.id, now.date(), "", "已约谈，承诺三个工作日内完成诊断报告。", now)
    others = [n for n in reds if n not in story]
    if others:
        extend(session, supervisor, others[-1].id, (now + timedelta(days=10)).date(),
               "负责人参加省级培训，经分管校领导同意延期。", now)
    for notice, close_it in zip(others[:-1][:2], (True, False)):
        task = notice.task
        actor = task.assignee or task.candidates[0]
        form = form_registry(session).get(task.form_id) if task.form_id else None
        complete_task(session, actor, task.id, sample_answers(form, {"decision": "approve"}) if form else {},
                      now, uploads=sample_uploads(form) if form else [])
        if close_it:
            close(session, supervisor, [notice.id], "已按要求完成，准予销号。", now)


def seed_demo(session: Session, now: datetime) -> dict[str, int]:
    """Seed the whole demo school with cycles in flight relative to `now`; returns counts."""
    seed_org(session)
    deploy_shipped(session, now)
    year, term = current_period(now)
    approve = {"decision": "approve"}
    plans = [  # process, subject, period, started days ago, tasks to complete, days per step
        ("course_cycle", "C-WDYY", term, 2, 0, 1),
        ("course_cycle", "C-ZBDS", term, 40, 2, 5),
        ("course_cycle", "C-PY", term, 45, 5, 6),
        ("course_cycle", "C-JCKJ", term, 20, 1, 3),
        ("major_cycle", "MAJ-660301", year, 75, 6, 8),
        ("major_cycle", "MAJ-710201", year, 10, 1, 4),
        ("school_cycle", "SCH", year, 30, 2, 6),
        ("teacher_cycle", "T-chenxiaoyu", year, 5, 0, 1),
        ("teacher_cycle", "T-lijun", year, 25, 2, 5),
        ("student_cycle", "S-liuxin", term, 4, 0, 1),
        ("student_cycle", "S-wangyu", term, 14, 1, 3),
    ]
    for process_id, subject, period, days_ago, steps, step_days in plans:
        started = now - timedelta(days=days_ago)
        instance = start_cycle(session, None, process_id, subject, period, started)
        _advance(session, instance.id, steps, started, step_days, approve)
    for process_id, subject, first_due, fraction in LATE_ON_PURPOSE:  # one yellow, one orange right now
        start_cycle(session, None, process_id, subject, year, _started_at_fraction(now, first_due, fraction))
    seed_quality(session, now)  # 网店运营's 82 % pass rate starts its improvement through the small loop
    tick_at = now - timedelta(days=80)
    while tick_at < now:  # the scheduler ran every morning while these cycles were under way
        run_tick(session, tick_at, holder="demo")
        tick_at += timedelta(days=1)
    run_tick(session, now, holder="demo")
    _supervise(session, now)
    return {"units": session.query(Unit).count(), "people": session.query(Person).count(),
            "subjects": session.query(Subject).count(), "open_tasks":
                session.query(HumanTask).filter(HumanTask.status == "open").count()}
