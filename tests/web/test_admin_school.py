"""School settings: the name on the sign-in page, the top bar, notices and exports; the logo; the default
language."""
from __future__ import annotations

from datetime import datetime
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from engine.supervision.models import SupervisionNotice
from engine.tick import run_tick
from web.extensions import db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NAME, SHORT = "海滨市第二职业技术学校", "海滨二职"


def save(client, **fields):
    data = {"name": NAME, "short_name": SHORT, "default_locale": "zh_CN", **fields}
    return client.post("/admin/school", data=data)


def test_before_any_setting_the_school_is_named_after_the_root_unit(spiral):
    assert "示例市职业技术学校" in spiral.app.test_client().get("/login").get_data(as_text=True)


def test_the_school_name_reaches_the_sign_in_page_the_top_bar_a_notice_and_the_export(app, spiral, goal_task):
    admin = spiral.client_for("admin")
    assert save(admin).status_code == 302
    login = app.test_client().get("/login").get_data(as_text=True)
    assert NAME in login and "示例市" not in login
    assert SHORT in spiral.page(admin.get("/inbox")).xpath("string(//a[@class='brand'])")
    late = datetime(2025, 10, 30, 9)
    app.config["SPIRAL_NOW"] = late.isoformat()
    with app.app_context():
        run_tick(db.session, late)
        notice = db.session.scalars(select(SupervisionNotice.id)).first()
    supervisor = spiral.client_for("zhouqiang")
    assert NAME in supervisor.get(f"/supervision/notices/{notice}").get_data(as_text=True)
    book = load_workbook(BytesIO(supervisor.get("/supervision/export.xlsx").data))
    assert book.properties.creator == NAME and book.properties.title.startswith(NAME)


def test_a_logo_must_be_a_small_png_or_jpeg_never_an_svg(spiral):
    admin = spiral.client_for("admin")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    refused = admin.post("/admin/school/logo", data={"logo": (BytesIO(svg), "logo.svg")},
                         content_type="multipart/form-data")
    assert refused.status_code == 422 and "SVG" in refused.get_data(as_text=True)
    disguised = admin.post("/admin/school/logo", data={"logo": (BytesIO(svg), "logo.png")},
                           content_type="multipart/form-data")
    assert disguised.status_code == 422
    large = admin.post("/admin/school/logo", data={"logo": (BytesIO(PNG + b"\x00" * 300_000), "big.png")},
                       content_type="multipart/form-data")
    assert large.status_code == 422 and "KB" in large.get_data(as_text=True)
    assert spiral.app.test_client().get("/admin/school/logo").status_code == 404
    ok = admin.post("/admin/school/logo", data={"logo": (BytesIO(PNG), "logo.png")},
                    content_type="multipart/form-data")
    assert ok.status_code == 302
    served = spiral.app.test_client().get("/admin/school/logo")
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == PNG
    assert 'src="/admin/school/logo"' in admin.get("/inbox").get_data(as_text=True)


def test_the_default_language_is_what_a_visitor_without_a_choice_gets(spiral):
    admin = spiral.client_for("admin")
    save(admin, default_locale="en")
    page = spiral.app.test_client().get("/login").get_data(as_text=True)
    assert 'lang="en"' in page


def test_the_quality_office_reads_the_settings_but_cannot_change_them(spiral):
    office = spiral.client_for("zhaohong")
    page = office.get("/admin/school").get_data(as_text=True)
    assert "disabled" in page and "type=\"file\"" not in page
    assert save(office).status_code == 403
    assert office.post("/admin/school/logo", data={"logo": (BytesIO(PNG), "logo.png")},
                       content_type="multipart/form-data").status_code == 403
