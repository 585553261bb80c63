"""Item 3: completions per second through the real app, served by gunicorn with two workers on loopback."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from engine.org.models import Person
from engine.org.people import find_person
from engine.workflow.cycles import start_cycle

from .common import PERIOD, T0, fresh_database, load_note, percentile, school_year, table

SETTINGS = {"small": (2, 20), "medium": (6, 40), "large": (12, 60)}  # subject copies, seconds of load
VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(folder: Path, copies: int, url: str | None) -> tuple[str, list[str]]:
    """A database with a school year of cycles started; the people who hold their first tasks."""
    if url:
        from engine.db import make_engine
        from engine.tables import drop_schema
        drop_schema(make_engine(url))
    db_engine, sessions = fresh_database(folder, copies, url)
    with sessions() as session:
        director = find_person(session, "zhaohong")
        for cycle in school_year(session):
            start_cycle(session, director, cycle.process_id, cycle.subject_code, PERIOD, T0,
                        dict(cycle.start_data) or None)
        people = [p for p in session.scalars(select(Person)) if p.username != "admin"]
        # candidates claim in the browser too, but two people racing for one task is not what we measure:
        # give every offered task to its first candidate, as if they had claimed it.
        session.execute(text("UPDATE human_task SET assignee_id = (SELECT MIN(person_id) FROM task_candidate "
                             "WHERE task_id = human_task.id) WHERE assignee_id IS NULL"))
        session.commit()
        load = dict(session.execute(text("SELECT assignee_id, COUNT(*) FROM human_task WHERE status = 'open' "
                                         "GROUP BY assignee_id")).all())
    # busiest first: a run with few people at a time takes those who have the most to do
    users = [p.username for p in sorted(people, key=lambda p: (-load.get(p.id, 0), p.username))]
    url = url or str(db_engine.url)
    db_engine.dispose()
    return url, users


def _rss_mb(pid: int) -> tuple[float, float]:
    """(peak RSS of the largest process, sum of peak RSS) of the gunicorn master and its workers, in MB."""
    pids = [pid] + [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(int(p)) == pid]
    peaks = []
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            pass
    return max(peaks, default=0.0), sum(peaks)


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _serve(folder: Path, url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DATABASE_URL=url, SPIRAL_INSTANCE=str(folder / "instance"), SECRET_KEY="bench")
    log = open(folder / "gunicorn.log", "wb")  # noqa: SIM115 - gunicorn writes to it after we return
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                               "--timeout", "120", "--log-level", "warning", "web:create_app()"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"gunicorn did not start; see {folder / 'gunicorn.log'}")


def measure(folder: Path, size: str, url: str | None, label: str, at_once: int = 0) -> tuple[Any, ...]:
    """One run: prepare, serve, drive from another process, stop; a row of the table.

    `at_once` people at a time (0: everybody, each completing their tasks one after another)."""
    copies, seconds = SETTINGS[size]
    url, users = _prepare(folder, copies, url)
    users = users[:at_once] if at_once else users
    port = _free_port()
    server = _serve(folder, url, port)
    try:
        note = load_note()
        driver = subprocess.run([sys.executable, "-m", "bench.driver", f"http://127.0.0.1:{port}", url,
                                 str(seconds), ",".join(users)], capture_output=True, text=True,
                                cwd=Path(__file__).resolve().parent.parent, timeout=seconds + 600)
        if driver.returncode != 0:
            raise RuntimeError(driver.stderr[-3000:])
        result = json.loads(driver.stdout.strip().splitlines()[-1])
        peak, total = _rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    ms = result["ms"]
    rate = len(ms) / (result.get("busy") or result["elapsed"])  # over the time there was work to do
    errors = ", ".join(f"{k}×{v}" for k, v in result["errors"].items()) or "none"
    return (label, len(ms), rate, percentile(ms, 50), percentile(ms, 95), percentile(ms, 99), peak, total,
            errors, note)


def _postgres_url(explicit: str | None) -> str | None:
    return explicit or os.environ.get("SPIRAL_TEST_POSTGRES_URL") or None


def bench_http(folder: Path, size: str, postgres: str | None = None) -> list[str]:
    """Item 3, on SQLite and (when a server is given) PostgreSQL."""
    rows = [measure(folder / "http-sqlite", size, None, "SQLite (WAL), everybody at once"),
            measure(folder / "http-sqlite-2", size, None, "SQLite (WAL), 2 people at a time", at_once=2)]
    pg = _postgres_url(postgres)
    if pg:
        rows.append(measure(folder / "http-pg", size, pg, "PostgreSQL, everybody at once"))
    copies, seconds = SETTINGS[size]
    return [table(f"3. Through HTTP — gunicorn, 2 sync workers, loopback; POST /tasks/<id>/complete with a "
                  f"login session and CSRF token, as the page posts it (an evidence file where the form has a file "
                  f"field); driver in its own process, one thread per person ({seconds} s, {copies}× the demo "
                  f"school's subjects)",
                  ["database", "completions", "completions/s", "p50 ms", "p95 ms", "p99 ms",
                   "peak RSS of one process MB", "peak RSS, master + workers MB", "errors", "load at start"],
                  rows)]
