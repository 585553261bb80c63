"""The demo school's 家长学校 2025-2026: three lectures of the 学生科, two held (about twenty parents signed in at
each, with feedback) and one coming; the first lecture's summary is done, the second's is open."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.specs import form_registry
from engine.org.models import UNIT_KINDS, Role, Unit
from engine.org.people import find_person
from engine.planning.activities import (
    EventFields,
    PlanFields,
    Visitor,
    close_event,
    publish_event,
    save_event,
    save_plan,
    sign_in_member,
    sign_in_visitor,
    submit_feedback,
)
from engine.workflow.cycles import current_period
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_uploads
from engine.workflow.tasks import complete_task

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("建华", "秀英", "志强", "丽娟", "国庆", "海燕", "建军", "春梅", "明", "红霞", "伟", "静", "勇", "玉兰",
         "军", "桂英", "平", "敏", "斌", "芳")
CLASSES = ("2024级电子商务1班", "2024级计算机应用1班")
LECTURES = (  # days from now, theme, speaker's programme
    (-24, "如何与青春期孩子有效沟通", "一、青春期孩子的心理特点；二、倾听与表达；三、家长答疑"),
    (-3, "职业教育与孩子的未来：专业选择与升学就业", "一、中职生的升学与就业通道；二、专业介绍；三、校企合作参观"),
    (14, "家庭劳动教育与责任感培养", "一、劳动教育的意义；二、家务劳动清单；三、优秀家长分享"),
)
GAINS = ("学会了先听孩子说完再表达", "了解了中职升学的多种途径", "知道了怎样和孩子约定手机使用", "", "很实用",
         "对学校的专业设置更清楚了")
SUGGESTIONS = ("希望多安排互动环节", "时间可以安排在周末下午", "", "希望有案例分享", "")


def _at(now: datetime, days: int) -> datetime:
    """A Saturday-morning-like 9:00 `days` from now."""
    return datetime.combine((now + timedelta(days=days)).date(), time(9, 0))


def seed_activities(session: Session, now: datetime) -> None:
    """Seed the plan, its lectures, the parents' sign-ins and answers, and the organiser's summaries."""
    chenjing = find_person(session, "chenjing")  # 学生科's head organises the 家长学校
    wangfang = find_person(session, "wangfang")
    assert chenjing is not None and wangfang is not None
    unit = session.scalars(select(Unit.id).where(Unit.code == "D-XSK")).one()
    head_teachers = session.scalars(select(Role.id).where(Role.name == "班主任")).one()
    classes = list(session.scalars(select(Unit.id).where(Unit.kind == UNIT_KINDS["班级"])))
    plan = save_plan(session, chenjing, None, PlanFields(
        "家长学校", current_period(now)[0], unit, "每学期三次专题讲座，面向全体在校生家长；出勤 80% 以上评为优秀学员。",
        80), now - timedelta(days=40))
    rng = random.Random(2025)
    parents = [(f"{SURNAMES[i]}{GIVEN[i]}", f"139{2025_0000 + i * 37:08d}", CLASSES[i % 2]) for i in range(20)]
    for number, (days, theme, programme) in enumerate(LECTURES):
        starts = _at(now, days)
        fields = EventFields(title=theme, starts_at=starts, ends_at=starts + timedelta(hours=2), place="学校报告厅",
                             organiser_id=chenjing.id, audience="全体在校生家长（请班主任转告）",
                             audience_unit_ids=classes, audience_role_ids=[head_teachers], programme=programme,
                             questionnaire="parent_school_feedback", anonymous=True)
        made = min(now, starts) - timedelta(days=10)
        event = save_event(session, chenjing, plan.id, None, fields, made)
        publish_event(session, chenjing, event.id, made)
        if days > 0:
            continue
        came = parents if number == 0 else parents[:17] + [("刘海波", "13700012345", CLASSES[0])]
        for n, (name, phone, class_name) in enumerate(came):
            signed_at = starts - timedelta(minutes=30) + timedelta(minutes=2 * n)
            outcome = sign_in_visitor(session, event.sign_in_token, Visitor(name, phone, f"{name[0]}同学",
                                                                            class_name),
                                      f"10.20.{number}.{n + 10}", signed_at)
            if rng.random() < 0.8:
                answers = {"satisfaction": rng.choice("55554443"), "useful": rng.choice("3332"),
                           "gain": rng.choice(GAINS), "suggestion": rng.choice(SUGGESTIONS)}
                submit_feedback(session, event, outcome.sign_in, answers, starts + timedelta(hours=2))
        sign_in_member(session, wangfang, event.sign_in_token, "10.20.9.1", starts - timedelta(minutes=10))
        close_event(session, chenjing, event.id, starts + timedelta(hours=3))
        if number == 0:
            task = session.scalars(select(HumanTask).where(HumanTask.instance_id == event.summary_instance_id,
                                                           HumanTask.status == "open")).one()
            form = form_registry(session).get("activity_summary")
            complete_task(session, chenjing, task.id, {
                "summary": "本次讲座到场家长 20 人，王芳等班主任协助组织。讲座围绕青春期沟通展开，家长提问踊跃；"
                           "问卷满意度较高，建议增加互动环节，下次讲座将安排分组讨论。", "attendance": 22},
                starts + timedelta(days=2), uploads=sample_uploads(form, "讲座现场照片.pdf"))
