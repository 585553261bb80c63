"""Odd numbers in a query are answered 400 with a sentence, never a 500."""
from __future__ import annotations

import pytest

HUGE = "9" * 25


@pytest.mark.parametrize("path,params", [
    ("/cycles", {"version": HUGE}), ("/cycles", {"page": "-" + HUGE}), ("/supervision", {"age": HUGE}),
    ("/supervision", {"department": HUGE}), ("/supervision/export.xlsx", {"department": "-" + HUGE}),
    ("/supervision/calendar", {"year": "0"}), ("/supervision/calendar", {"year": "99999"}),
    ("/supervision/calendar", {"year": "abc"}), ("/studio/processes/course_cycle", {"from": HUGE}),
])
def test_an_odd_number_in_the_query_is_a_400_with_a_sentence(spiral, path, params):
    response = spiral.client_for("zhaohong").get(path, query_string=params)
    assert response.status_code == 400
    assert "之间的整数" in response.get_data(as_text=True)


def test_ordinary_numbers_still_work(spiral):
    office = spiral.client_for("zhaohong")
    assert office.get("/supervision/calendar", query_string={"year": "2026"}).status_code == 200
    assert office.get("/cycles", query_string={"page": "2", "version": ""}).status_code == 200


@pytest.mark.parametrize("remove", ["' OR 1=1 --", "1e9", HUGE])
def test_an_odd_closure_to_remove_is_a_400_with_a_sentence(spiral, remove):
    response = spiral.client_for("zhaohong").post("/supervision/calendar", data={"remove": remove})
    assert response.status_code == 400
    assert "之间的整数" in response.get_data(as_text=True)
