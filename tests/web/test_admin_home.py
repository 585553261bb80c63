"""The admin pages: administrators change the school's own data, the quality office reads it, others are kept out."""
from __future__ import annotations


def test_the_quality_office_opens_the_admin_home_from_the_top_bar(spiral):
    office = spiral.client_for("zhaohong")
    assert 'href="/admin/"' in office.get("/inbox").get_data(as_text=True)
    assert office.get("/admin/").status_code == 200


def test_a_teacher_neither_sees_nor_opens_the_admin_pages(spiral):
    teacher = spiral.client_for("wangfang")
    assert 'href="/admin/"' not in teacher.get("/inbox").get_data(as_text=True)
    assert teacher.get("/admin/").status_code == 403
