"""Items 1 and 2: the cost of one task completion, side by side, and how it grows with a cycle's history.

(a) SpiffWorkflow alone, in memory: the floor.
(b) The naive store: the whole serialized workflow, spec included, in one SQLite row, loaded and saved around
    every completion (what SpiffWorkflow's example application does).
(c) Spiral's engine services on SQLite: `engine.tasks.complete_task` (routing, task table, audit, commit).
(f) The floor of a durable engine: (a) plus one durable commit of one row holding the task's answers (SQLite WAL,
    synchronous=FULL, as Spiral runs) — the least any engine that keeps what was done must pay.
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.definitions.deploy import latest_definition
from engine.definitions.sandbox import make_script_engine
from engine.definitions.specs import loaded_for
from engine.heap import settle
from engine.org.models import Person
from engine.org.people import find_person, person_by_id
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task

from .common import PERIOD, T0, CyclePath, CycleSpec, Timer, form_of, fresh_database, load_note, school_year, table

HISTORY_POINTS = (10, 100, 1000)
# The stores outside Spiral run the same conditions Spiral's processes hold (`value_of(...)`), in its sandbox.
SCRIPTS = make_script_engine()
MEASURED = 30  # completions timed at each history point (10 gave ratios from 0.65 to 1.56 across runs)


def _fake_refs(form: Any) -> dict[str, Any]:
    """What a filepicker field holds after an upload, for the stores that keep no files."""
    return {u.field: [{"evidence_id": 1, "filename": u.filename, "size": len(u.data),
                       "content_type": u.content_type}] for u in sample_uploads(form)} if form else {}


def _answers(form: Any, choices: dict[str, Any]) -> dict[str, Any]:
    return {**sample_answers(form, choices), **_fake_refs(form)} if form else {}


class Memory:
    """(a) SpiffWorkflow alone: workflows live in a dict."""

    name = "a"

    def __init__(self, specs: dict[str, Any]) -> None:
        self.specs, self.workflows = specs, {}

    def start(self, cycle: CycleSpec) -> None:
        loaded = self.specs[cycle.process_id]
        workflow = BpmnWorkflow(loaded.spec, loaded.subprocess_specs, script_engine=SCRIPTS)
        _init(workflow, cycle.initial_data())
        self.workflows[cycle.index] = workflow

    def next_form(self, cycle: CycleSpec) -> tuple[Any, bool] | None:
        ready = self.workflows[cycle.index].get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            return None
        return self.specs[cycle.process_id].meta["tasks"].get(ready[0].task_spec.bpmn_id, {}).get("form"), True

    def complete(self, cycle: CycleSpec, data: dict[str, Any], timer: Timer) -> str:
        with timer:
            done = self.step(cycle, data)
        return done

    def step(self, cycle: CycleSpec, data: dict[str, Any]) -> str:
        """Complete the cycle's ready task in memory and run on to the next wait; its BPMN id."""
        workflow = self.workflows[cycle.index]
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(data)
        task.run()
        workflow.refresh_waiting_tasks()
        workflow.do_engine_steps()
        return str(task.task_spec.bpmn_id)


def _init(workflow: BpmnWorkflow, data: dict[str, Any]) -> None:
    workflow.data.update(data)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    workflow.refresh_waiting_tasks()
    workflow.do_engine_steps()


