"""The inbox: a course lead sees the goal task after a cycle starts; tabs; overdue tasks stand out."""
from __future__ import annotations

import pytest

from engine.workflow.inbox import INBOX_VIEWS


def test_course_lead_sees_goal_task_after_cycle_start(spiral, goal_task):
    client = spiral.client_for("chenxiaoyu")

    body = client.get("/inbox").get_data(as_text=True)

    assert "制定课程建设目标" in body
    assert "网店运营" in body
    assert f"/tasks/{goal_task.id}" in body


def test_another_course_lead_does_not_see_that_goal_task(spiral, goal_task):
    client = spiral.client_for("lijun")

    assert f"/tasks/{goal_task.id}" not in client.get("/inbox").get_data(as_text=True)


@pytest.mark.parametrize("view", INBOX_VIEWS)
def test_every_inbox_tab_answers(spiral, goal_task, view):
    client = spiral.client_for("chenxiaoyu")

    assert client.get(f"/inbox?view={view}").status_code == 200


def test_task_past_its_deadline_shows_in_the_overdue_tab_in_red(app, spiral, goal_task):
    client = spiral.client_for("chenxiaoyu")
    app.config["SPIRAL_NOW"] = "2025-10-20T10:00"  # the goal task was due 2025-10-16

    tree = spiral.page(client.get("/inbox?view=overdue"))

    (row,) = tree.xpath(f'//tr[.//a[@href="/tasks/{goal_task.id}"]]')
    assert "overdue" in row.get("class").split()
    assert "已逾期" in row.text_content()


def test_task_within_its_deadline_is_not_overdue(spiral, goal_task):
    client = spiral.client_for("chenxiaoyu")

    assert f"/tasks/{goal_task.id}" not in client.get("/inbox?view=overdue").get_data(as_text=True)


def test_a_long_inbox_is_paged_with_its_total_and_can_be_searched(app, spiral, goal_task):
    with app.app_context():
        from engine.workflow.cycles import start_cycle
        from web.extensions import db
        start_cycle(db.session, None, "course_cycle", "C-WDYY", "2026-2027-1", spiral.now())
        start_cycle(db.session, None, "course_cycle", "C-PY", "2025-2026-1", spiral.now())  # 李军's, not hers
    app.config["INBOX_LIMIT"] = 1
    client = spiral.client_for("chenxiaoyu")
    page = spiral.page(client.get("/inbox"))
    assert len(page.xpath("//table[contains(concat(' ', @class, ' '), ' list ')]/tbody/tr")) == 1
    assert "第 1–1 条，共 2 条" in page.xpath("string(//nav[@class='pager'])")
    second = spiral.page(client.get("/inbox?page=2"))
    assert "第 2–2 条，共 2 条" in second.xpath("string(//nav[@class='pager'])")
    found = client.get("/inbox?q=网店").get_data(as_text=True)
    assert "共 2 条" in found
    assert "没有符合“Python”的任务" in client.get("/inbox?q=Python").get_data(as_text=True)
    assert client.get("/inbox?q=%25_%25").status_code == 200  # LIKE wildcards are searched for as text


def test_the_inbox_sorts_red_first_or_newest_first_and_keeps_the_order_in_its_links(app, spiral, goal_task):
    from datetime import timedelta

    from engine.tick import run_tick
    from engine.workflow.cycles import start_cycle
    from web.extensions import db
    with app.app_context():
        run_tick(db.session, spiral.now() + timedelta(days=30))  # her goal task went red
        start_cycle(db.session, None, "course_cycle", "C-WDYY", "2026-2027-1", spiral.now() + timedelta(days=30))
    client = spiral.client_for("chenxiaoyu")
    red_first = spiral.page(client.get("/inbox?sort=colour"))
    rows = red_first.xpath("//table[contains(concat(' ', @class, ' '), ' list ')]/tbody/tr")
    assert "2025-2026-1" in rows[0].text_content()  # the red one
    newest = spiral.page(client.get("/inbox?sort=created"))
    assert "2026-2027-1" in newest.xpath("//table[contains(concat(' ', @class, ' '), ' list ')]/tbody/tr")[0].text_content()
    assert client.get("/inbox?sort=nonsense").status_code == 200
