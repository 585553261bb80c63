"""The 质量年报 on the web and the command line: the office opens a year from the page, the chapters' tasks reach
the departments' inboxes, the year's page shows the chapters and the annex tables, the outline form keeps a year's
outline and refuses a bad one, leaders read, others get 403, and `spiral report annual` writes the .docx."""
from __future__ import annotations

import io

from docx import Document
from sqlalchemy import select

from engine.reporting.models import AnnualOutline, AnnualReport
from engine.workflow.models import HumanTask


def _open(client, auth, year: str = "2026"):  # type: ignore[no-untyped-def]
    auth.login("zhaohong")
    return client.post("/reports/annual", data={"year": year, "deadline": "2025-10-31"})


def test_the_office_opens_a_year_and_the_chapters_reach_the_departments(app, client, auth):
    answer = _open(client, auth)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/reports/annual/2026")
    page = client.get("/reports/annual/2026").get_data(as_text=True)
    assert "示例市职业技术学校2026年度质量年报" in page and "2 人才培养" in page and "撰写中" in page
    assert "人才培养质量计分卡" in page and "毕业生就业率" in page
    auth.logout()
    auth.login("qianjun")  # 教务科's head writes 人才培养
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "撰写年报章节：2 人才培养" in inbox
    from web.extensions import db
    with app.app_context():
        task_id = db.session.scalars(select(HumanTask.id).where(HumanTask.title == "撰写年报章节：2 人才培养")).one()
    form = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'value="党建引领"' in form and 'value="就业质量"' in form  # the outline's sub-sections laid out
    assert client.get("/reports/annual").status_code == 403


def test_opening_a_year_twice_or_with_a_bad_date_is_refused_with_a_message(app, client, auth):
    _open(client, auth)
    again = client.post("/reports/annual", data={"year": "2026", "deadline": "2025-10-31"})
    assert again.status_code == 409 and "已经开启" in again.get_data(as_text=True)
    bad = client.post("/reports/annual", data={"year": "2027", "deadline": "not a date"})
    assert bad.status_code == 422 and "提交期限" in bad.get_data(as_text=True)
    odd = client.post("/reports/annual", data={"year": "99999999999999999999", "deadline": "2025-10-31"})
    assert odd.status_code == 422
    from web.extensions import db
    with app.app_context():
        assert [r.year for r in db.session.scalars(select(AnnualReport))] == [2026]


def test_the_outline_form_keeps_the_years_outline_and_refuses_an_unknown_department(app, client, auth):
    auth.login("zhaohong")
    form = client.get("/reports/annual/2026/outline")
    assert form.status_code == 200 and "国际合作" in form.get_data(as_text=True)
    data = {"title": "{school}{year}年度质量报告", "c0_title": "前言", "c0_key": "preface", "c0_include": "1",
            "c0_unit": "质量管理办公室", "c1_title": "1 基本情况", "c1_key": "basics", "c1_include": "1",
            "c1_unit": "党政办", "c1_sections": "学校概况、专业设置", "c2_title": "国际合作", "c2_key": "international",
            "c2_unit": "校企合作办", "t0_title": "人才培养质量计分卡", "t0_key": "scorecard",
            "t0_rows": "毕业生就业率 | % | X-JYL\n生师比"}
    saved = client.post("/reports/annual/2026/outline", data=data)
    assert saved.status_code == 302
    from web.extensions import db
    with app.app_context():
        kept = db.session.get(AnnualOutline, 2026).content
        assert [c["title"] for c in kept["chapters"] if c["include"]] == ["前言", "1 基本情况"]
        assert kept["tables"][0]["rows"] == [{"name": "毕业生就业率", "unit": "%", "indicator": "X-JYL"},
                                             {"name": "生师比", "unit": ""}]
    refused = client.post("/reports/annual/2026/outline", data={**data, "c1_unit": "月球分校"})
    assert refused.status_code == 422 and "月球分校" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AnnualOutline, 2026).content["chapters"][1]["unit"] == "党政办"
    assert _open(client, auth).status_code == 302
    with app.app_context():
        titles = sorted(t.title for t in db.session.scalars(select(HumanTask).where(HumanTask.status == "open")))
        assert [t for t in titles if t.startswith("撰写年报章节")] == ["撰写年报章节：1 基本情况", "撰写年报章节：前言"]


def test_the_principal_reads_the_year_and_downloads_the_draft(app, client, auth):
    _open(client, auth)
    auth.logout()
    auth.login("wangjianguo")
    assert client.get("/reports/annual").status_code == 200
    download = client.get("/reports/annual/2026.docx")
    assert download.status_code == 200 and download.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(download.data))
    assert "（草稿）" in document.paragraphs[0].text
    assert client.get("/reports/annual/2026.pdf").status_code == 404  # published reports only
    assert client.get("/reports/annual/2026/outline").status_code == 403  # the office edits it


def test_the_command_line_writes_the_years_report(app, runner, tmp_path):
    from web.cli import main
    out = tmp_path / "年报.docx"
    result = runner.invoke(main, ["report", "annual", "--year", "2026", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "草稿" in result.output
    heads = [p.text for p in Document(str(out)).paragraphs if p.style.name == "Heading 1"]
    assert heads[:3] == ["前言", "1 基本情况", "2 人才培养"] and heads[-1] == "附表"
    wrong = runner.invoke(main, ["report", "annual", "--year", "2026", "--out", str(tmp_path / "x.pdf")])
    assert wrong.exit_code != 0 and ".docx" in wrong.output
