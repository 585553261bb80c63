"""The small loop with a library of our own: a bad value starts exactly one improvement for the holder of the
indicator's 责任角色, whose task shows the value and lines; the verification closes the loop only once the value is
back to 达标 (or with a reason); the lines' order must agree with the direction."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engine.audit import AuditEvent
from engine.definitions.specs import form_registry
from engine.errors import InvalidInput, NotAllowed
from engine.org.people import find_person
from engine.quality.centre import subject_status, warning_list
from engine.quality.library import IndicatorFields, save_indicator
from engine.quality.models import ImprovementLoop, IndicatorValue
from engine.quality.status import Lines, status_of
from engine.quality.values import ValueInput, correct_value, record_values
from engine.task_page import task_page
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0

TERM = "2025-2026-1"


def _library(session) -> None:  # type: ignore[no-untyped-def]
    office = find_person(session, "zhaohong")
    save_indicator(session, office, IndicatorFields(
        code="K-HG", name="期末合格率", level="course", direction="higher", aim=96, standard=88, warning=80,
        measure_unit="%", responsible_role="课程负责人", item="课堂教学与实践"), T0)
    save_indicator(session, office, IndicatorFields(
        code="K-LS", name="学生流失率", level="course", direction="lower", aim=1, standard=3, warning=5,
        measure_unit="%", responsible_role="教研室主任"), T0)
    session.commit()


def _value(session, code: str, value: float, day: int = 0, subject: str = "C-WDYY", source: str = "教务科"):  # type: ignore[no-untyped-def]
    result = record_values(session, find_person(session, "zhaohong"),
                           [ValueInput(code, subject, TERM, value, date(2025, 10, 10) + timedelta(days=day), source)],
                           T0 + timedelta(days=day))
    session.commit()
    return result


def _open_task(session, instance_id: int) -> HumanTask:  # type: ignore[no-untyped-def]
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.status == "open")).one()


def _complete(session, instance_id: int, day: int, **choices) -> HumanTask:  # type: ignore[no-untyped-def]
    task = _open_task(session, instance_id)
    who = task.assignee or task.candidates[0]
    form = form_registry(session).get(task.form_id)
    complete_task(session, who, task.id, sample_answers(form, {"decision": "approve", **choices}),
                  T0 + timedelta(days=day), uploads=sample_uploads(form))
    return task


@pytest.mark.parametrize("value, status", [(96, "excellent"), (88, "pass"), (87.9, "warning"), (80, "warning"),
                                           (79.99, "fail")])
def test_a_value_on_a_line_takes_the_better_status(value, status):
    assert status_of(value, Lines(96, 88, 80, "higher")) == status


@pytest.mark.parametrize("value, status", [(1, "excellent"), (3, "pass"), (3.1, "warning"), (5, "warning"),
                                           (5.5, "fail")])
def test_lower_is_better_indicators_turn_the_other_way(value, status):
    assert status_of(value, Lines(1, 3, 5, "lower")) == status


def test_a_library_whose_target_is_below_its_standard_is_refused_with_a_sentence(org_session):
    with pytest.raises(InvalidInput, match="目标值 ≥ 标准值 ≥ 预警值"):
        save_indicator(org_session, find_person(org_session, "zhaohong"), IndicatorFields(
            code="BAD", name="课程合格率", level="course", direction="higher", aim=80, standard=90, warning=85,
            responsible_role="课程负责人"), T0)


def test_only_the_quality_office_keeps_the_library(org_session):
    with pytest.raises(NotAllowed):
        save_indicator(org_session, find_person(org_session, "wangfang"), IndicatorFields(
            code="X", name="x", level="course", direction="higher", aim=3, standard=2, warning=1), T0)


def test_a_red_value_starts_exactly_one_improvement_for_the_responsible_role(session):
    _library(session)
    result = _value(session, "K-HG", 76)
    (instance,) = result.started
    assert instance.definition.process_id == "improvement"
    task = _open_task(session, instance.id)
    assert task.assignee.username == "chenxiaoyu"  # 课程负责人 of 网店运营
    page = task_page(session, find_person(session, "chenxiaoyu"), task.id, T0)
    shown = str(page.instructions)
    assert "期末合格率" in shown and "76%" in shown and "标准值 88%" in shown and "预警值 80%" in shown
    assert "低于预警值 80%" in shown

    again = _value(session, "K-HG", 76)  # the same value imported again
    assert (again.values, again.started, again.unchanged) == ([], [], 1)
    worse = _value(session, "K-HG", 74, day=3)  # a further bad value joins the running improvement
    assert worse.started == [] and [i.id for i in worse.joined] == [instance.id]
    assert session.scalar(select(func.count()).select_from(ImprovementLoop)) == 1
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.instance_id == instance.id, AuditEvent.action == "warning.repeated")) == 1


def test_a_value_on_the_standard_line_is_pass_and_starts_nothing(session):
    _library(session)
    result = _value(session, "K-HG", 88)
    assert [v.status for v in result.values] == ["pass"] and result.started == []


def test_a_lower_is_better_warning_goes_to_its_own_responsible_role(session):
    _library(session)
    (instance,) = _value(session, "K-LS", 4).started
    assert _open_task(session, instance.id).assignee.username == "hanxue"  # 教研室主任


def _to_verification(session, instance_id: int) -> None:  # type: ignore[no-untyped-def]
    for day in (1, 2, 3):  # measures, their review, carrying them out
        _complete(session, instance_id, day)
    assert _open_task(session, instance_id).title == "验证整改成效"


def test_the_verification_closes_the_loop_once_the_value_is_back_above_the_standard(session):
    _library(session)
    (instance,) = _value(session, "K-HG", 76).started
    _to_verification(session, instance.id)
    _value(session, "K-HG", 90, day=4)
    _complete(session, instance.id, 5, verdict="passed", close_reason="")
    assert session.get(ProcessInstance, instance.id).status == "completed"
    (row,) = warning_list(session, T0 + timedelta(days=6), indicator="K-HG")
    assert (row.state, row.value.status) == ("closed", "pass")


def test_a_value_still_below_sends_the_improvement_round_again(session):
    _library(session)
    (instance,) = _value(session, "K-HG", 76).started
    _to_verification(session, instance.id)
    _value(session, "K-HG", 84, day=4)  # better, but still 预警
    _complete(session, instance.id, 5, verdict="passed", close_reason="")
    assert _open_task(session, instance.id).title == "实施整改并上传佐证"
    assert session.get(ProcessInstance, instance.id).status == "running"


def test_the_verifier_may_close_a_loop_still_below_by_saying_why(session):
    _library(session)
    (instance,) = _value(session, "K-HG", 76).started
    _to_verification(session, instance.id)
    _complete(session, instance.id, 5, verdict="passed", close_reason="下学期重新开课，原班级已毕业")
    assert session.get(ProcessInstance, instance.id).status == "completed"


def test_a_bad_row_among_many_records_nothing_and_names_the_row(session):
    _library(session)
    office = find_person(session, "zhaohong")
    with pytest.raises(InvalidInput) as raised:
        record_values(session, office, [ValueInput("K-HG", "C-WDYY", TERM, 70, date(2025, 10, 10), where="第 2 行"),
                                        ValueInput("NOPE", "C-WDYY", TERM, 70, date(2025, 10, 10), where="第 3 行"),
                                        ValueInput("K-HG", "SCH", "2025", 70, None, where="第 4 行")], T0)
    problems = raised.value.errors["rows"]
    assert any("第 3 行 指标代码" in p for p in problems)
    assert any("第 4 行 对象代码" in p for p in problems) and any("第 4 行 周期" in p for p in problems)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(IndicatorValue)) == 0


def test_a_correction_keeps_the_old_value_and_needs_a_reason(session):
    _library(session)
    (value,) = _value(session, "K-HG", 90).values
    office = find_person(session, "zhaohong")
    with pytest.raises(InvalidInput):
        correct_value(session, office, value.id, 95, " ", T0)
    fixed = correct_value(session, office, value.id, 97, "录入错误，以教务系统为准", T0)
    session.commit()
    assert (fixed.replaces_id, fixed.status) == (value.id, "excellent")
    assert session.get(IndicatorValue, value.id).value == 90
    (row,) = [r for r in subject_status(session, fixed.subject, TERM) if r.code == "K-HG"]
    assert (row.value, row.status) == (97, "excellent")


def test_new_lines_for_a_new_year_leave_the_old_years_judged_by_the_old(session):
    _library(session)
    office = find_person(session, "zhaohong")
    save_indicator(session, office, IndicatorFields(
        code="K-HG", name="期末合格率", level="course", direction="higher", aim=98, standard=92, warning=86,
        measure_unit="%", responsible_role="课程负责人", period_from="2026-2027"), T0)
    session.commit()
    old = record_values(session, office, [ValueInput("K-HG", "C-PY", TERM, 90, date(2025, 10, 1))], T0)
    new = record_values(session, office, [ValueInput("K-HG", "C-PY", "2026-2027-1", 90, date(2026, 10, 1))], T0)
    assert (old.values[0].status, new.values[0].status) == ("pass", "warning")


def test_the_diagnose_task_shows_each_indicators_latest_value_and_status(session):
    from engine.workflow.cycles import start_cycle
    _library(session)
    _value(session, "K-HG", 91)
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", TERM, T0)
    for day in range(1, 30):
        task = _open_task(session, instance.id)
        page = task_page(session, find_person(session, "zhaohong"), task.id, T0)
        if task.stage == "diagnose":
            shown = {row.code: (row.value, row.status) for row in page.indicators}
            assert shown["K-HG"] == (91, "pass") and shown["K-LS"] == (None, "")
            return
        assert page.indicators == []
        _complete(session, instance.id, day)
    raise AssertionError("the course cycle never reached its diagnosis")


def _to_stage(session, instance_id: int, stage: str) -> HumanTask:  # type: ignore[no-untyped-def]
    for day in range(1, 30):
        task = _open_task(session, instance_id)
        if task.stage == stage:
            return task
        _complete(session, instance_id, day)
    raise AssertionError(f"the cycle never reached {stage}")


def _standard(session, task: HumanTask, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    form = form_registry(session).get(task.form_id)
    answers = {**sample_answers(form), "std_indicators": rows}
    complete_task(session, task.assignee or task.candidates[0], task.id, answers, T0 + timedelta(days=9),
                  uploads=sample_uploads(form))


def test_the_standard_stage_picks_library_indicators_and_may_tighten_never_loosen_them(session):
    from engine.quality.library import LineBook
    from engine.workflow.cycles import start_cycle
    _library(session)
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", TERM, T0)
    task = _to_stage(session, instance.id, "standard")
    page = task_page(session, find_person(session, "zhaohong"), task.id, T0)
    assert ("K-HG", "期末合格率（%）") in page.suggestions["indicators"]
    with pytest.raises(InvalidInput) as loose:
        _standard(session, task, [{"indicator_code": "K-HG", "target_value": 96, "standard_value": 85,
                                   "warning_value": 80}, {"indicator_code": "NOPE"}])
    assert set(loose.value.errors) == {"std_indicators.0.standard_value", "std_indicators.1.indicator_code"}
    session.rollback()
    _standard(session, task, [{"indicator_code": "K-HG", "target_value": 98, "standard_value": 92,
                               "warning_value": 86}, {"indicator_code": "K-LS"}])
    book = LineBook(session)
    assert book.lines(_indicator_id(session, "K-HG"), instance.subject_id, TERM) == Lines(98, 92, 86, "higher")
    assert book.lines(_indicator_id(session, "K-HG"), None, TERM) == Lines(96, 88, 80, "higher")  # the school's


def _indicator_id(session, code: str) -> int:  # type: ignore[no-untyped-def]
    from engine.quality.library import get_indicator
    return get_indicator(session, code).id


def test_the_whole_schools_status_reads_each_latest_value(session):
    from engine.quality.centre import school_status, status_matrix
    _library(session)
    _value(session, "K-HG", 90, subject="C-PY")
    _value(session, "K-HG", 97, day=1, subject="C-PY")  # the latest counts
    _value(session, "K-LS", 6, subject="C-PY")
    assert sorted(status_matrix(session).values()) == [(6.0, "fail"), (97.0, "excellent")]
    assert school_status(session) == {"excellent": 1, "pass": 0, "warning": 0, "fail": 1}
