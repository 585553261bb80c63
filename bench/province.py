"""Item 4: a province's data. 1,000,000 human_task rows (about 200 schools), bulk-inserted, not run.

Measures one person's inbox (engine.queries.inbox / inbox_counts), the supervisors' list and dashboard counts
(engine.supervision.list_notices / colour_counts, engine.supervision_reports.on_time_rates), and one tick
(engine.tick.run_tick) with 1,000 due among 1,000,000 open tasks and among 10,000 open tasks.
"""
from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from engine.db import cache as org_cache
from engine.heap import settle
from engine.org.models import Person
from engine.org.people import find_person
from engine.reporting.months import refresh_month_counts
from engine.supervision.notices import NoticeFilter, colour_counts, count_notices, list_notices
from engine.supervision.reports import on_time_rates
from engine.tick import run_tick
from engine.workflow.cycle_counts import recount
from engine.workflow.inbox import inbox, inbox_counts
from engine.workflow.models import HumanTask

from .common import SEED, Timer, fresh_database, load_note, table

ROWS = {"small": 100_000, "medium": 300_000, "large": 1_000_000}
SCHOOLS = {"small": 20, "medium": 60, "large": 200}
PEOPLE_PER_SCHOOL, SUBJECTS_PER_SCHOOL, TASKS_PER_CYCLE = 40, 30, 12
OPEN_SHARE, CANDIDATE_SHARE, NOTICE_SHARE = 0.05, 0.2, 0.01
NOW = datetime(2026, 11, 23, 10, 0)
DUE = 1000
REPEAT = 50


def _insert(conn: Any, table_name: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f"INSERT INTO {table_name} ({', '.join(columns)}) VALUES ({marks})", rows)


