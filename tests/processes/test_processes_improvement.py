"""A red warning on 网店运营 (C-WDYY) starts an improvement: 陈晓雨 (课程负责人) fixes, 孙丽 (质量专员) checks."""
import pytest

LEAD, OFFICER = "chenxiaoyu", "sunli"
PROBLEM = {"responsible_role": "课程负责人", "problem": "网店运营课程合格率 82%，低于预警值 85%（红色预警）。"}
IMPROVEMENT_PATH = [
    ("填写整改措施", "improve", LEAD),
    ("审核整改措施", "improve", OFFICER),
    ("实施整改并上传佐证", "improve", LEAD),
    ("验证整改成效", "diagnose", OFFICER),
]


def test_improvement_runs_from_measures_to_verified_when_the_quality_officer_accepts_each(cycles):
    run = cycles.start("improvement", "C-WDYY", data=PROBLEM)
    assert run.approve_all() == IMPROVEMENT_PATH
    instance = run.instance()
    assert (instance.status, instance.current_stage) == ("completed", "")
    assert set(instance.stages_done) == run.process_stages() == {"improve", "diagnose"}


def test_returned_measures_go_back_to_the_course_lead_and_then_run_to_the_end(cycles):
    run = cycles.start("improvement", "C-WDYY", data=PROBLEM)
    run.until("审核整改措施")
    run.send_back()
    assert run.approve_all() == IMPROVEMENT_PATH


def test_failed_verification_sends_the_course_lead_back_to_carry_out_the_improvement_again(cycles):
    run = cycles.start("improvement", "C-WDYY", data=PROBLEM)
    run.until("验证整改成效")
    assert run.send_back() == ("验证整改成效", "diagnose", OFFICER)
    run.expect("实施整改并上传佐证", "improve", LEAD)
    assert run.approve_all() == IMPROVEMENT_PATH[2:]
    assert run.instance().status == "completed"


@pytest.mark.parametrize("role, who", [("任课教师", {"chenxiaoyu", "wangfang"}), ("教研室主任", "hanxue")])
def test_the_improvement_goes_to_whoever_holds_the_responsible_role_for_the_course(cycles, role, who):
    run = cycles.start("improvement", "C-WDYY", data={**PROBLEM, "responsible_role": role})
    run.expect("填写整改措施", "improve", who)


def test_an_improvement_started_by_hand_closes_on_the_verdict_alone_with_no_indicator_to_read(cycles):
    run = cycles.start("improvement", "C-WDYY", data={"responsible_role": "课程负责人", "problem": "教学日志缺失"})
    run.until("验证整改成效")
    run.step({"verdict": "passed", "close_reason": ""})
    assert run.instance().status == "completed"
