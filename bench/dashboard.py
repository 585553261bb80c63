"""Item 8 (the reports issue): the 驾驶舱's queries at a province's size — item 4's 1,000,000 human_task rows
(bench/province.py's generator) and 100,000 indicator values over those schools' course subjects (1 in 20 a
warning, 1 in 20 corrected by a newer value), with a goal chain (a goal per school, one per course beneath it).

Each figure is timed on its own (engine.reporting.dashboard's functions; the first call apart: the on-time trend
counts the ended months once per process, then moves them by the completions since), then the whole dashboard
recounted and the whole dashboard as the page reads it within the minute (kept per process) — by a fresh process
on the built database, as a web worker reads it."""
from __future__ import annotations

import multiprocessing
import os
import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from engine.assembly import build_engine, session_factory
from engine.db.session import make_engine
from engine.heap import settle
from engine.org.models import Person
from engine.org.people import find_person
from engine.quality.library import IndicatorFields, save_indicator
from engine.reporting import dashboard as board
from engine.reporting.months import refresh_month_counts
from engine.workflow.cycle_counts import recount

from .common import SEED, T0, Timer, fresh_database, load_note, table
from .province import NOW, ROWS, SCHOOLS, _bulk, _insert

VALUES = {"small": 20_000, "medium": 50_000, "large": 100_000}
INDICATORS = 10
PERIODS = ("2025-2026-1", "2025-2026-2", "2026-2027-1")
REPEAT = 20


