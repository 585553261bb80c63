"""陈晓雨's own yearly development spiral (T-chenxiaoyu): she does the work, 徐娜 (专业部主任 of B-CJ) reviews."""
import pytest

TEACHER, DIVISION_HEAD = "chenxiaoyu", "xuna"
TEACHER_PATH = [
    ("制定个人年度发展目标", "goal", TEACHER),
    ("审核个人发展目标", "goal", DIVISION_HEAD),
    ("对照教师发展标准确定指标", "standard", TEACHER),
    ("制定个人发展计划", "design", TEACHER),
    ("落实培训与企业实践安排", "organise", TEACHER),
    ("实施发展计划并上传佐证", "implement", TEACHER),
    ("个人年度自我诊断", "diagnose", TEACHER),
    ("审核个人诊断报告", "diagnose", DIVISION_HEAD),
    ("考核激励", "incentive", DIVISION_HEAD),
    ("参加培训与学习交流", "learn", TEACHER),
    ("开展教学创新实践", "create", TEACHER),
    ("制定改进措施与下年度目标", "improve", TEACHER),
    ("审核个人改进方案", "improve", DIVISION_HEAD),
]
REVIEWS = [pytest.param(title, id=stage) for title, stage, _ in TEACHER_PATH if title.startswith("审核")]


def test_teacher_cycle_runs_every_stage_when_the_division_head_approves_each_review(cycles):
    run = cycles.start("teacher_cycle", "T-chenxiaoyu", "2025-2026")
    assert run.approve_all() == TEACHER_PATH
    instance = run.instance()
    assert (instance.status, instance.current_stage) == ("completed", "")
    assert set(instance.stages_done) == run.process_stages() == {stage for _, stage, _ in TEACHER_PATH}


@pytest.mark.parametrize("review", REVIEWS)
def test_returned_development_work_goes_back_to_the_teacher_herself_and_then_runs_to_the_end(cycles, review):
    run = cycles.start("teacher_cycle", "T-chenxiaoyu", "2025-2026")
    run.until(review)
    run.send_back()
    author = [title for title, *_ in TEACHER_PATH].index(review) - 1
    assert run.approve_all() == TEACHER_PATH[author:]
    assert run.instance().status == "completed"
