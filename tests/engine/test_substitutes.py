"""Substitutes (a teacher away for training names a colleague) and claiming several offered tasks at once."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.audit import AuditEvent
from engine.errors import Conflict, InvalidInput, NotAllowed
from engine.notify.models import Notification
from engine.org.models import Substitution
from engine.org.people import find_person
from engine.org.substitutes import add_substitution, current_substitutions, end_substitution, substitutions_of
from engine.workflow.cycles import start_cycle
from engine.workflow.handover import hand_over_tasks
from engine.workflow.models import HumanTask
from engine.workflow.tasks import claim_task, claim_tasks
from tests.conftest import T0

PERIOD = "2025-2026-1"
TODAY = T0.date()


def who(session, username):
    return find_person(session, username)


def offered_to_supervisors(session, subjects=("C-PY", "C-WEB", "C-DG")) -> list[int]:
    """Improvement tasks whose responsible role (督导员) has two holders: 周强 and 吴平 may claim each."""
    ids = []
    for code in subjects:
        instance = start_cycle(session, None, "improvement", code, PERIOD, T0,
                               {"responsible_role": "督导员", "problem": f"{code} 听课评价偏低"})
        ids.append(session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance.id)).one())
    return ids


def test_a_teacher_names_a_substitute_for_her_training_and_new_tasks_go_there(session):
    hanxue, gaofeng = who(session, "hanxue"), who(session, "gaofeng")
    row = add_substitution(session, hanxue, hanxue.id, gaofeng.id, TODAY, TODAY + timedelta(days=4), "外出培训", T0)
    assert substitutions_of(session, hanxue) == [row]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "substitution.added")).one()
    assert "韩雪" in event.summary and "高峰" in event.summary and "外出培训" in event.summary
    seen = current_substitutions(session, who(session, "zhouqiang"), T0)
    assert [(sub.substitute.name, person.name) for sub, person in seen] == [("高峰", "韩雪")]


@pytest.mark.parametrize("substitute, starts, ends, message", [
    ("hanxue", 0, 3, "不能是本人"),
    ("gaofeng", 3, 1, "不能早于开始日期"),
    ("gaofeng", -10, -2, "已经过去"),
])
def test_bad_substitutions_are_refused_with_a_reason(session, substitute, starts, ends, message):
    hanxue = who(session, "hanxue")
    with pytest.raises(InvalidInput, match=message):
        add_substitution(session, hanxue, hanxue.id, who(session, substitute).id, TODAY + timedelta(days=starts),
                         TODAY + timedelta(days=ends), "", T0)
    assert session.scalars(select(Substitution)).all() == []


def test_overlapping_absences_and_an_absent_substitute_are_refused(session):
    hanxue, gaofeng, luojia = who(session, "hanxue"), who(session, "gaofeng"), who(session, "luojia")
    add_substitution(session, hanxue, hanxue.id, gaofeng.id, date(2025, 10, 9), date(2025, 10, 15), "", T0)
    with pytest.raises(InvalidInput, match="重叠"):
        add_substitution(session, hanxue, hanxue.id, luojia.id, date(2025, 10, 15), date(2025, 10, 20), "", T0)
    with pytest.raises(InvalidInput, match="也不在岗"):
        add_substitution(session, luojia, luojia.id, hanxue.id, date(2025, 10, 1), date(2025, 10, 10), "", T0)
    with pytest.raises(InvalidInput, match="也不在岗"):  # a circle: 高峰 cannot hand back to the absent 韩雪
        add_substitution(session, gaofeng, gaofeng.id, hanxue.id, date(2025, 10, 10), date(2025, 10, 12), "", T0)


def test_only_the_person_or_an_admin_sets_a_substitute(session):
    hanxue, gaofeng = who(session, "hanxue"), who(session, "gaofeng")
    with pytest.raises(NotAllowed):
        add_substitution(session, gaofeng, hanxue.id, gaofeng.id, TODAY, TODAY, "", T0)
    add_substitution(session, who(session, "admin"), hanxue.id, gaofeng.id, TODAY, TODAY, "病假", T0)
    with pytest.raises(NotAllowed):
        current_substitutions(session, who(session, "chenxiaoyu"), T0)  # a teacher heading no unit


def test_ending_early_gives_her_tasks_back_from_today_and_a_future_one_is_cancelled(session):
    hanxue, gaofeng = who(session, "hanxue"), who(session, "gaofeng")
    running = add_substitution(session, hanxue, hanxue.id, gaofeng.id, TODAY - timedelta(days=2),
                               TODAY + timedelta(days=5), "", T0)
    later = add_substitution(session, hanxue, hanxue.id, gaofeng.id, date(2025, 11, 1), date(2025, 11, 3), "", T0)
    end_substitution(session, hanxue, running.id, T0)
    assert running.ends_on == TODAY - timedelta(days=1)
    end_substitution(session, hanxue, later.id, T0)
    assert session.get(Substitution, later.id) is None
    with pytest.raises(Conflict):
        end_substitution(session, hanxue, running.id, T0)
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "substitution")).all()
    assert actions == ["substitution.added", "substitution.added", "substitution.ended", "substitution.cancelled"]


def test_handing_over_moves_her_open_tasks_and_offers_to_the_substitute(session):
    chen, gaofeng = who(session, "chenxiaoyu"), who(session, "gaofeng")
    goal = start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)
    own = session.scalars(select(HumanTask).where(HumanTask.instance_id == goal.id)).one()
    offer = start_cycle(session, None, "improvement", "C-WDYY", PERIOD, T0,
                        {"responsible_role": "任课教师", "problem": "合格率偏低"})
    offered = session.scalars(select(HumanTask).where(HumanTask.instance_id == offer.id)).one()
    assert {p.username for p in offered.candidates} == {"chenxiaoyu", "wangfang"}
    row = add_substitution(session, chen, chen.id, gaofeng.id, TODAY, TODAY + timedelta(days=3), "产假", T0)
    assert hand_over_tasks(session, chen, row.id, T0) == 2
    session.refresh(own)
    session.refresh(offered)
    assert own.assignee_id == gaofeng.id
    assert {p.username for p in offered.candidates} == {"gaofeng", "wangfang"}
    told = session.scalars(select(Notification.link).where(Notification.person_id == gaofeng.id,
                                                           Notification.kind != "substitution.named")).all()
    assert sorted(told) == sorted([f"/tasks/{own.id}", f"/tasks/{offered.id}"])
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "task.handed_over")).all()) == 2
    assert hand_over_tasks(session, chen, row.id, T0) == 0


def test_tasks_cannot_be_handed_over_outside_the_substitution_dates(session):
    chen, gaofeng = who(session, "chenxiaoyu"), who(session, "gaofeng")
    row = add_substitution(session, chen, chen.id, gaofeng.id, date(2025, 11, 1), date(2025, 11, 3), "", T0)
    with pytest.raises(Conflict, match="代理期内"):
        hand_over_tasks(session, chen, row.id, T0)


def test_a_supervisor_claims_three_offered_tasks_at_once(session):
    ids = offered_to_supervisors(session)
    zhouqiang = who(session, "zhouqiang")
    result = claim_tasks(session, zhouqiang, ids, T0)
    assert [t.id for t in result.claimed] == ids and result.refused == []
    assert all(session.get(HumanTask, i).assignee_id == zhouqiang.id for i in ids)
    claims = session.scalars(select(AuditEvent).where(AuditEvent.action == "task.claimed")).all()
    assert len(claims) == 3


def test_a_multi_claim_reports_the_tasks_a_colleague_got_first(session):
    ids = offered_to_supervisors(session)
    zhouqiang, wuping = who(session, "zhouqiang"), who(session, "wuping")
    claim_task(session, wuping, ids[1], T0)
    result = claim_tasks(session, zhouqiang, ids + [99999], T0)
    assert [t.id for t in result.claimed] == [ids[0], ids[2]]
    assert [(task_id, "吴平" in why) for task_id, why in result.refused] == [(ids[1], True), (99999, False)]
    assert session.get(HumanTask, ids[1]).assignee_id == wuping.id


@pytest.mark.parametrize("absent, substitute", [
    ("lijun", "liuxin"),  # a student
    ("chenxiaoyu", "zhanghua"),  # staff, but holds none of her roles, heads no unit, not the quality office
    ("chenxiaoyu", "admin"),  # no role at all
])
def test_a_substitute_must_be_staff_who_could_hold_the_absent_persons_roles(session, absent, substitute):
    person = who(session, absent)
    with pytest.raises(InvalidInput, match="不能担任代理人：代理人须是在岗教职工"):
        add_substitution(session, person, person.id, who(session, substitute).id, TODAY, TODAY, "", T0)
    assert session.scalars(select(Substitution)).all() == []


@pytest.mark.parametrize("absent, substitute", [
    ("chenxiaoyu", "wangfang"),  # shares 课程负责人
    ("chenxiaoyu", "gaofeng"),  # heads a 教研室
    ("chenxiaoyu", "sunli"),  # the quality office
])
def test_a_colleague_with_her_role_a_unit_head_or_the_quality_office_may_stand_in(session, absent, substitute):
    person = who(session, absent)
    assert add_substitution(session, person, person.id, who(session, substitute).id, TODAY, TODAY, "", T0).id


def test_the_named_substitute_is_told(session):
    hanxue, gaofeng = who(session, "hanxue"), who(session, "gaofeng")
    add_substitution(session, hanxue, hanxue.id, gaofeng.id, TODAY, TODAY + timedelta(days=4), "外出培训", T0)
    (note,) = session.scalars(select(Notification).where(Notification.person_id == gaofeng.id)).all()
    assert note.kind == "substitution.named" and "韩雪" in note.title and "外出培训" in note.body


def test_her_unit_head_or_the_quality_office_sees_and_ends_it_and_a_colleague_may_not(session):
    hanxue, gaofeng = who(session, "hanxue"), who(session, "gaofeng")
    lijun = who(session, "lijun")
    mine = add_substitution(session, hanxue, hanxue.id, gaofeng.id, TODAY + timedelta(days=1), TODAY + timedelta(days=2),
                            "", T0)
    add_substitution(session, lijun, lijun.id, who(session, "zhaolei").id, TODAY, TODAY, "", T0)
    xuna = who(session, "xuna")  # 专业部主任 of 财经商贸部, above 韩雪's 电子商务教研室
    assert [person.name for _, person in current_substitutions(session, xuna, T0)] == ["韩雪"]
    with pytest.raises(NotAllowed, match="部门负责人或质量办"):
        end_substitution(session, who(session, "luojia"), mine.id, T0)
    with pytest.raises(NotAllowed, match="部门负责人或质量办"):
        end_substitution(session, who(session, "liuyang"), mine.id, T0)  # heads another 专业部
    end_substitution(session, xuna, mine.id, T0)
    assert session.get(Substitution, mine.id) is None
    other = session.scalars(select(Substitution)).one()
    end_substitution(session, who(session, "sunli"), other.id, T0)
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("substitution.%"))
                           .order_by(AuditEvent.id)).all()[-2:] == ["substitution.cancelled"] * 2
