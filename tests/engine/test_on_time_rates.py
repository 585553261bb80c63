"""按时完成率: exact figures by department, level and period (any period filter), however the tasks got there —
created, completed on time or late, cancelled, extended, given a deadline, deleted — and always the same as
counting every task one by one."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import uuid4

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import object_session

from engine.definitions.models import ProcessDefinition
from engine.definitions.specs import form_registry
from engine.org.departments import department_names, departments
from engine.org.models import Subject
from engine.org.people import find_person
from engine.org.routing import Route
from engine.supervision.notices import all_notices, extend
from engine.supervision.reports import GROUPS, RateRow, on_time_rates
from engine.tick import run_tick
from engine.workflow import task_state
from engine.workflow.cycle_admin import cancel_cycle
from engine.workflow.cycle_counts import COLUMNS, recount
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0

NOW = datetime(2025, 11, 1, 9)
PAST, FUTURE = NOW - timedelta(days=10), NOW + timedelta(days=10)
P1, P2 = "2025-2026-1", "2024-2025-2"


def counted_task_by_task(session, group: str, now: datetime, period: str = "") -> list[RateRow]:
    """The report as it counted before cycles kept their counts: every task with a deadline, joined and grouped."""
    on_time = case((HumanTask.completed_at <= HumanTask.due_at, 1), else_=0)
    unit = func.coalesce(ProcessInstance.unit_id, Subject.unit_id)  # a plan task counts in its own department
    query = (select(unit, ProcessDefinition.level, ProcessInstance.period, HumanTask.status,
                    func.count(), func.sum(on_time), func.sum(case((HumanTask.due_at < now, 1), else_=0)))
             .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
             .join(Subject, Subject.id == ProcessInstance.subject_id)
             .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
             .where(HumanTask.due_at.is_not(None), HumanTask.status.in_(("open", "done")))
             .group_by(unit, ProcessDefinition.level, ProcessInstance.period, HumanTask.status))
    if period:
        query = query.where(ProcessInstance.period == period)
    names = {k: u.name for k, u in departments(session).items()}
    rows: dict[str, RateRow] = {}
    for unit_id, level, inst_period, status, count, timely, past_due in session.execute(query):
        key = {"department": names.get(unit_id, ""), "level": level, "period": inst_period}[group]
        row = rows.setdefault(key, RateRow(key))
        if status == "done":
            row.done += count
            row.on_time += int(timely or 0)
            row.late += count - int(timely or 0)
        else:
            row.overdue_open += int(past_due or 0)
    return sorted(rows.values(), key=lambda r: (r.rate is None, -(r.rate or 0), r.key))


def figures(rows: list[RateRow]) -> list[tuple[str, int, int, int, int]]:
    """(key, on time, late, overdue open, done) per row, in the report's order."""
    return [(r.key, r.on_time, r.late, r.overdue_open, r.done) for r in rows]


def assert_same_as_counting_every_task(session, now: datetime) -> None:
    for period in ("", P1, P2, "2030-2031-1"):
        for group in GROUPS:
            assert figures(on_time_rates(session, group, now, period)) == \
                figures(counted_task_by_task(session, group, now, period)), (group, period)


def assert_recount_agrees(session) -> None:
    columns = [getattr(ProcessInstance, c) for c in COLUMNS]
    kept = session.execute(select(ProcessInstance.id, *columns).order_by(ProcessInstance.id)).all()
    recount(session.connection())
    assert session.execute(select(ProcessInstance.id, *columns).order_by(ProcessInstance.id)).all() == kept


def cycle(session, process_id: str, subject_code: str, period: str) -> ProcessInstance:
    definition = session.scalars(select(ProcessDefinition).where(ProcessDefinition.process_id == process_id)).one()
    subject = session.scalars(select(Subject).where(Subject.code == subject_code)).one()
    instance = ProcessInstance(definition=definition, subject=subject, period=period, state={}, started_at=T0)
    session.add(instance)
    return instance


def task(session, instance: ProcessInstance, due: datetime | None) -> HumanTask:
    """A task opened the one way tasks open (engine/workflow/task_state.py), offered to nobody."""
    row = HumanTask(instance=instance, spiff_task_id=str(uuid4()), bpmn_id="Task_x", title="任务", status="open",
                    created_at=T0, due_at=due)
    task_state.open_tasks(session, instance, [task_state.NewTask(row, Route())], None, T0)
    return row


def finish(row: HumanTask, status: str, at: datetime) -> None:
    session = object_session(row)
    if status == "done":
        task_state.complete(session, row, find_person(session, "sunli"), at, {})
    else:
        task_state.cancel(session, row, None, at, "测试")


