"""The quality pages as the quality office uses them: keep the library, enter or paste values and watch the
warning centre; a wrong value or a loose library is refused with a sentence and changes nothing."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.quality.models import IndicatorValue
from web.extensions import db

INDICATOR = {"code": "W-HG", "name": "期末合格率", "level": "course", "item": "课堂教学与实践", "measure_unit": "%",
             "direction": "higher", "aim": "96", "standard": "88", "warning": "80", "source_unit": "教务科",
             "frequency": "term", "responsible_role": "课程负责人", "process_id": "improvement", "period_from": ""}


def _values(spiral) -> int:  # type: ignore[no-untyped-def]
    with spiral.app.app_context():
        return db.session.scalar(select(func.count()).select_from(IndicatorValue))


def test_the_quality_office_adds_an_indicator_and_a_pasted_red_value_opens_an_improvement(spiral):
    office = spiral.client_for("zhaohong")
    saved = office.post("/quality/indicators", data=INDICATOR, follow_redirects=True)
    assert "已保存指标 W-HG 期末合格率" in saved.get_data(as_text=True)
    assert "W-HG" in office.get("/quality/indicators?level=course").get_data(as_text=True)

    rows = "指标代码\t对象代码\t周期\t值\t采集日期\t来源\nW-HG\tC-WDYY\t2025-2026-1\t76%\t2025/10/10\t教务科\n"
    pasted = office.post("/quality/values/paste", data={"rows": rows}, follow_redirects=True)
    assert "已录入 1 个指标值" in pasted.get_data(as_text=True) and "发起整改 1 项" in pasted.get_data(as_text=True)

    centre = office.get("/quality/warnings?status=fail").get_data(as_text=True)
    assert "期末合格率" in centre and "网店运营" in centre and "76%" in centre and "整改中" in centre
    sheet = load_workbook(io.BytesIO(office.get("/quality/warnings.xlsx").data))["预警清单"]
    assert [c.value for c in sheet[1]][:3] == ["状态", "指标代码", "指标"]
    assert [c.value for c in sheet[2]][:3] == ["不合格", "W-HG", "期末合格率"]
    subject = office.get("/quality/subjects/C-WDYY?period=2025-2026-1").get_data(as_text=True)
    assert "76%" in subject and "不合格" in subject


def test_a_library_with_its_target_below_its_standard_is_refused_with_a_sentence(spiral):
    office = spiral.client_for("zhaohong")
    answer = office.post("/quality/indicators", data={**INDICATOR, "aim": "80", "standard": "90"},
                         headers={"Referer": "/quality/indicators"}, follow_redirects=True)
    assert "目标值 ≥ 标准值 ≥ 预警值" in answer.get_data(as_text=True)
    assert "W-HG" not in office.get("/quality/indicators").get_data(as_text=True)


def test_a_pasted_block_with_one_bad_row_records_nothing_and_names_the_row(spiral):
    office = spiral.client_for("zhaohong")
    office.post("/quality/indicators", data=INDICATOR)
    rows = "W-HG\tC-WDYY\t2025-2026-1\t90\t2025-10-10\t教务科\nW-HG\tNOPE\t2025-2026-1\tabc\t2025-10-10\t\n"
    answer = office.post("/quality/values/paste", data={"rows": rows}, headers={"Referer": "/quality/values"},
                         follow_redirects=True).get_data(as_text=True)
    assert "第 2 行 对象代码" in answer and "第 2 行 值" in answer
    assert _values(spiral) == 0


def test_teachers_and_students_may_read_the_library_but_not_enter_values_or_watch_warnings(spiral):
    for username in ("wangfang", "liuxin"):
        visitor = spiral.client_for(username)
        assert visitor.get("/quality/indicators").status_code == 200
        assert visitor.get("/quality/values").status_code == 403
        assert visitor.get("/quality/warnings").status_code == 403
        assert visitor.post("/quality/indicators", data=INDICATOR).status_code == 403
        assert visitor.post("/quality/values/paste", data={"rows": "x"}).status_code == 403
    assert spiral.client_for("liuxin").get("/quality/subjects/C-WDYY").status_code == 403


def test_a_supervisor_watches_the_warning_centre(spiral):
    assert spiral.client_for("zhouqiang").get("/quality/warnings").status_code == 200


def test_the_cycle_page_of_a_warnings_improvement_draws_the_small_loop_lit(spiral):
    from engine.quality.models import ImprovementLoop
    office = spiral.client_for("zhaohong")
    office.post("/quality/indicators", data=INDICATOR)
    office.post("/quality/values/paste", data={"rows": "W-HG\tC-WDYY\t2025-2026-1\t70\t2025-10-10\t教务科"})
    with spiral.app.app_context():
        instance_id = db.session.scalars(select(ImprovementLoop.instance_id)).one()
    page = office.get(f"/cycles/{instance_id}").get_data(as_text=True)
    assert 'class="small-stage live"' in page
    assert "低于预警值 80%" in office.get(f"/tasks/{_first_task(spiral, instance_id)}").get_data(as_text=True)


def _first_task(spiral, instance_id: int) -> int:  # type: ignore[no-untyped-def]
    from engine.workflow.models import HumanTask
    with spiral.app.app_context():
        return db.session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance_id)).first()


def test_a_designed_field_bound_to_an_indicator_records_its_answer_as_the_subjects_value(spiral):
    import json

    from engine.definitions.specs import form_registry
    office = spiral.client_for("zhaohong")
    office.post("/quality/indicators", data=INDICATOR)
    with spiral.app.app_context():
        schema = json.loads(json.dumps(form_registry(db.session).get("course_goal").raw))
    bound = {"type": "number", "key": "expected_pass_rate", "label": "预计合格率", "properties": {"indicator": "NOPE"},
             "validate": {"required": True, "min": 0, "max": 100}}
    schema["components"].append(bound)
    refused = office.post("/studio/forms/save", json={"form_id": "course_goal", "schema": schema})
    assert refused.status_code == 422 and "NOPE" in refused.get_json()["message"]
    bound["properties"] = {"indicator": "W-HG"}
    assert office.post("/studio/forms/save", json={"form_id": "course_goal", "schema": schema}).status_code == 200
    assert "W-HG" in office.get("/studio/forms/course_goal/design").get_data(as_text=True)  # the library panel

    goal = spiral.open_task(spiral.start("C-WDYY"), "制定课程建设目标")
    lead = spiral.client_for("chenxiaoyu")
    answers = {**spiral.answers("course_goal"), "expected_pass_rate": "79"}
    assert lead.post(f"/tasks/{goal.id}/complete", data=answers).status_code in (302, 303)
    with spiral.app.app_context():
        value = db.session.scalars(select(IndicatorValue)).one()
        assert (value.value, value.status, value.origin, value.subject.code) == (79, "fail", "form", "C-WDYY")


def test_the_goal_chain_page_shows_goals_with_their_attainment_and_the_office_reviews_one(spiral):
    from engine.quality.goals import GoalInput, save_cycle_goal
    from engine.workflow.cycles import find_subject
    with spiral.app.app_context():
        major = find_subject(db.session, "MAJ-730701")
        top = save_cycle_goal(db.session, None, None, major, "2025-2026", GoalInput("电商专业建设达到省级示范"),
                              spiral.now())
        save_cycle_goal(db.session, None, None, find_subject(db.session, "C-WDYY"), "2025-2026-1",
                        GoalInput("网店运营课程达标", parent=f"G{top.id}"), spiral.now())
        db.session.commit()
        top_id = top.id
    office = spiral.client_for("zhaohong")
    page = office.get("/quality/goals?year=2025-2026").get_data(as_text=True)
    assert "电商专业建设达到省级示范" in page and "网店运营课程达标" in page and "尚无可判断的数据" in page
    office.post(f"/quality/goals/{top_id}/review", data={"done": "1"})
    assert "达成 100%" in office.get("/quality/goals?year=2025-2026").get_data(as_text=True)
    assert spiral.client_for("wangfang").get("/quality/goals").status_code == 403
    assert spiral.client_for("wangfang").post(f"/quality/goals/{top_id}/review", data={"done": "1"}).status_code == 403


def test_the_goal_task_of_a_next_cycle_shows_the_last_cycles_improvement_decisions(spiral):
    from datetime import timedelta

    from engine.definitions.specs import form_registry
    from engine.workflow.cycles import start_cycle
    from engine.workflow.models import HumanTask
    from engine.workflow.sample import sample_answers, sample_uploads
    from engine.workflow.tasks import complete_task
    first = spiral.start("C-WDYY")
    with spiral.app.app_context():
        session, at = db.session, spiral.now()
        while (task := session.query(HumanTask).filter_by(instance_id=first, status="open").first()) is not None:
            at += timedelta(days=1)
            form = form_registry(session).get(task.form_id)
            complete_task(session, task.assignee or task.candidates[0], task.id,
                          sample_answers(form, {"decision": "approve"}), at, uploads=sample_uploads(form))
        second = start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-2", at + timedelta(days=30)).id
        goal = session.query(HumanTask).filter_by(instance_id=second, status="open").one().id
    page = spiral.client_for("chenxiaoyu").get(f"/tasks/{goal}").get_data(as_text=True)
    assert "上一周期的改进决定" in page and "改进措施表" in page


def test_an_improvement_links_to_the_cycle_it_came_from_and_that_cycle_lists_it(spiral):
    office = spiral.client_for("zhaohong")
    course_cycle = spiral.start("C-WDYY")
    office.post("/quality/indicators", data=INDICATOR)
    office.post("/quality/values/paste", data={"rows": "W-HG\tC-WDYY\t2025-2026-1\t70\t2025-10-10\t教务科"})
    from engine.quality.models import ImprovementLoop
    with spiral.app.app_context():
        instance_id = db.session.scalars(select(ImprovementLoop.instance_id)).one()
    origin = spiral.page(office.get(f"/cycles/{instance_id}")).xpath('//*[@data-testid="origin"]')[0]
    assert "不合格" in origin.text_content() and "70%" in origin.text_content()
    assert origin.xpath('.//a/@href') == [f"/cycles/{course_cycle}"]
    listed = spiral.page(office.get(f"/cycles/{course_cycle}")).xpath('//*[@data-testid="improvements"]//a/@href')
    assert listed == [f"/cycles/{instance_id}"]