def _bulk(db_engine: Any, n_rows: int, schools: int) -> dict[str, Any]:
    """Schools, people, subjects, cycles, tasks, candidates and notices, inserted in bulk."""
    rng = random.Random(SEED)
    with db_engine.begin() as conn:
        definition_id = conn.execute(text("SELECT id FROM process_definition WHERE process_id = 'course_cycle' "
                                          "ORDER BY version DESC LIMIT 1")).scalar()
        unit0 = conn.execute(text("SELECT MAX(id) FROM unit")).scalar() + 1
        units, people, subjects = [], [], []
        for s in range(schools):
            school = unit0 + s * (1 + SUBJECTS_PER_SCHOOL)
            units.append((school, f"P{s}", f"省内学校{s}", "school", None))
            units += [(school + 1 + k, f"P{s}-C{k}", f"课程{k}", "course", school)
                      for k in range(SUBJECTS_PER_SCHOOL)]
        _insert(conn, "unit", ["id", "code", "name", "kind", "parent_id"], units)
        person0 = conn.execute(text("SELECT MAX(id) FROM person")).scalar() + 1
        for s in range(schools):
            school = unit0 + s * (1 + SUBJECTS_PER_SCHOOL)
            people += [(person0 + s * PEOPLE_PER_SCHOOL + k, f"p{s}_{k}", f"教师{s}-{k}", "", school,
                        "", "zh_CN", True, False) for k in range(PEOPLE_PER_SCHOOL)]
        _insert(conn, "person", ["id", "username", "name", "password_hash", "unit_id", "email", "locale",
                                 "active", "is_admin"], people)
        subject0 = conn.execute(text("SELECT MAX(id) FROM subject")).scalar() + 1
        for s in range(schools):
            school = unit0 + s * (1 + SUBJECTS_PER_SCHOOL)
            subjects += [(subject0 + s * SUBJECTS_PER_SCHOOL + k, f"P{s}-C{k}", f"课程{k}", "course",
                          school + 1 + k, None) for k in range(SUBJECTS_PER_SCHOOL)]
        _insert(conn, "subject", ["id", "code", "name", "level", "unit_id", "person_id"], subjects)
        n_cycles = n_rows // TASKS_PER_CYCLE
        instance0 = (conn.execute(text("SELECT MAX(id) FROM process_instance")).scalar() or 0) + 1
        periods = [f"{y}-{y + 1}-{t}" for y in range(2019, 2027) for t in (1, 2)]
        instances = []
        for i in range(n_cycles):
            s = i % schools
            subject = subject0 + s * SUBJECTS_PER_SCHOOL + (i // schools) % SUBJECTS_PER_SCHOOL
            instances.append((instance0 + i, definition_id, subject, periods[(i // (schools * SUBJECTS_PER_SCHOOL))
                                                                               % len(periods)],
                              "running", "goal", "[]", "{}", NOW - timedelta(days=200), None, None, "", None, 1))
        _insert(conn, "process_instance", ["id", "definition_id", "subject_id", "period", "status", "current_stage",
                                           "stages_done", "state", "started_at", "started_by_id", "completed_at",
                                           "incident", "next_timer_at", "version"], instances)
        task0 = (conn.execute(text("SELECT MAX(id) FROM human_task")).scalar() or 0) + 1
        columns = ["id", "instance_id", "spiff_task_id", "bpmn_id", "title", "stage", "role_name", "scope_unit_id",
                   "assignee_id", "unroutable", "form_id", "status", "created_at", "due_at", "completed_at",
                   "completed_by_id", "data", "rung", "ladder", "working_days", "next_rung_index", "next_rung_at",
                   "follow_up_at"]
        batch, candidates, open_ids = [], [], []
        for t in range(n_rows):
            i = t // TASKS_PER_CYCLE
            s = i % schools
            person = person0 + s * PEOPLE_PER_SCHOOL + rng.randrange(PEOPLE_PER_SCHOOL)
            created = NOW - timedelta(days=rng.randrange(1, 400), minutes=rng.randrange(1440))
            due = created + timedelta(days=10)
            is_open = rng.random() < OPEN_SHARE
            offered = is_open and rng.random() < CANDIDATE_SHARE
            assignee = None if offered else person
            if offered:
                candidates += [(task0 + t, person), (task0 + t, person0 + s * PEOPLE_PER_SCHOOL +
                                                     (person - person0 + 1) % PEOPLE_PER_SCHOOL)]
            if is_open:
                open_ids.append(task0 + t)
                created = NOW - timedelta(days=rng.randrange(0, 9), minutes=rng.randrange(1440))
                due = created + timedelta(days=10)
            batch.append((task0 + t, instance0 + min(i, n_cycles - 1), f"00000000-0000-0000-0000-{t:012d}",
                          "Task_course_goal", "制定课程建设目标", "goal", "课程负责人", unit0, assignee, False,
                          "course_goal", "open" if is_open else "done", created, due,
                          None if is_open else created + timedelta(days=rng.randrange(1, 14)),
                          None if is_open else person, "{}", "none", "default", False, 0,
                          created + timedelta(days=7) if is_open else None, None))
            if len(batch) == 50_000:
                _insert(conn, "human_task", columns, batch)
                batch = []
        if batch:
            _insert(conn, "human_task", columns, batch)
        _insert(conn, "task_candidate", ["task_id", "person_id"], candidates)
        notices = []
        for k, task_id in enumerate(rng.sample(open_ids, min(len(open_ids), int(n_rows * NOTICE_SHARE)))):
            notices.append((f"BENCH-{k}", rng.choice(("yellow", "orange", "red")), "黄色预警通知单", task_id,
                            instance0, None, None, unit0, None, None, "course", "2026-2027-1", "逾期未办",
                            NOW + timedelta(days=3), rng.choice(("open", "open", "extended", "closed")),
                            NOW - timedelta(days=rng.randrange(30)), None, 0, False))
        _insert(conn, "supervision_notice", ["number", "colour", "kind", "task_id", "instance_id", "issuing_unit_id",
                                             "supervisor_id", "responsible_unit_id", "responsible_person_id",
                                             "department_id", "level", "period", "matter", "deadline", "status",
                                             "issued_at", "closed_at", "reminders", "negative_list"], notices)
        org_cache.bump(conn)  # units and people were added behind the ORM's back
    return {"open": len(open_ids), "notices": len(notices), "person0": person0, "schools": schools,
            "candidates": len(candidates) // 2}


def _time(sessions: Any, fn: Any, repeat: int = REPEAT) -> Timer:
    timer = Timer()
    for k in range(repeat):
        with sessions() as session, timer:
            fn(session, k)
    return timer


def _tick_scenario(db_engine: Any, sessions: Any, open_count: int, first_task: int, total: int) -> tuple[float, Any]:
    """Make `open_count` tasks open (1,000 of them due now), the rest done; one tick; (ms, its counts)."""
    rng = random.Random(SEED + open_count)
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE human_task SET status = 'done', next_rung_at = NULL"))
        conn.execute(text("UPDATE human_task SET status = 'open', next_rung_index = 0, next_rung_at = :later, "
                          "due_at = :due, created_at = :created WHERE id < :upto"),
                     {"later": NOW + timedelta(days=3), "due": NOW + timedelta(days=10),
                      "created": NOW - timedelta(days=10), "upto": first_task + open_count})
        due_ids = rng.sample(range(first_task, first_task + open_count), DUE)
        conn.execute(text("UPDATE human_task SET next_rung_at = :now WHERE id = :id"),
                     [{"now": NOW - timedelta(minutes=1), "id": i} for i in due_ids])
        conn.execute(text("DELETE FROM notice_action"))
        conn.execute(text("DELETE FROM supervision_notice"))
        conn.execute(text("DELETE FROM scheduler_lock"))
    with db_engine.begin() as conn:  # the set-up rewrote every row: its WAL is not the tick's to checkpoint
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    settle()  # the bench's own objects out of the collector's passes, as `spiral scheduler` starts (engine/heap.py)
    with sessions() as session:
        started = time.perf_counter()
        result = run_tick(session, NOW)
        return (time.perf_counter() - started) * 1000, result


def bench_province(folder: Path, size: str) -> list[str]:
    """Item 4 at 1,000,000 rows (large) or fewer (small, medium)."""
    n_rows, schools = ROWS[size], SCHOOLS[size]
    db_engine, sessions = fresh_database(folder / "province")
    started = time.perf_counter()
    facts = _bulk(db_engine, n_rows, schools)
    with db_engine.begin() as conn:
        recount(conn)  # the rows went in as plain SQL, past the listener that keeps each cycle's counts
        conn.execute(text("ANALYZE"))
    with sessions() as session:
        refresh_month_counts(session, NOW)  # what the hourly tick keeps, so the ticks timed below are the minute's
    load_s = time.perf_counter() - started
    note = load_note()
    rng = random.Random(SEED)
    people = [facts["person0"] + rng.randrange(schools * PEOPLE_PER_SCHOOL) for _ in range(REPEAT)]
    with sessions() as session:
        supervisor_id = find_person(session, "zhouqiang").id
        first_task = session.query(HumanTask.id).order_by(HumanTask.id).first()[0]

    def person(session: Any, k: int) -> Person:
        return session.get(Person, people[k])

    rows = [
        ("inbox “我的待办” (inbox, mine)", _time(sessions, lambda s, k: inbox(s, person(s, k), "mine", NOW))),
        ("inbox “待认领” (inbox, claimable)",
         _time(sessions, lambda s, k: inbox(s, person(s, k), "claimable", NOW))),
        ("inbox tab counts (inbox_counts, 5 tabs)", _time(sessions, lambda s, k: inbox_counts(s, person(s, k), NOW))),
        ("supervisors' list, active, first page of 50 (list_notices + count_notices)",
         _time(sessions, lambda s, k: (list_notices(s, s.get(Person, supervisor_id), NoticeFilter(), NOW, limit=50),
                                       count_notices(s, s.get(Person, supervisor_id), NoticeFilter(), NOW)), 10)),
        ("dashboard colour counts (colour_counts)",
         _time(sessions, lambda s, k: colour_counts(s, s.get(Person, supervisor_id)), 10)),
        ("dashboard on-time rates by department (on_time_rates)",
         _time(sessions, lambda s, k: on_time_rates(s, "department", NOW), 5)),
    ]
    out = [table(f"4. A province's data — {n_rows:,} human_task rows, {schools} schools, "
                 f"{facts['open']:,} open ({facts['candidates']:,} offered to 2 candidates), "
                 f"{facts['notices']:,} notices; bulk load {load_s:.0f} s; SQLite ({note})",
                 ["query", "runs", "p50 ms", "p95 ms", "mean ms"],
                 [(label, len(t.samples), t.pct(50), t.pct(95), t.mean) for label, t in rows])]
    ticks = []
    for open_count in (n_rows, max(DUE * 10, n_rows // 100)):
        ms, result = _tick_scenario(db_engine, sessions, open_count, first_task, n_rows)
        ticks.append((f"{open_count:,} open, {DUE:,} due", ms, result.get("rungs"), result.get("timers")))
    out.append(table(f"4. One tick (engine.tick.run_tick) — each due task fires one rung (a yellow notice and its "
                     f"notifications), one commit per batch of 1,000 tasks ({load_note()})",
                     ["open tasks", "tick ms (goal ≤ 300 at 1M/1,000)", "rungs fired", "timers fired"], ticks))
    return out