def _values(db_engine: Any, sessions: Any, n_values: int) -> dict[str, int]:
    """10 course indicators, `n_values` values over the province's course subjects, and a goal chain."""
    with sessions() as session:
        for n in range(INDICATORS):
            save_indicator(session, None, IndicatorFields(
                code=f"K-{n:02d}", name=f"课程指标{n:02d}", level="course", direction="higher", aim=95, standard=90,
                warning=85, measure_unit="%", responsible_role="课程负责人"), T0)
        session.commit()
    rng = random.Random(SEED + 8)
    with db_engine.begin() as conn:
        indicators = [i for (i,) in conn.execute(text("SELECT id FROM indicator WHERE code LIKE 'K-%' ORDER BY id"))]
        subjects = [s for (s,) in conn.execute(text("SELECT id FROM subject WHERE code LIKE 'P%-C%' ORDER BY id"))]
        value0 = (conn.execute(text("SELECT MAX(id) FROM indicator_value")).scalar() or 0) + 1
        columns = ["id", "indicator_id", "subject_id", "period", "value", "measured_on", "source", "origin", "status",
                   "aim", "standard", "warning", "replaces_id", "reason", "task_id", "entered_at", "entered_by_id"]
        rows, bad = [], 0
        k = 0
        while len(rows) < n_values:
            period = PERIODS[(k // (len(subjects) * INDICATORS)) % len(PERIODS)]
            subject = subjects[(k // INDICATORS) % len(subjects)]
            indicator = indicators[k % INDICATORS]
            warn = rng.random() < 0.05
            value = 86.0 if warn else 92.0
            rows.append((value0 + len(rows), indicator, subject, period, value, date(2026, 1, 10), "教务科", "import",
                         "warning" if warn else "pass", 95, 90, 85, None, "", None, T0, None))
            if rng.random() < 0.05 and len(rows) < n_values:  # a correction: the newer value replaces it
                replaced = rows[-1][0]
                rows.append((value0 + len(rows), indicator, subject, period, 93.0, date(2026, 1, 20), "教务科", "page",
                             "pass", 95, 90, 85, replaced, "更正", None, T0, None))
            bad += warn
            k += 1
        _insert(conn, "indicator_value", columns, rows)
        goal0 = (conn.execute(text("SELECT MAX(id) FROM goal")).scalar() or 0) + 1
        schools = [u for (u,) in conn.execute(text("SELECT id FROM subject WHERE code LIKE 'P%-C0' ORDER BY id"))]
        goals, measures, parents = [], [], {}
        for n, subject in enumerate(schools):
            parents[subject] = goal0 + n
            goals.append((goal0 + n, subject, "2025-2026", f"学校目标{n}", None, 1.0, T0))
        course_goals = subjects[: len(schools) * 10]
        for n, subject in enumerate(course_goals):
            goal_id = goal0 + len(schools) + n
            goals.append((goal_id, subject, "2025-2026-1", f"课程目标{n}", goal0 + n // 10, 1.0, T0))
            measures.append((goal_id, indicators[n % INDICATORS], 1.0, None))
        _insert(conn, "goal", ["id", "subject_id", "period", "title", "parent_id", "weight", "created_at"], goals)
        _insert(conn, "goal_indicator", ["goal_id", "indicator_id", "weight", "target"], measures)
    return {"values": len(rows), "warnings": bad, "goals": len(goals)}


def _time(sessions: Any, fn: Any, repeat: int = REPEAT) -> Timer:
    timer = Timer()
    for k in range(repeat):
        with sessions() as session, timer:
            fn(session, k)
    return timer


def _timer(samples: list[float]) -> Timer:
    timer = Timer()
    timer.samples = samples
    return timer


def _read_figures(folder: Path, principal_id: int, goals: int) -> list[tuple[str, list[float]]]:
    """Each figure timed on its own, then the whole dashboard: run in a fresh process on the built database."""
    db_engine = make_engine(f"sqlite:///{folder / 'spiral.sqlite'}")
    sessions = session_factory(db_engine, build_engine(upload_dir=folder / "uploads"))
    settle()  # as a web worker does at the end of its start-up (engine/heap.py)

    def who(session: Any) -> Person:
        person = session.get(Person, principal_id)
        assert person is not None
        return person

    year = "2025-2026"
    rows = [
        ("a worker's first dashboard (its connection and page cache cold)",
         _time(sessions, lambda s, k: board.dashboard(s, who(s), NOW, year=year, fresh=True), 1)),
        ("cycles by level and stage (cycles_by_stage)", _time(sessions, lambda s, k: board.cycles_by_stage(s, who(s), NOW))),
        ("on-time rate by department (on_time_by_department = on_time_rates)",
         _time(sessions, lambda s, k: board.on_time_by_department(s, who(s), NOW))),
        ("on-time rate by month, 12 months (on_time_trend)",
         _time(sessions, lambda s, k: board.on_time_trend(s, who(s), NOW + timedelta(seconds=k)))),
        ("open 督办 by colour (open_notices = colour_counts)", _time(sessions, lambda s, k: board.open_notices(s, who(s)))),
        ("warnings by indicator (warnings_by_indicator)",
         _time(sessions, lambda s, k: board.warnings_by_indicator(s, who(s)))),
        (f"goal chain, {goals:,} goals (goal_figures)",
         _time(sessions, lambda s, k: board.goal_figures(s, who(s), year))),
        ("plan progress (plan_figures)", _time(sessions, lambda s, k: board.plan_figures(s, who(s), NOW))),
        ("the whole dashboard, recounted (dashboard fresh=True)",
         _time(sessions, lambda s, k: board.dashboard(s, who(s), NOW, year=year, fresh=True), 5)),
        ("the whole dashboard within the minute (dashboard, kept)",
         _time(sessions, lambda s, k: board.dashboard(s, who(s), NOW + timedelta(seconds=k), year=year))),
    ]
    db_engine.dispose()
    return [(label, timer.samples) for label, timer in rows]


def bench_dashboard(folder: Path, size: str) -> list[str]:
    """The dashboard's queries among item 4's task rows and `VALUES[size]` indicator values."""
    n_rows, schools = ROWS[size], SCHOOLS[size]
    db_engine, sessions = fresh_database(folder / "dashboard")
    started = time.perf_counter()
    facts = _bulk(db_engine, n_rows, schools)
    quality = _values(db_engine, sessions, VALUES[size])
    with db_engine.begin() as conn:
        recount(conn)
        conn.execute(text("ANALYZE"))
    with sessions() as session:
        refresh_month_counts(session, NOW)  # the ended months, as the hourly tick keeps them
    with db_engine.begin() as conn:  # the bulk load wrote the WAL in one go; a server's checkpoints keep it short
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    load_s = time.perf_counter() - started
    with sessions() as session:
        principal_id = find_person(session, "wangjianguo").id
    db_engine.dispose()
    os.sync()  # the kernel writes the freshly built file out now, not while the figures are timed
    # read by a fresh process, as a web worker reads a database it did not build (the builder's heap of a
    # million rows' worth of objects is no worker's)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        timed = pool.apply(_read_figures, (folder / "dashboard", principal_id, quality["goals"]))
    rows = [(label, _timer(samples)) for label, samples in timed]
    return [table(f"8. The 驾驶舱 — {n_rows:,} human_task rows, {schools} schools, {facts['notices']:,} notices; "
                  f"{quality['values']:,} indicator values ({quality['warnings']:,} warnings); data built in "
                  f"{load_s:.0f} s; SQLite ({load_note()})",
                  ["query", "runs", "first ms", "p50 ms", "p95 ms (goal ≤ 50)", "mean ms"],
                  [(label, len(t.samples), t.samples[0], t.pct(50), t.pct(95), t.mean) for label, t in rows])]


if __name__ == "__main__":  # pragma: no cover
    import sys
    import tempfile
    with tempfile.TemporaryDirectory(prefix="spiral-bench-") as tmp:
        bench_dashboard(Path(tmp), sys.argv[1] if len(sys.argv) > 1 else "small")
