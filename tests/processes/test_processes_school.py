"""The school's yearly spiral (SCH): 赵红 and 孙丽 of the quality office work, 王建国 the principal decides."""
import pytest

DIRECTOR, OFFICER, PRINCIPAL = "zhaohong", "sunli", "wangjianguo"
SCHOOL_PATH = [
    ("制定学校年度质量目标", "goal", DIRECTOR),
    ("审定年度质量目标", "goal", PRINCIPAL),
    ("修订学校质量标准与指标", "standard", OFFICER),
    ("制定年度诊改工作方案", "design", DIRECTOR),
    ("部署诊改任务与分工", "organise", DIRECTOR),
    ("组织实施并采集监测数据", "implement", OFFICER),
    ("学校年度自我诊断", "diagnose", DIRECTOR),
    ("审定学校诊断报告", "diagnose", PRINCIPAL),
    ("考核激励", "incentive", PRINCIPAL),
    ("组织学习与标杆对照", "learn", OFFICER),
    ("推进制度与机制创新", "create", DIRECTOR),
    ("编制改进计划与质量年报", "improve", DIRECTOR),
    ("审定改进计划与质量年报", "improve", PRINCIPAL),
]
REVIEWS = [pytest.param(title, id=stage) for title, stage, _ in SCHOOL_PATH if title.startswith("审定")]


def test_school_cycle_runs_every_stage_when_the_principal_approves_each_decision(cycles):
    run = cycles.start("school_cycle", "SCH", "2025-2026")
    assert run.approve_all() == SCHOOL_PATH
    instance = run.instance()
    assert (instance.status, instance.current_stage) == ("completed", "")
    assert set(instance.stages_done) == run.process_stages() == {stage for _, stage, _ in SCHOOL_PATH}


@pytest.mark.parametrize("review", REVIEWS)
def test_what_the_principal_sends_back_returns_to_its_author_and_then_runs_to_the_end(cycles, review):
    run = cycles.start("school_cycle", "SCH", "2025-2026")
    run.until(review)
    run.send_back()
    author = [title for title, *_ in SCHOOL_PATH].index(review) - 1
    assert run.approve_all() == SCHOOL_PATH[author:]
    assert run.instance().status == "completed"