class Naive:
    """(b) One SQLite row per workflow holding its full serialization (spec included)."""

    name = "b"

    def __init__(self, specs: dict[str, Any], folder: Path) -> None:
        self.specs = specs
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.db = sqlite3.connect(folder / "naive.sqlite", isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS workflow (id INTEGER PRIMARY KEY, process TEXT, state TEXT)")
        self.db.execute("DELETE FROM workflow")

    def start(self, cycle: CycleSpec) -> None:
        loaded = self.specs[cycle.process_id]
        workflow = BpmnWorkflow(loaded.spec, loaded.subprocess_specs, script_engine=SCRIPTS)
        _init(workflow, cycle.initial_data())
        self.db.execute("INSERT INTO workflow (id, process, state) VALUES (?, ?, ?)",
                        (cycle.index, cycle.process_id, self.serializer.serialize_json(workflow)))

    def next_form(self, cycle: CycleSpec) -> tuple[Any, bool] | None:
        (state,) = self.db.execute("SELECT state FROM workflow WHERE id = ?", (cycle.index,)).fetchone()
        ready = self.serializer.deserialize_json(state).get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            return None
        return self.specs[cycle.process_id].meta["tasks"].get(ready[0].task_spec.bpmn_id, {}).get("form"), True

    def complete(self, cycle: CycleSpec, data: dict[str, Any], timer: Timer) -> str:
        with timer:
            self.db.execute("BEGIN IMMEDIATE")
            (state,) = self.db.execute("SELECT state FROM workflow WHERE id = ?", (cycle.index,)).fetchone()
            workflow = self.serializer.deserialize_json(state)
            workflow.script_engine = SCRIPTS
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update(data)
            task.run()
            workflow.refresh_waiting_tasks()
            workflow.do_engine_steps()
            self.db.execute("UPDATE workflow SET state = ? WHERE id = ?",
                            (self.serializer.serialize_json(workflow), cycle.index))
            self.db.execute("COMMIT")
        return task.task_spec.bpmn_id


class Floor(Memory):
    """(f) SpiffWorkflow in memory plus one durable commit of one row with the task's answers."""

    name = "f"

    def __init__(self, specs: dict[str, Any], folder: Path) -> None:
        super().__init__(specs)
        self.db = sqlite3.connect(folder / "floor.sqlite", isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS done (id INTEGER PRIMARY KEY, cycle INTEGER, data TEXT)")
        self.db.execute("DELETE FROM done")

    def complete(self, cycle: CycleSpec, data: dict[str, Any], timer: Timer) -> str:
        with timer:
            done = self.step(cycle, data)
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("INSERT INTO done (cycle, data) VALUES (?, ?)",
                            (cycle.index, json.dumps(data, ensure_ascii=False, default=str)))
            self.db.execute("COMMIT")
        return done


class Spiral:
    """(c) Spiral's engine services on a SQLite file: one session per completion, as one web request."""

    name = "c"

    def __init__(self, sessions: Any) -> None:
        self.sessions, self.instances = sessions, {}
        with sessions() as session:
            self.director_id = find_person(session, "zhaohong").id

    def start(self, cycle: CycleSpec) -> None:
        with self.sessions() as session:
            instance = start_cycle(session, session.get(Person, self.director_id), cycle.process_id,
                                   cycle.subject_code, PERIOD, T0, dict(cycle.start_data) or None)
            self.instances[cycle.index] = instance.id

    def _open(self, cycle: CycleSpec) -> tuple[int, int, str] | None:
        with self.sessions() as session:
            task = session.scalars(select(HumanTask).where(HumanTask.instance_id == self.instances[cycle.index],
                                                           HumanTask.status == "open").order_by(HumanTask.id)).first()
            if task is None:
                return None
            actor = task.assignee or task.candidates[0]
            return task.id, actor.id, task.form_id

    def next_form(self, cycle: CycleSpec) -> tuple[Any, bool] | None:
        found = self._open(cycle)
        return (found[2], True) if found else None

    def complete(self, cycle: CycleSpec, data: dict[str, Any], timer: Timer) -> str:
        task_id, actor_id, form_id = self._open(cycle)  # what the inbox link gives the browser
        form = form_of(form_id)
        answers = {k: v for k, v in data.items() if not (form and k in form.file_fields)}
        uploads = sample_uploads(form) if form else []
        with timer, self.sessions() as session:
            task = complete_task(session, person_by_id(session, actor_id), task_id, answers, _now(timer),
                                 uploads=uploads)
            bpmn_id = task.bpmn_id
        return bpmn_id


def _now(timer: Timer) -> Any:
    from datetime import timedelta
    return T0 + timedelta(hours=len(timer.samples) + 1)


def run_year(store: Any, cycles: list[CycleSpec]) -> tuple[Timer, list[list[str]]]:
    """Start every cycle, then complete tasks round-robin until every cycle has ended."""
    for cycle in cycles:
        store.start(cycle)
    paths = {c.index: CyclePath(c.index) for c in cycles}
    done: list[list[str]] = [[] for _ in cycles]
    timer = Timer()
    running = list(cycles)
    while running:
        still = []
        for cycle in running:
            nxt = store.next_form(cycle)
            if nxt is None:
                continue
            form = form_of(nxt[0])
            done[cycle.index].append(store.complete(cycle, _answers(form, paths[cycle.index].choices(form)), timer))
            still.append(cycle)
        running = still
    return timer, done


def _specs(sessions: Any) -> dict[str, Any]:
    with sessions() as session:
        return {pid: loaded_for(session, latest_definition(session, pid)) for pid in
                ("school_cycle", "major_cycle", "course_cycle", "teacher_cycle", "student_cycle", "improvement")}


def bench_completion(folder: Path, copies: int) -> list[str]:
    """Item 1: ms per completion for (a), (b), (c) and the floor (f) on the same school year."""
    _, sessions = fresh_database(folder / "year", copies)
    with sessions() as session:
        cycles = school_year(session)
    specs = _specs(sessions)
    settle()  # what set-up loaded leaves the collector's full passes, as in a web worker (engine/heap.py)
    note = load_note()
    results = {}
    for store in (Memory(specs), Naive(specs, folder / "year"), Spiral(sessions), Floor(specs, folder / "year")):
        started = time.perf_counter()
        timer, done = run_year(store, cycles)
        results[store.name] = (timer, done, time.perf_counter() - started)
    assert results["a"][1] == results["b"][1] == results["c"][1] == results["f"][1], "the stores took different paths"
    n = len(results["a"][0].samples)
    a, b, c, f = (results[k][0] for k in "abcf")
    rows = [(f"({k}) {label}", len(results[k][0].samples), results[k][0].mean, results[k][0].pct(50),
             results[k][0].pct(95)) for k, label in
            (("a", "SpiffWorkflow in memory"), ("b", "naive store (whole workflow in a SQLite row)"),
             ("c", "Spiral engine services on SQLite"),
             ("f", "the floor: (a) + one durable commit of the answers (WAL, synchronous=FULL)"))]
    out = [table(f"1. One completion — {len(cycles)} cycles, {n} completions, same paths in all four ({note})",
                 ["store", "completions", "ms/completion", "p50 ms", "p95 ms"], rows)]
    out.append(table("1. Ratios", ["c/a (goal ≤ 2)", "b/c (goal ≥ 3)", "c/f (goal ≤ 5)"],
                     [(c.mean / a.mean, b.mean / c.mean, c.mean / f.mean)]))
    return out


def _history_run(store: Any, cycle: CycleSpec, points: tuple[int, ...]) -> dict[int, Timer]:
    """Loop return-for-revision; time MEASURED completions when the cycle holds each number of finished tasks."""
    store.start(cycle)
    path = CyclePath(cycle.index, always_return=True)
    finished, timers = 0, {}
    for point in points:
        scratch = Timer()
        while finished < point:
            form = form_of(store.next_form(cycle)[0])
            store.complete(cycle, _answers(form, path.choices(form)), scratch)
            finished += 1
        timers[point] = Timer()
        for _ in range(MEASURED):
            form = form_of(store.next_form(cycle)[0])
            store.complete(cycle, _answers(form, path.choices(form)), timers[point])
            finished += 1
    return timers


def bench_history(folder: Path, points: tuple[int, ...] = HISTORY_POINTS) -> list[str]:
    """Item 2: ms per completion at 10, 100, 1000 finished tasks in the same cycle."""
    _, sessions = fresh_database(folder / "history")
    specs = _specs(sessions)
    cycle = CycleSpec(0, "course_cycle", "C-PY", "程序设计基础(Python)", "course")
    note = load_note()
    runs: dict[str, dict[int, Timer]] = {}
    for store in (Memory(specs), Naive(specs, folder / "history"), Spiral(sessions)):
        runs[store.name] = _history_run(store, cycle, points)
    rows = []
    for point in points:
        rows.append((point, runs["a"][point].mean, runs["b"][point].mean, runs["c"][point].mean))
    first, last = points[0], points[-1]
    rows.append((f"{last} vs {first} (goal ≤ 1.5×)", runs["a"][last].mean / runs["a"][first].mean,
                 runs["b"][last].mean / runs["b"][first].mean, runs["c"][last].mean / runs["c"][first].mean))
    return [table(f"2. Growth with history — one course cycle looping return-for-revision, mean of {MEASURED} "
                  f"completions at each point ({note})",
                  ["finished tasks in the cycle", "(a) memory ms", "(b) naive ms", "(c) Spiral ms"], rows)]


Bench = Callable[..., list[str]]
