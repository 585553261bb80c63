"""Fixture forms for the forms package tests (no Flask anywhere)."""

from pathlib import Path

import pytest

from forms import FormDef, FormRegistry

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def registry() -> FormRegistry:
    return FormRegistry(FIXTURES)


@pytest.fixture
def review(registry: FormRegistry) -> FormDef:
    return registry.get("review")


@pytest.fixture
def improvement(registry: FormRegistry) -> FormDef:
    return registry.get("improvement")


@pytest.fixture
def valid_review() -> dict:
    """What a reviewer who filled everything in correctly submits, as JSON types."""
    return {
        "comment": "目标与标准基本一致。",
        "score": 85,
        "course_code": "JS1024",
        "verdict": "pass",
        "level": "A",
        "confirmed": True,
        "issues": ["goal"],
        "review_date": "2025-03-01",
        "contact": "王老师",
    }
