"""机电技术应用 (MAJ-660301) goes round its yearly major spiral: 杨帆 leads, 黄伟 (专业部主任 of B-JD) reviews."""
import pytest

LEAD, DIVISION_HEAD = "yangfan", "huangwei"
MAJOR_PATH = [
    ("制定专业建设年度目标", "goal", LEAD),
    ("审核专业建设目标", "goal", DIVISION_HEAD),
    ("修订人才培养方案与专业标准", "standard", LEAD),
    ("制定专业建设实施计划", "design", LEAD),
    ("组建团队与配置资源", "organise", LEAD),
    ("实施专业建设并上传佐证", "implement", LEAD),
    ("专业年度自我诊断", "diagnose", LEAD),
    ("审核专业诊断报告", "diagnose", DIVISION_HEAD),
    ("专业调研与对标学习", "learn", LEAD),
    ("提出专业建设创新举措", "create", LEAD),
    ("制定改进措施与下年度目标", "improve", LEAD),
    ("审核专业改进方案", "improve", DIVISION_HEAD),
]
REVIEWS = [pytest.param(title, id=stage) for title, stage, who in MAJOR_PATH if who == DIVISION_HEAD]


def test_major_cycle_runs_every_stage_when_the_division_head_approves_each_review(cycles):
    run = cycles.start("major_cycle", "MAJ-660301", "2025-2026")
    assert run.approve_all() == MAJOR_PATH
    instance = run.instance()
    assert (instance.status, instance.current_stage) == ("completed", "")
    assert set(instance.stages_done) == run.process_stages() == {stage for _, stage, _ in MAJOR_PATH}


@pytest.mark.parametrize("review", REVIEWS)
def test_returned_major_work_goes_back_to_the_major_lead_and_then_runs_to_the_end(cycles, review):
    run = cycles.start("major_cycle", "MAJ-660301", "2025-2026")
    run.until(review)
    run.send_back()
    author = [title for title, *_ in MAJOR_PATH].index(review) - 1
    assert run.approve_all() == MAJOR_PATH[author:]
    assert run.instance().status == "completed"
