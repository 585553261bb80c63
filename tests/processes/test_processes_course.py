"""网店运营 (C-WDYY) goes round its course spiral: 陈晓雨 leads, 韩雪 reviews, both teachers implement."""
import pytest

LEAD, HEAD, TEACHERS = "chenxiaoyu", "hanxue", {"chenxiaoyu", "wangfang"}
COURSE_PATH = [
    ("制定课程建设目标", "goal", LEAD),
    ("审核课程建设目标", "goal", HEAD),
    ("制定课程标准与监测指标", "standard", LEAD),
    ("制定授课计划与任务分解", "design", LEAD),
    ("组织教学团队与资源", "organise", LEAD),
    ("实施教学并上传佐证", "implement", TEACHERS),
    ("课程自我诊断", "diagnose", LEAD),
    ("审核课程诊断报告", "diagnose", HEAD),
    ("学习交流与对标", "learn", LEAD),
    ("提出课程教学创新举措", "create", LEAD),
    ("制定改进措施与下轮目标", "improve", LEAD),
    ("审核课程改进方案", "improve", HEAD),
]
REVIEWS = [pytest.param(title, id=stage) for title, stage, who in COURSE_PATH if who == HEAD]


def test_course_cycle_runs_every_stage_when_the_office_head_approves_each_review(cycles):
    run = cycles.start("course_cycle", "C-WDYY")
    assert run.approve_all() == COURSE_PATH
    instance = run.instance()
    assert (instance.status, instance.current_stage) == ("completed", "")
    assert set(instance.stages_done) == run.process_stages() == {stage for _, stage, _ in COURSE_PATH}


@pytest.mark.parametrize("review", REVIEWS)
def test_returned_course_work_goes_back_to_its_author_and_then_runs_to_the_end(cycles, review):
    run = cycles.start("course_cycle", "C-WDYY")
    run.until(review)
    run.send_back()
    author = [title for title, *_ in COURSE_PATH].index(review) - 1
    assert run.approve_all() == COURSE_PATH[author:]
    assert run.instance().status == "completed"
