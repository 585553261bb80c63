"""考核 in the browser and the shell, on the demo school: leaders read the page and download the workbook (the
same figures as the engine's), the quality office sets the weights (a bad one is refused with a sentence and
changes nothing), others are refused, and `spiral appraisal` writes the same workbook."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from engine.assembly import build_engine, session_factory
from engine.db.session import make_engine
from engine.demo.school import DEMO_PASSWORD, seed_demo
from engine.reporting.appraisal import appraise
from engine.reporting.appraisal_weights import DEFAULTS, appraisal_weights
from engine.tables import create_schema
from tests.conftest import T0, copy_database

YEAR = "2025-2026"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("appraisal")
    path = folder / "demo.sqlite"
    db_engine = make_engine(f"sqlite:///{path}")
    create_schema(db_engine)
    with session_factory(db_engine, build_engine(upload_dir=folder / "uploads"))() as session:
        seed_demo(session, T0)
    db_engine.dispose()
    return path


@pytest.fixture
def demo_app(demo_db, tmp_path, shared_specs):
    from web import create_app
    from web.extensions import db
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy_database(demo_db, tmp_path / 'web.sqlite')}",
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "FORMS_DIR": str(tmp_path / "forms"),
                      "SPIRAL_NOW": T0.isoformat()})
    app.extensions["spiral"].specs = shared_specs
    yield app
    with app.app_context():
        db.engine.dispose()


def signed_in(app, username: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def engine_figures(app, period: str = YEAR):  # type: ignore[no-untyped-def]
    from web.extensions import db
    with app.app_context():
        return appraise(db.session, period, T0)


def stored_weights(app) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from web.extensions import db
    with app.app_context():
        return appraisal_weights(db.session).values


def test_the_principal_reads_both_tables_from_the_top_bar_but_does_not_set_weights(demo_app):
    client = signed_in(demo_app, "wangjianguo")
    assert 'href="/appraisal"' in client.get("/dashboard").get_data(as_text=True)  # the dashboard's 报告 line links 考核
    page = client.get(f"/appraisal?period={YEAR}").get_data(as_text=True)
    assert "部门考核" in page and "个人考核" in page
    found = engine_figures(demo_app)
    assert found.departments and found.people
    for row in found.departments:
        assert row.name in page
    assert f"{found.departments[0].score:.1f}" in page
    assert 'href="/appraisal/weights"' not in page and f'href="/appraisal.xlsx?period={YEAR}"' in page
    assert client.get("/appraisal/weights").status_code == 403
    assert client.post("/appraisal/weights", data={"warning": "3"}).status_code == 403


def test_a_teacher_has_no_appraisal_link_and_is_refused(demo_app):
    client = signed_in(demo_app, "chenxiaoyu")
    assert 'href="/appraisal"' not in client.get("/inbox").get_data(as_text=True)
    for path in ("/appraisal", "/appraisal.xlsx", "/appraisal/weights"):
        assert client.get(path).status_code == 403, path


@pytest.mark.parametrize("username,status", [("admin", 200), ("zhaohong", 200), ("liming", 200),
                                             ("zhouqiang", 200), ("huangwei", 403), ("hanxue", 403),
                                             ("liuxin", 403)])
def test_who_reads_the_appraisal(demo_app, username, status):
    client = signed_in(demo_app, username)
    assert client.get("/appraisal").status_code == status
    assert client.get(f"/appraisal.xlsx?period={YEAR}").status_code == status


def test_the_workbook_downloaded_holds_the_engines_figures_as_numbers(demo_app):
    client = signed_in(demo_app, "zhaohong")
    answer = client.get("/appraisal.xlsx?period=2025-2026-1")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    assert "appraisal-2025-2026-1.xlsx" in answer.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["部门考核", "个人考核", "权重"]
    header = [c.value for c in book["部门考核"][1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in book["部门考核"].iter_rows(min_row=2, values_only=True)}
    found = engine_figures(demo_app, "2025-2026-1")
    assert len(rows) == len(found.departments)
    for row in found.departments:
        written = rows[row.name]
        assert written["得分"] == row.score and written["红色问责单"] == row.red_notices
        assert written["逾期未办"] == row.rate.overdue_open
        if row.rate.rate is not None:
            assert isinstance(written["按时完成率(%)"], (int, float))  # a number, not text
            assert written["按时完成率(%)"] == round(row.rate.rate * 100, 1)
    assert any(r["红色问责单"] for r in rows.values()), "the demo has a red notice this term"
    people = list(book["个人考核"].iter_rows(min_row=2, values_only=True))
    assert len(people) == len(found.people)
    weights = {r[1]: r[2] for r in book["权重"].iter_rows(min_row=2, values_only=True)}
    assert weights == DEFAULTS


def test_the_quality_office_sets_the_weights_and_the_scores_follow(demo_app):
    client = signed_in(demo_app, "zhaohong")
    form = client.get("/appraisal/weights").get_data(as_text=True)
    assert 'name="on_time"' in form and 'value="40"' in form and "onclick" not in form
    before = {r.name: r.score for r in engine_figures(demo_app).departments}
    posted = {"on_time": "70", "goals": "10", "plans": "10", "improvements": "10", "warning": "1",
              "red_notice": "10"}
    answer = client.post("/appraisal/weights", data=posted)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/appraisal/weights")
    assert stored_weights(demo_app) == {key: float(value) for key, value in posted.items()}
    after = {r.name: r.score for r in engine_figures(demo_app).departments}
    assert after != before
    page = client.get(f"/appraisal?period={YEAR}").get_data(as_text=True)
    assert "按时完成率 70" in page and 'href="/appraisal/weights"' in page


@pytest.mark.parametrize("change,words", [({"plans": "30"}, "之和应为 100"), ({"warning": "abc"}, "质量预警"),
                                          ({"red_notice": "999"}, "0 到 50"), ({"on_time": ""}, "按时完成率")])
def test_a_bad_weight_is_refused_with_a_sentence_and_nothing_changes(demo_app, change, words):
    client = signed_in(demo_app, "zhaohong")
    posted = {key: f"{value:g}" for key, value in DEFAULTS.items()} | change
    answer = client.post("/appraisal/weights", data=posted)
    assert answer.status_code == 400
    shown = answer.get_data(as_text=True)
    assert words in shown and 'class="field-error"' in shown
    assert stored_weights(demo_app) == DEFAULTS
    assert client.post("/appraisal/weights", data={}).status_code == 400  # nothing posted: every field missing


def test_an_odd_period_is_answered_with_a_sentence(demo_app):
    client = signed_in(demo_app, "zhaohong")
    for odd in ("2025-2027", "abc", "2025-2026-9", "<script>"):
        answer = client.get("/appraisal", query_string={"period": odd})
        assert answer.status_code == 400 and "应为学年" in answer.get_data(as_text=True)
        assert client.get("/appraisal.xlsx", query_string={"period": odd}).status_code == 422


def test_the_cli_writes_the_workbook_and_refuses_in_one_line(demo_app, tmp_path):
    from web.cli import main
    runner = demo_app.test_cli_runner()
    out = tmp_path / "考核.xlsx"
    result = runner.invoke(main, ["appraisal", "--period", YEAR, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已导出考核" in result.output and YEAR in result.output
    book = load_workbook(out)
    assert book.sheetnames == ["部门考核", "个人考核", "权重"]
    found = engine_figures(demo_app)
    scores = {r[0]: r[-1] for r in book["部门考核"].iter_rows(min_row=2, values_only=True)}
    assert scores == {r.name or "（未归属部门）": r.score for r in found.departments}
    wrong_suffix = runner.invoke(main, ["appraisal", "--period", YEAR, "--out", str(tmp_path / "x.csv")])
    assert wrong_suffix.exit_code != 0 and ".xlsx" in wrong_suffix.output
    assert len(wrong_suffix.output.strip().splitlines()) == 1
    bad_period = runner.invoke(main, ["appraisal", "--period", "2025-2027", "--out", str(out)])
    assert bad_period.exit_code != 0 and "应为学年" in bad_period.output
    missing = runner.invoke(main, ["appraisal", "--out", str(out)])
    assert missing.exit_code != 0 and "--period" in missing.output
