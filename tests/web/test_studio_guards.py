"""The studio refuses 新建流程 over an existing process and asks before a version drops every task."""
from __future__ import annotations

from tests.engine.test_deploy_guards import one_task


def test_a_new_process_with_an_existing_id_is_refused_with_a_sentence(spiral):
    office = spiral.client_for("zhaohong")
    page = office.post("/studio/modeler/new", data={"template": "blank", "process_id": "course_cycle",
                                                    "name": "空白"})
    assert page.status_code == 409 and "已被使用" in page.get_data(as_text=True)
    assert "Task_course_standard" in office.get("/studio/modeler/course_cycle").get_data(as_text=True)


def test_the_modeler_asks_before_a_version_drops_every_task_of_running_cycles(spiral):
    spiral.start("C-WDYY")
    office = spiral.client_for("zhaohong")
    xml = one_task(pid="course_cycle").decode()
    asked = office.post("/studio/modeler/deploy", json={"xml": xml})
    assert asked.status_code == 409 and "全部任务" in asked.get_json()["confirm"]
    done = office.post("/studio/modeler/deploy", json={"xml": xml, "confirm_removal": True})
    assert done.get_json()["version"] == 2


def test_the_upload_page_asks_and_the_cli_needs_yes(spiral, runner, tmp_path):
    spiral.start("C-WDYY")
    path = tmp_path / "course.bpmn"
    path.write_bytes(one_task(pid="course_cycle"))
    office = spiral.client_for("zhaohong")
    page = office.post("/studio/processes", data={"files": (path.open("rb"), "course.bpmn")},
                       content_type="multipart/form-data")
    assert page.status_code == 409 and 'name="confirm_removal"' in page.get_data(as_text=True)
    refused = runner.invoke(args=["deploy", str(path)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert "v2" in runner.invoke(args=["deploy", str(path), "--yes"]).output
