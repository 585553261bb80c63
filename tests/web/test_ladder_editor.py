"""The escalation-ladder editor offers choices (who is told, who supervises, colour) and a number with a unit;
the server turns them into the stored codes, and saving an unchanged ladder keeps it identical."""
from __future__ import annotations

import copy

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.supervision.models import Ladder
from web.extensions import db


def form_fields(page, selector: str = "//form[.//input[@name='rows']]") -> MultiDict:
    """What a browser sends for the form: inputs (checked boxes only), each select's chosen option."""
    form = page.xpath(selector)[0]
    fields: list[tuple[str, str]] = []
    for element in form.xpath(".//input|.//select|.//textarea"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "select":
            chosen = element.xpath(".//option[@selected]") or element.xpath(".//option")[:1]
            fields.append((name, chosen[0].get("value", chosen[0].text or "")))
        elif element.get("type") == "checkbox":
            if element.get("checked") is not None:
                fields.append((name, element.get("value", "on")))
        else:
            fields.append((name, element.get("value", "") if element.tag == "input" else element.text or ""))
    return MultiDict(fields)


def rungs(app, name: str):
    with app.app_context():
        return copy.deepcopy(db.session.scalars(select(Ladder).where(Ladder.name == name)).one().rungs)


def test_saving_the_shipped_ladders_unchanged_keeps_them_identical(app, spiral):
    office = spiral.client_for("zhaohong")
    for name in ("default", "takeover"):
        before = rungs(app, name)
        page = spiral.page(office.get(f"/supervision/ladders/edit?name={name}"))
        assert page.xpath("//details/summary/text()")[0] == "高级：显示代码"
        saved = office.post(f"/supervision/ladders/edit?name={name}", data=form_fields(page))
        assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
        assert rungs(app, name) == before


def test_the_editor_shows_numbers_and_chinese_choices_and_turns_them_into_codes(app, spiral):
    office = spiral.client_for("zhaohong")
    before = rungs(app, "default")
    page = spiral.page(office.get("/supervision/ladders/edit?name=default"))
    assert page.xpath("//input[@name='amount-1']/@value") == ["70"]  # yellow: 70 % of the time elapsed
    assert page.xpath("//input[@name='amount-0']/@value") == ["1"]  # remind: 1 个工作日 before due
    assert page.xpath("//select[@name='supervisor-1']/option[@selected]/text()") == ["所在单位负责人"]
    assert "办理人" in page.xpath("//fieldset[@class='rung-notify'][1]//label/text()")[0]
    fields = form_fields(page)
    data = [(k, v) for k, v in form_fields(page).items(multi=True)
            if k not in ("amount-0", "unit-0", "amount-1", "takeover-2")]
    data = MultiDict(data + [("amount-0", "4"), ("unit-0", "hours"), ("amount-1", "60"), ("takeover-2", "unit_head")])
    assert fields["when-0"] == "before_due"
    saved = office.post("/supervision/ladders/edit?name=default", data=data)
    assert saved.status_code == 302
    after = rungs(app, "default")
    assert after[0]["before_due"] == "PT4H" and after[1]["elapsed"] == 0.6 and after[2]["takeover"] == "unit_head"
    assert after[3] == before[3] and after[1]["notify"] == before[1]["notify"]


def test_a_code_typed_under_advanced_wins_and_a_bad_number_is_explained(app, spiral):
    office = spiral.client_for("zhaohong")
    page = spiral.page(office.get("/supervision/ladders/edit?name=default"))
    data = MultiDict([(k, "P1DT2H" if k == "value-0" else v) for k, v in form_fields(page).items(multi=True)])
    assert office.post("/supervision/ladders/edit?name=default", data=data).status_code == 302
    assert rungs(app, "default")[0]["before_due"] == "P1DT2H"
    before = rungs(app, "default")
    page = spiral.page(office.get("/supervision/ladders/edit?name=default"))
    assert page.xpath("//input[@name='amount-0']/@value") == [""]  # not a number of days or hours: code only
    assert office.post("/supervision/ladders/edit?name=default", data=form_fields(page)).status_code == 302
    assert rungs(app, "default") == before
    data = MultiDict([(k, "150" if k == "amount-1" else v) for k, v in form_fields(page).items(multi=True)])
    bad = office.post("/supervision/ladders/edit?name=default", data=data)
    assert bad.status_code == 422 and "已用时间比例应在 0 到 1 之间" in bad.get_data(as_text=True)
    assert rungs(app, "default") == before
