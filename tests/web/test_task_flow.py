"""A course lead fills the goal task; the office head reviews it; the cycle page shows where it stands."""
from __future__ import annotations

import pytest


@pytest.fixture
def goal_answers(spiral):
    return spiral.answers("course_goal")


@pytest.fixture
def submitted_goal(spiral, goal_task, goal_answers):
    """陈晓雨 has submitted the goal through the page; 韩雪 holds the review."""
    client = spiral.client_for("chenxiaoyu")
    response = client.post(f"/tasks/{goal_task.id}/complete", data=goal_answers)
    assert response.status_code == 302
    return spiral.open_task(goal_task.instance_id, "审核课程建设目标")


def test_goal_task_page_shows_instructions_naming_the_course_and_the_form(spiral, goal_task):
    client = spiral.client_for("chenxiaoyu")

    tree = spiral.page(client.get(f"/tasks/{goal_task.id}"))

    (instructions,) = tree.xpath('//div[@class="instructions"]')
    assert "网店运营" in instructions.text_content()
    assert "2025-2026-1" in instructions.text_content()
    form = tree.xpath(f'//form[@action="/tasks/{goal_task.id}/complete"]')[0]
    assert form.xpath('.//select[@name="goal_course_type"]')
    assert form.xpath('.//textarea[@name="goal_text"]')
    assert form.xpath('.//input[@name="goal_indicators-0-indicator_code"][@list="suggest-indicators"]')


def test_empty_required_field_is_refused_next_to_the_field_and_task_stays_open(spiral, goal_task,
                                                                               goal_answers):
    client = spiral.client_for("chenxiaoyu")

    response = client.post(f"/tasks/{goal_task.id}/complete", data={**goal_answers, "goal_text": ""})

    assert response.status_code == 422
    tree = spiral.page(response)
    (field,) = tree.xpath('//div[contains(@class, "has-error")][.//textarea[@name="goal_text"]]')
    assert "必填" in field.xpath('.//p[@class="field-error"]')[0].text_content()
    assert tree.xpath('//select[@name="goal_course_type"]/option[@selected]')[0].get("value") \
        == goal_answers["goal_course_type"]  # what was typed is kept
    assert spiral.task(goal_task.id).status == "open"


def test_course_lead_submits_goal_and_office_head_gets_the_review(spiral, goal_task, goal_answers):
    lead = spiral.client_for("chenxiaoyu")

    response = lead.post(f"/tasks/{goal_task.id}/complete", data=goal_answers)

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/inbox")
    assert "已提交" in lead.get("/inbox").get_data(as_text=True)
    done = spiral.task(goal_task.id)
    assert (done.status, done.completed_by) == ("done", "chenxiaoyu")
    review = spiral.open_task(goal_task.instance_id, "审核课程建设目标")
    assert review.assignee == "hanxue"
    assert f"/tasks/{review.id}" in spiral.client_for("hanxue").get("/inbox").get_data(as_text=True)
    assert f"/tasks/{review.id}" not in lead.get("/inbox").get_data(as_text=True)


def test_office_head_returns_the_goal_and_course_lead_gets_it_again(spiral, submitted_goal):
    head = spiral.client_for("hanxue")

    response = head.post(f"/tasks/{submitted_goal.id}/complete",
                         data={"decision": "return", "comment": "关键指标缺少预警值的依据，请补充。"})

    assert response.status_code == 302
    redo = spiral.open_task(submitted_goal.instance_id, "制定课程建设目标")
    assert redo.assignee == "chenxiaoyu"
    inbox = spiral.client_for("chenxiaoyu").get("/inbox").get_data(as_text=True)
    assert f"/tasks/{redo.id}" in inbox
    told = spiral.client_for("chenxiaoyu").get("/notifications").get_data(as_text=True)
    assert "退回修改：制定课程建设目标" in told  # not “新任务”: she is told who sent it back, and why
    assert "韩雪在“审核课程建设目标”中退回修改：关键指标缺少预警值的依据，请补充。" in told