def test_figures_are_exact_for_every_kind_of_task_and_every_grouping(session):
    py, wdyy = cycle(session, "course_cycle", "C-PY", P1), cycle(session, "course_cycle", "C-WDYY", P1)
    major, yw = cycle(session, "major_cycle", "MAJ-710201", P2), cycle(session, "course_cycle", "C-YW", P2)
    py_tasks = [task(session, py, PAST) for _ in range(6)] + [task(session, py, None)]
    wdyy_tasks = [task(session, wdyy, FUTURE), task(session, wdyy, PAST)]
    major_tasks = [task(session, major, PAST) for _ in range(3)]
    yw_tasks = [task(session, yw, PAST), task(session, yw, None)]
    session.commit()
    session.expire_all()  # changes below replace values that are not loaded yet

    finish(py_tasks[0], "done", PAST - timedelta(days=1))   # on time
    finish(py_tasks[1], "done", PAST)                        # on time: done at the deadline itself
    finish(py_tasks[2], "done", PAST + timedelta(days=1))   # late
    task_state.change_due(py_tasks[4], NOW + timedelta(days=5))  # extended: open, no longer overdue
    finish(py_tasks[5], "cancelled", NOW)                    # cancelled: not counted
    finish(py_tasks[6], "done", NOW)                         # no deadline: not counted
    finish(wdyy_tasks[1], "done", NOW)                       # late, then withdrawn with plain SQL below
    finish(major_tasks[0], "done", NOW)                      # late; the other two stay open and overdue
    finish(yw_tasks[0], "done", PAST - timedelta(hours=1))  # on time
    task_state.change_due(yw_tasks[1], NOW - timedelta(days=1))  # given a deadline, already past
    session.commit()
    # changed with plain SQL, behind the services' back: a recount puts the counts right
    session.execute(update(HumanTask).where(HumanTask.id == wdyy_tasks[1].id).values(status="cancelled"))
    recount(session.connection())
    session.commit()

    assert figures(on_time_rates(session, "department", NOW)) == [
        ("教务科", 1, 0, 1, 1), ("信息技术部", 2, 2, 3, 4), ("财经商贸部", 0, 0, 0, 0)]
    assert [r.rate for r in on_time_rates(session, "department", NOW)] == [0.5, 2 / 7, None]
    assert figures(on_time_rates(session, "level", NOW)) == [("course", 3, 1, 2, 4), ("major", 0, 1, 2, 1)]
    assert figures(on_time_rates(session, "period", NOW)) == [(P1, 2, 1, 1, 3), (P2, 1, 1, 3, 2)]
    assert figures(on_time_rates(session, "department", NOW, P2)) == [("教务科", 1, 0, 1, 1),
                                                                      ("信息技术部", 0, 1, 2, 1)]
    assert figures(on_time_rates(session, "level", NOW, P1)) == [("course", 2, 1, 1, 3)]
    assert on_time_rates(session, "period", NOW, "2030-2031-1") == []
    assert figures(on_time_rates(session, "department", PAST - timedelta(days=1))) == [
        ("教务科", 1, 0, 0, 1), ("信息技术部", 2, 2, 0, 4), ("财经商贸部", 0, 0, 0, 0)]  # earlier, nothing overdue
    assert_same_as_counting_every_task(session, NOW)
    assert_recount_agrees(session)


def test_cycles_run_by_the_services_count_the_same_as_every_task(session):
    """Cycles started, completed on time and late, cancelled, and extended by a supervisor."""
    courses = ["C-WDYY", "C-PY", "C-DG", "C-JCKJ", "C-YW"]
    instances = [start_cycle(session, None, "course_cycle", code, P1 if k % 2 else P2, T0)
                 for k, code in enumerate(courses)]
    instances.append(start_cycle(session, None, "major_cycle", "MAJ-660301", P1, T0))
    for k, instance in enumerate(instances[:4]):
        for step in range(k + 1):  # the k-th cycle gets k + 1 tasks done: the first on time, later ones late
            _complete_first_open(session, instance, T0 + timedelta(days=2 + 20 * step + k))
    cancel_cycle(session, find_person(session, "sunli"), instances[4].id, "本学期不开设", T0 + timedelta(days=2))
    late = T0 + timedelta(days=80)
    run_tick(session, late)
    notice = next(n for n in all_notices(session, "active") if n.task.instance_id == instances[5].id)
    extend(session, find_person(session, "zhouqiang"), notice.id, date(2025, 12, 31), "等待企业调研数据", late)

    assert on_time_rates(session, "department", late)
    for now in (T0, T0 + timedelta(days=15), late, late + timedelta(days=90)):
        assert_same_as_counting_every_task(session, now)
    assert_recount_agrees(session)


def _complete_first_open(session, instance: ProcessInstance, at: datetime) -> None:
    row = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == "open")
                          .order_by(HumanTask.id)).first()
    form = form_registry(session).get(row.form_id)
    complete_task(session, row.assignee or row.candidates[0], row.id, sample_answers(form, {"decision": "approve"}),
                  at, uploads=sample_uploads(form))


def test_department_names_follow_each_unit_up_to_the_unit_under_the_school(session):
    names = department_names(session)
    assert {unit_id: unit.name for unit_id, unit in departments(session).items()} == names
    subject = session.scalars(select(Subject).where(Subject.code == "C-WDYY")).one()
    assert names[subject.unit_id] == "财经商贸部"
