"""Item 5: the org import (engine.org.imports.import_org) of a large school written to the template — 1,000
people and 3,000 holdings (and the units and subjects they need) — into a fresh database holding only the role
catalogue: the .xlsx read, the dry run, the import (one-time passwords included), the same file again (no
change), and a re-import with 100 people changed. Goal: the import under 10 s."""
from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.assembly import build_engine, session_factory
from engine.db.session import make_engine
from engine.org.catalogue import seed_roles
from engine.org.imports import import_org
from engine.org.workbook import read_org_workbook, write_workbook
from engine.tables import create_schema

from .common import table

NOW = datetime(2026, 2, 20, 9, 0)
PEOPLE, HOLDINGS = 1000, 3000


def school_rows(people: int = PEOPLE, holdings: int = HOLDINGS, renamed: int = 0) -> dict[str, list[tuple[Any, ...]]]:
    """A school of `people` staff in 10 departments × 5 offices × 10 courses each, holding `holdings` roles:
    every person 任课教师 of three courses (课程负责人 for the first of them when they are the first teacher)."""
    units: list[tuple[Any, ...]] = [("S", "大型职业学校", "学校", "", "")]
    courses = []
    for d in range(10):
        units.append((f"D{d}", f"第{d}系", "专业部", "S", ""))
        for o in range(5):
            units.append((f"D{d}O{o}", f"第{d}系第{o}教研室", "教研室", f"D{d}", ""))
            for c in range(10):
                code = f"D{d}O{o}C{c}"
                units.append((code, f"课程{code}", "课程", f"D{d}O{o}", ""))
                courses.append(code)
    staff = [(f"T{k:05d}", f"教师{k}" + ("（新）" if k < renamed else ""), courses[k % len(courses)][:4], "教职工",
              f"t{k}@big.example.edu.cn", "") for k in range(people)]
    held: list[tuple[Any, ...]] = []
    for k in range(people):
        for j in range(3):
            if len(held) < holdings:
                course = courses[(k + j * 167) % len(courses)]
                held.append((f"T{k:05d}", "任课教师" if j or k >= len(courses) else "课程负责人", course, None, None))
    subjects = [("课程", code, f"课程{code}", code, "") for code in courses]
    return {"单位": units, "人员": staff, "任职": held, "诊改对象": subjects}


def bench_import(folder: Path) -> list[str]:
    """Time the import of a 1,000-person, 3,000-holding workbook and print the table."""
    folder.mkdir(parents=True, exist_ok=True)
    db_engine = make_engine(f"sqlite:///{folder / 'import.sqlite'}")
    create_schema(db_engine)
    sessions = session_factory(db_engine, build_engine(upload_dir=folder / "uploads"))
    data = write_workbook(school_rows())
    changed = write_workbook(school_rows(renamed=100))
    rows = []

    def timed(label: str, work: Any) -> Any:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        rows.append((label, seconds, getattr(result, "total", "")))
        return result

    with sessions() as session:
        seed_roles(session)
        session.commit()
        sheets = timed("read the .xlsx (read_org_workbook)", lambda: read_org_workbook(data))
        timed("dry run (check and diff)", lambda: import_org(session, None, sheets, NOW, dry_run=True))
        first = timed("**import into an empty school (with one-time passwords)**",
                      lambda: import_org(session, None, read_org_workbook(data), NOW, dry_run=False))
        timed("the same file again (no change)", lambda: import_org(session, None, sheets, NOW, dry_run=False))
        timed("100 people renamed", lambda: import_org(session, None, read_org_workbook(changed), NOW,
                                                       dry_run=False))
    db_engine.dispose()
    counts = first.counts()
    title = (f"5. Org import — {len(sheets['单位'])} units, {counts['人员']['added']} people, "
             f"{counts['任职']['added']} holdings, {counts['诊改对象']['added']} subjects; SQLite (goal: import < 10 s)")
    return [table(title, ["step", "seconds", "rows changed"], rows)]
