"""A course cycle of our own for the 自我诊断报告: 网店运营 (C-WDYY) with two indicators of our library, its pass rate
red at 82% (an improvement starts, its measures written) and its rating 达标, driven to its diagnosis task."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.specs import form_registry
from engine.org.people import find_person
from engine.quality.library import IndicatorFields, save_indicator
from engine.quality.values import ValueInput, record_values
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0

TERM, LAST_TERM = "2025-2026-1", "2024-2025-2"
MEASURE = "分层教学，每周增加一次答疑，期中前完成薄弱学生补考辅导"


def open_task(session: Session, instance_id: int) -> HumanTask:
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.status == "open")).one()


def complete(session: Session, instance_id: int, day: int, **choices) -> HumanTask:  # type: ignore[no-untyped-def]
    task = open_task(session, instance_id)
    who = task.assignee or task.candidates[0]
    form = form_registry(session).get(task.form_id)
    answers = sample_answers(form, {"decision": "approve", "verdict": "passed", **choices})
    complete_task(session, who, task.id, answers, T0 + timedelta(days=day), uploads=sample_uploads(form))
    return task


def build(session: Session) -> ProcessInstance:
    """The library, the values and the improvement, and the course cycle waiting at its diagnosis."""
    office = find_person(session, "zhaohong")
    save_indicator(session, office, IndicatorFields(
        code="K-HG", name="课程合格率", level="course", direction="higher", aim=95, standard=90, warning=85,
        measure_unit="%", responsible_role="课程负责人", item="课堂教学与实践"), T0)
    save_indicator(session, office, IndicatorFields(
        code="K-PJ", name="学生评教", level="course", direction="higher", aim=90, standard=85, warning=80,
        measure_unit="分", responsible_role="课程负责人", item="课堂教学与实践"), T0)
    session.commit()
    cycle = start_cycle(session, office, "course_cycle", "C-WDYY", TERM, T0)
    day = 0
    while open_task(session, cycle.id).stage != "diagnose":
        day += 1
        complete(session, cycle.id, day)
    values = [ValueInput("K-HG", "C-WDYY", LAST_TERM, 78, date(2025, 7, 5), "教务科"),
              ValueInput("K-HG", "C-WDYY", TERM, 82, date(2026, 1, 10), "教务科"),
              ValueInput("K-PJ", "C-WDYY", TERM, 88, date(2026, 1, 10), "督导室")]
    result = record_values(session, office, values, T0 + timedelta(days=day))
    session.commit()
    (improvement,) = [i for i in result.started if i.period == TERM]
    complete(session, improvement.id, day + 1, measures=[{
        "problem": "期末合格率 82%，低于预警值", "cause": "基础薄弱学生多，练习不足", "measure": MEASURE,
        "owner": "陈晓雨", "deadline": "2026-03-31"}])
    return cycle
