"""Every admin page opens for the administrator and the quality office, and is closed to teachers and students."""
from __future__ import annotations

import pytest

PAGES = ["/admin/", "/admin/units", "/admin/people", "/admin/roles", "/admin/holdings", "/admin/subjects",
         "/admin/school", "/admin/people?q=王&page=1", "/admin/holdings?when=current", "/admin/subjects?level=course"]


@pytest.mark.parametrize("path", PAGES)
def test_the_admin_and_the_quality_office_open_every_admin_page(spiral, path):
    for username in ("admin", "zhaohong"):
        response = spiral.client_for(username).get(path)
        assert response.status_code == 200, (username, path)


@pytest.mark.parametrize("path", PAGES)
def test_a_teacher_and_a_student_are_kept_out(spiral, path):
    for username in ("wangfang", "liuxin"):
        assert spiral.client_for(username).get(path).status_code == 403, (username, path)


def test_the_quality_office_reads_without_change_buttons_and_cannot_post(spiral):
    office = spiral.client_for("zhaohong")
    page = office.get("/admin/units").get_data(as_text=True)
    assert "添加单位" not in page and "只读" in page
    for path in ("/admin/units", "/admin/people", "/admin/roles", "/admin/school", "/admin/holdings/preview"):
        assert office.post(path, data={"code": "x", "name": "x"}).status_code == 403, path


def test_detail_pages_open(spiral):
    admin = spiral.client_for("admin")
    units = spiral.page(admin.get("/admin/units"))
    first_unit = units.xpath("//a[starts-with(@href, '/admin/units/')]/@href")[0]
    assert admin.get(first_unit).status_code == 200
    people = spiral.page(admin.get("/admin/people"))
    first_person = people.xpath("//a[starts-with(@href, '/admin/people/')]/@href")[0]
    assert admin.get(first_person).status_code == 200
    holdings = spiral.page(admin.get("/admin/holdings"))
    first_holding = holdings.xpath("//a[starts-with(@href, '/admin/holdings/')]/@href")[0]
    assert admin.get(first_holding).status_code == 200
    subjects = spiral.page(admin.get("/admin/subjects"))
    first_subject = subjects.xpath("//a[starts-with(@href, '/admin/subjects/') and not(contains(@href, 'new'))]/@href")[0]
    assert admin.get(first_subject).status_code == 200
    assert admin.get("/admin/people/new").status_code == 200
    assert admin.get("/admin/subjects/new").status_code == 200


def test_the_admin_reaches_every_substitution_from_the_admin_home(spiral):
    admin = spiral.client_for("admin")
    assert 'href="/substitutes"' in admin.get("/admin/").get_data(as_text=True)
    assert admin.get("/substitutes").status_code == 200
