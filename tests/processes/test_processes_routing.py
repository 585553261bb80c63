"""Who gets a task when the org chart has a gap, when someone is away, and when a role has several holders."""
from datetime import date

from sqlalchemy import select

from engine.audit import AuditEvent
from engine.org.models import Subject, Substitution
from engine.org.people import find_person

QUALITY_OFFICE = {"zhaohong", "sunli"}


def teacher_subject(session, username: str) -> str:
    """Make `username` a teacher-level subject (as the admin would) and return its code."""
    person = find_person(session, username)
    session.add(Subject(code=f"T-{username}", name=f"{person.name}（教师）", level="teacher", unit=person.unit,
                        person=person))
    session.commit()
    return f"T-{username}"


def away(session, username: str, substitute: str, starts_on: date, ends_on: date) -> None:
    session.add(Substitution(person_id=find_person(session, username).id,
                             substitute=find_person(session, substitute),
                             starts_on=starts_on, ends_on=ends_on, reason="外出培训"))
    session.commit()


def test_with_no_division_head_above_her_a_teachers_review_is_offered_to_the_quality_office(cycles, session):
    # 唐莉 teaches 语文 in 公共基础教研室 (T-GG), which sits under 教务科, not under any 专业部.
    run = cycles.start("teacher_cycle", teacher_subject(session, "tangli"), "2025-2026")
    run.expect("制定个人年度发展目标", "goal", "tangli")
    run.step()
    review = run.expect("审核个人发展目标", "goal", QUALITY_OFFICE)
    assert review.unroutable and review.role_name == "专业部主任"
    created = session.scalars(select(AuditEvent.summary).where(AuditEvent.task_id == review.id,
                                                               AuditEvent.action == "task.created")).one()
    assert "无法路由" in created
    run.step(by="zhaohong")
    run.expect("对照教师发展标准确定指标", "standard", "tangli")


def test_the_quality_office_stands_in_for_the_missing_division_head_to_the_end_of_the_cycle(cycles, session):
    run = cycles.start("teacher_cycle", teacher_subject(session, "tangli"), "2025-2026")
    steps = run.approve_all()
    assert {step.title: step.who for step in steps if step.who != "tangli"} == {
        "审核个人发展目标": QUALITY_OFFICE, "审核个人诊断报告": QUALITY_OFFICE, "考核激励": QUALITY_OFFICE,
        "审核个人改进方案": QUALITY_OFFICE}
    assert run.instance().status == "completed"


def test_while_the_office_head_is_away_her_review_goes_to_her_substitute(cycles, session):
    away(session, "hanxue", "gaofeng", date(2025, 9, 26), date(2025, 9, 30))
    run = cycles.start("course_cycle", "C-WDYY")
    run.step()  # 陈晓雨 hands in her goals on 27 September
    run.expect("审核课程建设目标", "goal", "gaofeng")
    run.step()
    run.until("审核课程诊断报告")
    assert run.now.date() > date(2025, 9, 30)
    run.expect("审核课程诊断报告", "diagnose", "hanxue")


def test_a_review_handed_out_before_the_office_head_leaves_stays_with_her(cycles, session):
    away(session, "hanxue", "gaofeng", date(2025, 9, 28), date(2025, 10, 8))
    run = cycles.start("course_cycle", "C-WDYY")
    run.step()  # the review is created on 27 September, the day before she leaves
    run.expect("审核课程建设目标", "goal", "hanxue")


def test_either_teacher_of_the_course_may_take_the_teaching_task_by_completing_it(cycles, session):
    run = cycles.start("course_cycle", "C-WDYY")
    run.until("实施教学并上传佐证")
    task = run.expect("实施教学并上传佐证", "implement", {"chenxiaoyu", "wangfang"})
    run.step(by="wangfang")
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.task_id == task.id)
                              .order_by(AuditEvent.id)).all()
    assert actions == ["task.created", "task.claimed", "evidence.uploaded", "task.completed"]
    run.expect("课程自我诊断", "diagnose", "chenxiaoyu")


def test_an_unroutable_task_reaches_the_quality_office_members_substitute(session, cycles):
    from datetime import date

    from engine.org.models import Subject, Substitution, Unit
    from engine.org.people import find_person
    tangli = find_person(session, "tangli")
    sunli, wuping = find_person(session, "sunli"), find_person(session, "wuping")
    session.add(Substitution(person_id=sunli.id, substitute=wuping, starts_on=date(2025, 9, 1),
                             ends_on=date(2025, 12, 31)))
    unit = session.query(Unit).filter_by(code="T-GG").one()
    session.add(Subject(code="T-tangli-sub", name="唐莉（教师）", level="teacher", unit=unit, person=tangli))
    session.commit()
    cycle = cycles.start("teacher_cycle", "T-tangli-sub", "2025-2026")
    cycle.expect("制定个人年度发展目标", "goal", "tangli")
    cycle.step()
    cycle.expect("审核个人发展目标", "goal", {"zhaohong", "wuping"})


def test_a_deactivated_substitute_gets_nothing(session, cycles):
    from datetime import date

    from engine.org.models import Substitution
    from engine.org.people import find_person
    hanxue, gaofeng = find_person(session, "hanxue"), find_person(session, "gaofeng")
    gaofeng.active = False
    session.add(Substitution(person_id=hanxue.id, substitute=gaofeng, starts_on=date(2025, 9, 1),
                             ends_on=date(2025, 12, 31)))
    session.commit()
    cycle = cycles.start("course_cycle", "C-WDYY", "2025-2026-1")
    cycle.expect("制定课程建设目标", "goal", "chenxiaoyu")
    cycle.step()
    cycle.expect("审核课程建设目标", "goal", "hanxue")