def test_cycle_page_lights_the_goal_stage_on_the_spiral(spiral, goal_task):
    client = spiral.client_for("chenxiaoyu")

    response = client.get(f"/cycles/{goal_task.instance_id}")

    assert response.status_code == 200
    tree = spiral.page(response)
    assert tree.xpath('//svg[contains(@class, "spiral-svg")]')
    current = tree.xpath('//g[contains(concat(" ", @class, " "), " stage ")]'
                         '[contains(concat(" ", @class, " "), " current ")]/@data-stage')
    assert current == ["goal"]


def test_a_returned_goal_comes_back_filled_in_with_the_reviewers_comment_above_it(spiral, submitted_goal,
                                                                                  goal_answers):
    head = spiral.client_for("hanxue")
    review_page = head.get(f"/tasks/{submitted_goal.id}").get_data(as_text=True)
    assert goal_answers["goal_text"] in review_page  # the reviewer sees what was submitted
    head.post(f"/tasks/{submitted_goal.id}/complete",
              data={"decision": "return", "comment": "关键指标缺少预警值的依据，请补充。"})
    redo = spiral.open_task(submitted_goal.instance_id, "制定课程建设目标")

    tree = spiral.page(spiral.client_for("chenxiaoyu").get(f"/tasks/{redo.id}"))

    assert "关键指标缺少预警值的依据" in tree.xpath('//details[@class="previous"]')[0].text_content()
    assert tree.xpath('//textarea[@name="goal_text"]')[0].text_content().strip() == goal_answers["goal_text"]


def test_a_form_value_over_one_megabyte_is_refused_next_to_its_field(spiral, goal_task, goal_answers):
    client = spiral.client_for("chenxiaoyu")

    response = client.post(f"/tasks/{goal_task.id}/complete",
                           data={**goal_answers, "goal_text": "长" * (400 * 1024)})  # 1.2 MB in UTF-8

    assert response.status_code == 422
    tree = spiral.page(response)
    (field,) = tree.xpath('//div[contains(@class, "has-error")][.//textarea[@name="goal_text"]]')
    assert "1 MB" in field.xpath('.//p[@class="field-error"]')[0].text_content()
    assert spiral.task(goal_task.id).status == "open"


def test_after_a_submit_the_page_says_who_got_the_next_step(spiral, goal_task, goal_answers):
    client = spiral.client_for("chenxiaoyu")
    landed = client.post(f"/tasks/{goal_task.id}/complete", data=goal_answers, follow_redirects=True)
    assert "下一步：“审核课程建设目标”交给 韩雪" in landed.get_data(as_text=True)


def test_an_unroutable_task_says_which_role_nobody_holds_where(spiral):
    from engine.org.models import Subject
    from engine.org.people import find_person
    from web.extensions import db
    with spiral.app.app_context():  # 唐莉 teaches in 公共基础教研室, under 教务科 and no 专业部
        tangli = find_person(db.session, "tangli")
        db.session.add(Subject(code="T-tangli", name="唐莉（教师）", level="teacher", unit=tangli.unit, person=tangli))
        db.session.commit()
    cycle = spiral.start("T-tangli", "teacher_cycle")
    spiral.advance_to(cycle, "审核个人发展目标")
    review = spiral.open_task(cycle, "审核个人发展目标")
    page = spiral.client_for("zhaohong").get(f"/tasks/{review.id}").get_data(as_text=True)
    assert "无法路由，已转质量办" in page and "找不到担任“专业部主任”的人" in page


def test_a_draft_is_kept_on_the_server_and_comes_back_when_the_page_is_opened_again(spiral, goal_task, goal_answers):
    client = spiral.client_for("chenxiaoyu")
    half = {**goal_answers, "goal_text": "先写一半：建成校级精品在线课程"}
    saved = client.post(f"/tasks/{goal_task.id}/draft", data=half, follow_redirects=True)
    assert "草稿已保存" in saved.get_data(as_text=True)
    again = client.get(f"/tasks/{goal_task.id}").get_data(as_text=True)
    assert "先写一半：建成校级精品在线课程" in again and "草稿保存于" in again
    quiet = client.post(f"/tasks/{goal_task.id}/draft", data=half, headers={"Accept": "application/json"})
    assert quiet.json["ok"] is True  # what page.js does every half minute
    assert spiral.client_for("wangfang").post(f"/tasks/{goal_task.id}/draft", data=half).status_code == 403
    assert "先写一半" not in spiral.client_for("hanxue").get(f"/tasks/{goal_task.id}").get_data(as_text=True)
