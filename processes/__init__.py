"""The shipped BPMN processes (school, major, course, teacher, student spirals and 整改), as package data.

Plain data: never imports flask, engine or web. Locate the files through this module, never relative to the
repository, so an installed Spiral (`pip install .`) finds them too.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["PROCESSES_DIR", "files", "path"]

PROCESSES_DIR = Path(__file__).resolve().parent


def files() -> list[Path]:
    """Every shipped .bpmn file, sorted by name."""
    return sorted(PROCESSES_DIR.glob("*.bpmn"))


def path(name: str) -> Path:
    """The shipped file `name` (`course.bpmn`, or just `course`)."""
    return PROCESSES_DIR / (name if name.endswith(".bpmn") else f"{name}.bpmn")
