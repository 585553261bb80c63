"""The quality office's studio: start a cycle, deploy a process; nobody else gets in."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from engine.definitions.models import ProcessDefinition
from web.extensions import db

START = {"process_id": "course_cycle", "subject": "C-PLC", "period": "2025-2026-1", "action": "start"}


@pytest.fixture
def office(spiral):
    """赵红, 质量办主任."""
    return spiral.client_for("zhaohong")


def test_quality_office_starts_a_course_cycle_and_lands_on_its_page(spiral, office):
    assert office.get("/studio/start").status_code == 200

    response = office.post("/studio/start", data=START)

    assert response.status_code == 302
    assert "/cycles/" in response.headers["Location"]
    cycle = office.get(response.headers["Location"])
    assert cycle.status_code == 200
    assert "PLC技术应用" in cycle.get_data(as_text=True)


def test_starting_the_same_cycle_twice_is_refused(office):
    office.post("/studio/start", data=START)

    response = office.post("/studio/start", data=START)

    assert response.status_code == 409
    assert "已经启动" in response.get_data(as_text=True)


def test_badly_written_period_is_refused_next_to_the_field(spiral, office):
    response = office.post("/studio/start", data={**START, "period": "2025秋"})

    assert response.status_code == 422
    tree = spiral.page(response)
    (error,) = tree.xpath('//input[@name="period"]/following-sibling::div[@class="field-error"]')
    assert "2025-2026-1" in error.text_content()


def test_course_lead_cannot_open_the_studio(spiral):
    response = spiral.client_for("chenxiaoyu").get("/studio/start")

    assert response.status_code == 403


def _definitions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ProcessDefinition.id)))


def test_malformed_bpmn_is_not_deployed_and_the_problem_is_listed(app, spiral, office):
    before = _definitions(app)
    broken = (b"<?xml version='1.0'?>"  # the definitions element is never closed
              b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>")

    response = office.post("/studio/processes", data={"files": (io.BytesIO(broken), "broken.bpmn")},
                           content_type="multipart/form-data")

    assert response.status_code == 422
    problems = spiral.page(response).xpath('//ul[@class="problems"]/li/text()')
    assert problems and "broken.bpmn" in problems[0]
    assert _definitions(app) == before
