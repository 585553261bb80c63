"""刘欣's growth spiral for the term (S-liuxin): she does the work, 赵磊 (班主任 of K-2024JSJ1) reviews."""
import pytest

STUDENT, CLASS_TEACHER = "liuxin", "zhaolei"
STUDENT_PATH = [
    ("制定学期成长目标", "goal", STUDENT),
    ("班主任审核成长目标", "goal", CLASS_TEACHER),
    ("对照学生成长标准确定指标", "standard", STUDENT),
    ("制定学期成长计划", "design", STUDENT),
    ("加入学习小组与社团", "organise", STUDENT),
    ("执行成长计划并记录", "implement", STUDENT),
    ("学期自我诊断", "diagnose", STUDENT),
    ("班主任审核自我诊断", "diagnose", CLASS_TEACHER),
    ("学习榜样与经验交流", "learn", STUDENT),
    ("参加创新实践活动", "create", STUDENT),
    ("制定改进措施与下学期目标", "improve", STUDENT),
    ("班主任审核改进计划", "improve", CLASS_TEACHER),
]
REVIEWS = [pytest.param(title, id=stage) for title, stage, who in STUDENT_PATH if who == CLASS_TEACHER]


def test_student_cycle_runs_every_stage_when_the_class_teacher_approves_each_review(cycles):
    run = cycles.start("student_cycle", "S-liuxin")
    assert run.approve_all() == STUDENT_PATH
    instance = run.instance()
    assert (instance.status, instance.current_stage) == ("completed", "")
    assert set(instance.stages_done) == run.process_stages() == {stage for _, stage, _ in STUDENT_PATH}


@pytest.mark.parametrize("review", REVIEWS)
def test_returned_growth_work_goes_back_to_the_student_and_then_runs_to_the_end(cycles, review):
    run = cycles.start("student_cycle", "S-liuxin")
    run.until(review)
    run.send_back()
    author = [title for title, *_ in STUDENT_PATH].index(review) - 1
    assert run.approve_all() == STUDENT_PATH[author:]
    assert run.instance().status == "completed"
