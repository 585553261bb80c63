"""Error answers: JSON errors always carry `errors` as {field: [messages]}; engine errors read in the user's
language; an unexpected error is logged with its traceback and the person reads one calm sentence."""
from __future__ import annotations

import io
import logging

from engine.errors import InvalidInput, NotFound
from engine.workflow.sample import SAMPLE_PDF

JSON = {"Accept": "application/json"}


def _list_shaped(body) -> bool:
    errors = body["errors"]
    return isinstance(errors, dict) and all(
        isinstance(field, str) and isinstance(msgs, list) and msgs and all(isinstance(m, str) for m in msgs)
        for field, msgs in errors.items())


def test_invalid_input_keeps_one_shape_whatever_the_caller_passes():
    error = InvalidInput("有误", {"a": "一条", "b": ["两条", "之二"]})

    assert error.errors == {"a": ["一条"], "b": ["两条", "之二"]}
    assert InvalidInput("有误").errors == {}


def test_every_json_error_answer_has_field_lists(spiral):
    client = spiral.client_for("chenxiaoyu")
    answers = [
        client.post("/me/substitutes", data={}, headers=JSON),  # a web-layer InvalidInput given a string
        client.post("/me/substitutes", data={"substitute_id": "1", "starts_on": "2025-10-01",
                                             "ends_on": "bad"}, headers=JSON),
        client.post("/me/channels", data={"wecom_webhook": "https://example.com/hook"}, headers=JSON),
        client.get("/tasks/99999", headers=JSON),  # NotFound
        client.get("/no-such-page", headers=JSON),  # an HTTP error
    ]

    assert [a.status_code for a in answers] == [422, 422, 422, 404, 404]
    for answer in answers:
        body = answer.get_json()
        assert isinstance(body["error"], str) and body["error"]
        assert _list_shaped(body), body
    assert answers[0].get_json()["errors"] == {"substitute_id": ["请选择代理人。"]}
    assert answers[2].get_json()["errors"] == {"wecom_webhook": ["请粘贴群机器人的 Webhook 地址"]}


def test_an_english_user_is_told_in_english_who_completed_the_task_first(spiral, implement_task):
    lead, teacher = spiral.client_for("chenxiaoyu"), spiral.client_for("wangfang")
    teacher.post("/language", data={"locale": "en", "next": "/inbox"})
    answers = {**spiral.answers("course_implement"),
               "impl_evidence": (io.BytesIO(SAMPLE_PDF), "教案.pdf", "application/pdf")}
    assert lead.post(f"/tasks/{implement_task.id}/complete", data=answers,
                     content_type="multipart/form-data").status_code == 302

    again = {**spiral.answers("course_implement"),
             "impl_evidence": (io.BytesIO(SAMPLE_PDF), "教案.pdf", "application/pdf")}
    late = teacher.post(f"/tasks/{implement_task.id}/complete", data=again, content_type="multipart/form-data")

    assert late.status_code == 409
    alert = spiral.page(late).xpath('//div[@role="alert"]')[0].text_content()
    assert "This task was already completed by 陈晓雨 on" in alert
    assert "办理完成" not in alert


def test_a_chinese_user_still_reads_chinese_and_json_answers_follow_the_language(spiral):
    chinese, english = spiral.client_for("chenxiaoyu"), spiral.client_for("wangfang")
    english.post("/language", data={"locale": "en"})

    assert chinese.get("/tasks/99999", headers=JSON).get_json()["error"] == "任务 #99999 不存在"
    assert english.get("/tasks/99999", headers=JSON).get_json()["error"] == "Task #99999 does not exist."


def test_a_catalogued_error_reads_in_either_language_and_an_uncatalogued_one_in_chinese():
    error = NotFound(code="task.not_found", params={"id": 5})

    assert error.message == "任务 #5 不存在" and error.text("zh_CN") == "任务 #5 不存在"
    assert error.text("en") == "Task #5 does not exist."
    assert NotFound("文件找不到了").text("en") == "文件找不到了"


def test_an_unexpected_error_is_logged_with_its_traceback(app, spiral, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-test")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk is full")

    client = spiral.client_for("chenxiaoyu")
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        page = client.get("/boom-for-test")
        answer = client.get("/boom-for-test", headers=JSON)

    assert page.status_code == 500 and "the disk is full" not in page.get_data(as_text=True)
    assert answer.status_code == 500 and answer.get_json()["errors"] == {}
    logged = [r for r in caplog.records if r.exc_info and "the disk is full" in str(r.exc_info[1])]
    assert len(logged) == 2 and logged[0].exc_info[2] is not None
