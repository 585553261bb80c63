"""A rung's trigger shown as a number and unit, and back to its stored code."""
from __future__ import annotations

import pytest

from engine.supervision.rung_form import same_when, when_code, when_parts


@pytest.mark.parametrize(("rung", "parts"), [
    ({"elapsed": 0.85}, ("elapsed", "85", "")), ({"before_due": "P1D"}, ("before_due", "1", "days")),
    ({"after_due": "PT4H"}, ("after_due", "4", "hours")), ({"after_due": "P1DT2H"}, ("after_due", "", "")),
    ({}, ("elapsed", "", ""))])
def test_a_stored_trigger_is_shown_as_a_number_and_unit(rung, parts):
    assert when_parts(rung) == parts


def test_the_number_and_unit_become_the_stored_code():
    assert when_code("elapsed", "85", "") == 0.85 and when_code("before_due", "2", "days") == "P2D"
    assert when_code("after_due", "4", "hours") == "PT4H" and when_code("after_due", "", "days") == ""
    assert when_code("after_due", "1.5", "days") == "P1.5D"  # refused by validate_rungs with its own sentence
    assert same_when("elapsed", 0.7, "0.7") and same_when("before_due", "P1D", "PT24H")
    assert not same_when("before_due", "P1D", "P2D")
