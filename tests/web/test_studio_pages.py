"""The studio pages as the quality office uses them: validate and deploy from the modeler, see the versions
and move a cycle, dry run, bulk launch, filter and cancel cycles."""
from __future__ import annotations

import json
from pathlib import Path

from tests.engine.test_versions import with_review_step

CAMUNDA = (Path(__file__).resolve().parents[1] / "engine/corpus/camunda_unsupported.bpmn").read_text(encoding="utf-8")


def test_the_modeler_validates_and_deploys_and_names_every_problem(spiral):
    office = spiral.client_for("zhaohong")
    assert office.get("/studio/modeler/course_cycle").status_code == 200
    bad = office.post("/studio/modeler/validate", json={"xml": CAMUNDA}).get_json()
    assert not bad["ok"] and {p["element_id"] for p in bad["problems"]} >= {"T1", "T2", "f4", "f5"}
    refused = office.post("/studio/modeler/deploy", json={"xml": CAMUNDA})
    assert refused.status_code == 422
    assert office.post("/studio/modeler/draft", json={"xml": with_review_step()}).get_json()["ok"]
    deployed = office.post("/studio/modeler/deploy", json={"xml": with_review_step(), "comment": "加评审"})
    assert deployed.get_json()["version"] == 2
    assert "专家评审课程标准" in office.get("/studio/processes/course_cycle").get_data(as_text=True)
    assert office.get("/studio/processes/course_cycle/v2.bpmn").data.startswith(b"<")


def test_staff_cannot_reach_the_modeler(spiral):
    assert spiral.client_for("chenxiaoyu").get("/studio/modeler/course_cycle").status_code == 403


def test_a_running_cycle_is_moved_from_the_versions_page(spiral):
    instance_id = spiral.start("C-WDYY")
    office = spiral.client_for("zhaohong")
    office.post("/studio/modeler/deploy", json={"xml": with_review_step()})
    page = office.get("/studio/processes/course_cycle").get_data(as_text=True)
    assert "可以迁移" in page
    office.post("/studio/processes/course_cycle/migrate", data={"version": "2", "instance": str(instance_id)})
    assert "v2" in office.get(f"/cycles/{instance_id}").get_data(as_text=True)


def test_bulk_launch_dry_run_filters_and_cancel(spiral):
    office = spiral.client_for("zhaohong")
    first = office.post("/studio/launch", data={"process_id": "course_cycle", "period": "2025-2026-1"})
    assert "启动 12" in first.get_data(as_text=True)
    again = office.post("/studio/launch", data={"process_id": "course_cycle", "period": "2025-2026-1"})
    assert "启动 0" in again.get_data(as_text=True)
    walk = office.post("/studio/processes/course_cycle/dry-run", data={"subject": "C-WDYY", "period": "2025-2026-1"})
    assert "陈晓雨" in walk.get_data(as_text=True)
    listed = spiral.page(office.get("/cycles?subject=网店运营"))
    rows = listed.xpath("//table[contains(concat(' ', @class, ' '), ' list ')]/tbody/tr")
    assert len(rows) == 1
    instance_id = int(rows[0].xpath("./td[1]/a/text()")[0])
    office.post(f"/cycles/{instance_id}/cancel", data={"reason": "重复启动"})
    assert "已取消" in office.get(f"/cycles/{instance_id}").get_data(as_text=True)


def test_the_modeler_offers_the_schools_escalation_ladders(spiral):
    office = spiral.client_for("zhaohong")
    office.post("/supervision/ladders/edit", data={
        "name": "fast", "label": "快速督办", "rows": "1", "key-0": "y", "label-0": "黄", "colour-0": "yellow",
        "when-0": "before_due", "value-0": "P2D", "notify-0": "owner", "supervisor-0": "unit_head",
        "notice-0": "黄色预警通知单"})
    page = spiral.page(office.get("/studio/modeler/course_cycle"))
    panel = json.loads(page.xpath("//script[@id='modeler-data']/text()")[0])["panel"]
    names = [ladder["name"] for ladder in panel["ladders"]]
    assert names[0] == "default" and "fast" in names
    assert {"name": "fast", "label": "快速督办"} in panel["ladders"]


def test_bulk_launch_step_by_step_shows_the_plan_and_never_starts_a_subject_twice(spiral):
    already = spiral.start("C-WDYY")
    office = spiral.client_for("zhaohong")
    plan = office.get("/studio/launch/plan?process_id=course_cycle&period=2025-2026-1").get_json()
    assert plan["ok"] and len(plan["subjects"]) == 12
    running = {s["name"]: s["instance_id"] for s in plan["subjects"] if s["instance_id"]}
    assert running == {"网店运营": already}
    steps = [office.post("/studio/launch/one", json={"process_id": "course_cycle", "period": "2025-2026-1",
                                                      "subject": s["code"]}).get_json() for s in plan["subjects"]]
    assert sorted(s["status"] for s in steps).count("started") == 11
    assert [s for s in steps if s["status"] == "skipped"][0]["subject"] == "网店运营"
    again = office.post("/studio/launch/one", json={"process_id": "course_cycle", "period": "2025-2026-1",
                                                    "subject": "C-WDYY"}).get_json()
    assert again["status"] == "skipped" and f"#{already}" in again["message"]
    replan = office.get("/studio/launch/plan?process_id=course_cycle&period=2025-2026-1").get_json()
    assert all(s["instance_id"] for s in replan["subjects"])


def test_bulk_launch_refuses_a_bad_period_or_a_subject_of_another_level(spiral):
    office = spiral.client_for("zhaohong")
    bad = office.get("/studio/launch/plan?process_id=course_cycle&period=2025")
    assert bad.status_code == 422 and "周期格式" in bad.get_json()["message"]
    other = office.post("/studio/launch/one", json={"process_id": "course_cycle", "period": "2025-2026-1",
                                                    "subject": "MAJ-730701"}, headers={"Accept": "application/json"})
    assert other.status_code == 422 and "不属于" in other.get_json()["error"]
    assert spiral.client_for("chenxiaoyu").get("/studio/launch/plan?process_id=course_cycle&period=2025-2026-1"
                                                ).status_code == 403
