"""The 驾驶舱 page as the principal meets it: the landing page, the charts' JSON, and every figure's link leads to
a list holding exactly that many rows; portraits; who may enter."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from engine.assembly import build_engine, session_factory
from engine.db.session import make_engine
from engine.demo.school import DEMO_PASSWORD, seed_demo
from engine.reporting import dashboard as board
from engine.tables import create_schema
from tests.conftest import T0, copy_database


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dash")
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
    board.forget()
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy_database(demo_db, tmp_path / 'web.sqlite')}",
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "FORMS_DIR": str(tmp_path / "forms"),
                      "SPIRAL_NOW": T0.isoformat()})
    app.extensions["spiral"].specs = shared_specs
    yield app
    with app.app_context():
        db.engine.dispose()


def signed_in(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client, response


def test_the_principal_signs_in_and_lands_on_the_dashboard(demo_app):
    client, response = signed_in(demo_app, "wangjianguo")
    assert response.headers["Location"].endswith("/dashboard")
    assert client.get("/").headers["Location"].endswith("/dashboard")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "驾驶舱" in page and "/vendor/echarts/echarts.min.js" in page
    assert 'href="/dashboard"' in page  # the top bar's 驾驶舱
    for heading in ("诊改周期：层面 × 螺旋阶段", "按时完成率：按部门", "未办结督办", "质量预警：按指标", "行动计划进度"):
        assert heading in page


def test_a_teacher_still_lands_on_the_inbox_and_has_no_dashboard(demo_app):
    client, response = signed_in(demo_app, "chenxiaoyu")
    assert response.headers["Location"].endswith("/inbox")
    assert client.get("/").headers["Location"].endswith("/inbox")
    assert 'href="/dashboard"' not in client.get("/inbox").get_data(as_text=True)
    assert client.get("/dashboard").status_code == 403
    assert client.get("/dashboard/data.json").status_code == 403


@pytest.mark.parametrize("username,status", [("admin", 200), ("zhaohong", 200), ("liming", 200), ("zhouqiang", 200),
                                             ("huangwei", 403), ("hanxue", 403), ("liuxin", 403)])
def test_who_enters_the_dashboard(demo_app, username, status):
    client, _ = signed_in(demo_app, username)
    assert client.get("/dashboard").status_code == status
    assert client.get("/dashboard/data.json").status_code == status
    assert client.get("/dashboard/late?department=教务科").status_code == status


def _rows(html: str, table_class: str = "list") -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return body.count("<tr")


def test_every_chart_segment_links_to_a_list_with_that_many_rows(demo_app):
    client, _ = signed_in(demo_app, "wangjianguo")
    data = client.get("/dashboard/data.json").get_json()
    assert data["stages"] and data["departments"] and data["warnings"] and data["plans"]
    for s in data["stages"]:  # the cycle list filtered by level, stage and running
        query = parse_qs(urlsplit(s["url"]).query)
        assert urlsplit(s["url"]).path == "/cycles" and query["level"] == [s["level"]]
        page = client.get(s["url"] + "&per_page=200").get_data(as_text=True)
        assert _rows(page) == s["count"], s
    for n in data["notices"]:  # the 督办 list by colour
        assert n["url"] == f"/supervision?colour={n['colour']}"
        page = client.get(n["url"]).get_data(as_text=True)
        assert _rows(page) == min(n["count"], 50), n  # one page of 50
    for w in data["warnings"]:  # the warning centre by indicator and status
        page = client.get(w["url"]).get_data(as_text=True)
        assert _rows(page) == w["count"], w
    for d in data["departments"]:  # a department → its late tasks → a task
        if d["late"] or d["overdue_open"]:
            page = client.get(d["url"]).get_data(as_text=True)
            assert len(re.findall(r'href="/tasks/\d+"', page)) == d["late"] + d["overdue_open"], d
    for p in data["plans"]:
        assert client.get(p["url"]).status_code == 200


def test_a_department_leads_to_its_late_tasks_and_each_to_the_task(demo_app):
    client, _ = signed_in(demo_app, "wangjianguo")
    data = client.get("/dashboard/data.json").get_json()
    department = next(d for d in data["departments"] if d["overdue_open"])
    page = client.get(department["url"]).get_data(as_text=True)
    assert department["department"] in page
    task = re.search(r'href="(/tasks/\d+)"', page).group(1)
    assert client.get(task).status_code == 200


def test_the_rate_on_the_dashboard_is_the_supervision_report(demo_app):
    client, _ = signed_in(demo_app, "zhaohong")
    data = client.get("/dashboard/data.json").get_json()
    report = client.get("/supervision/rates").get_data(as_text=True)
    for d in data["departments"]:
        if d["rate"] is not None:
            assert f"<td>{d['department']}</td><td>{d['on_time']}</td><td>{d['late']}</td><td>{d['overdue_open']}</td>" \
                in report


def test_the_page_shows_the_numbers_without_javascript(demo_app):
    client, _ = signed_in(demo_app, "wangjianguo")
    page = client.get("/dashboard").get_data(as_text=True)
    data = client.get("/dashboard/data.json").get_json()
    for n in data["notices"]:
        assert f'href="{n["url"]}"' in page
    for d in data["departments"][:3]:
        assert d["department"] in page


def test_a_course_portrait_with_its_chart_data(demo_app):
    client, _ = signed_in(demo_app, "zhaohong")
    page = client.get("/dashboard/subjects/C-WDYY").get_data(as_text=True)
    assert "画像" in page and "网店运营" in page and "课程合格率" in page
    data = client.get("/dashboard/subjects/C-WDYY/data.json").get_json()
    assert data["name"] == "网店运营"
    assert any(s["code"] == "K-HGL" and s["points"] for s in data["series"])
    assert data["improvements"] and data["cycles"]


def test_portraits_are_for_leaders_the_subjects_own_person_and_unit_heads(demo_app):
    teacher, _ = signed_in(demo_app, "chenxiaoyu")
    assert teacher.get("/dashboard/subjects/T-chenxiaoyu").status_code == 200
    assert teacher.get("/dashboard/subjects/T-lijun").status_code == 403
    student, _ = signed_in(demo_app, "liuxin")
    assert student.get("/dashboard/subjects/C-WDYY").status_code == 403
    assert student.get("/dashboard/subjects/NO-SUCH").status_code == 404


def test_the_cycle_page_links_to_the_subjects_portrait(demo_app):
    client, _ = signed_in(demo_app, "zhaohong")
    data = client.get("/dashboard/subjects/C-WDYY/data.json").get_json()
    page = client.get(data["cycles"][0]["url"]).get_data(as_text=True)
    assert 'href="/dashboard/subjects/C-WDYY"' in page
