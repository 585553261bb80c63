"""What every benchmark shares: the generated school year, a fresh database, timing and table printing."""
from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from engine.assembly import build_engine, session_factory
from engine.db.session import make_engine
from engine.demo.school import deploy_shipped, seed_org
from engine.org.models import Subject
from engine.tables import create_schema
from forms import default_registry

T0 = datetime(2025, 9, 1, 9, 0)
PERIOD = "2025-2026-1"
SEED = 20261123
RETURN_RATE = 0.25     # how often a review sends the work back (or a verification fails)
MAX_RETURNS = 3        # per cycle, so every cycle ends
SIZES = {"small": 1, "medium": 4, "large": 12}  # copies of the demo school's 24 subjects
IMPROVEMENT_START = {"responsible_role": "课程负责人", "problem": "课程合格率低于预警值，需制定整改措施。",
                     "source": "warning"}


@dataclass
class CycleSpec:
    """One cycle of the school year: a process for a subject, and the dice that choose its path."""

    index: int
    process_id: str
    subject_code: str
    subject_name: str
    level: str
    start_data: dict[str, Any] = field(default_factory=dict)

    def initial_data(self) -> dict[str, Any]:
        """The data start_cycle gives a new workflow."""
        return {"subject_code": self.subject_code, "subject_name": self.subject_name,
                "subject_level": self.level, "period": PERIOD, **self.start_data}


class CyclePath:
    """The random path of one cycle: each review returns with RETURN_RATE, at most MAX_RETURNS times."""

    def __init__(self, cycle_index: int, always_return: bool = False) -> None:
        self.rng = random.Random(SEED * 1000 + cycle_index)
        self.returns = 0
        self.always_return = always_return

    def choices(self, form: Any) -> dict[str, Any]:
        """The decision for the next task of this cycle whose form is `form` (None: no form)."""
        keys = {c.key for c in form.fields} if form is not None else set()
        if not keys & {"decision", "verdict"}:
            return {}
        back = self.always_return or (self.returns < MAX_RETURNS and self.rng.random() < RETURN_RATE)
        self.returns += back
        return {"decision": "return", "verdict": "failed"} if back else {"decision": "approve",
                                                                          "verdict": "passed"}


def add_copies(session: Session, copies: int) -> None:
    """Make `copies` - 1 more of every demo subject (same unit and person, so routing is the same)."""
    originals = list(session.query(Subject).order_by(Subject.id))
    for k in range(2, copies + 1):
        for s in originals:
            session.add(Subject(code=f"{s.code}-{k}", name=f"{s.name}{k}", level=s.level, unit_id=s.unit_id,
                                person_id=s.person_id))
    session.commit()


def school_year(session: Session) -> list[CycleSpec]:
    """Every subject × its level's shipped process, plus one improvement (整改) per course."""
    specs: list[CycleSpec] = []
    for s in session.query(Subject).order_by(Subject.id):
        specs.append(CycleSpec(len(specs), f"{s.level}_cycle", s.code, s.name, s.level))
        if s.level == "course":
            specs.append(CycleSpec(len(specs), "improvement", s.code, s.name, s.level, dict(IMPROVEMENT_START)))
    return specs


def fresh_database(folder: Path, copies: int = 1, url: str | None = None) -> tuple[Any, Any]:
    """A new database with the demo org (× copies of its subjects) and the shipped processes deployed."""
    folder.mkdir(parents=True, exist_ok=True)
    db_engine = make_engine(url or f"sqlite:///{folder / 'spiral.sqlite'}")
    create_schema(db_engine)
    sessions = session_factory(db_engine, build_engine(upload_dir=folder / "uploads"))
    with sessions() as session:
        seed_org(session)
        deploy_shipped(session, T0)
        add_copies(session, copies)
    return db_engine, sessions


def forms() -> Any:
    """The shipped forms (what the bench's engines use)."""
    return default_registry()


def form_of(form_id: str | None) -> Any:
    """The form definition with this id, or None."""
    return forms().get(form_id) if form_id else None


class Timer:
    """Collects durations in milliseconds."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def __enter__(self) -> Timer:
        self._t = time.perf_counter()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.samples.append((time.perf_counter() - self._t) * 1000)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples) if self.samples else float("nan")

    def pct(self, q: float) -> float:
        return percentile(self.samples, q)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def table(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table (printed and pasted into bench/README.md)."""
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.2f}" if abs(v) < 100 else f"{v:.0f}"
        return str(v)
    rows = [[cell(v) for v in r] for r in rows]
    out = [f"\n### {title}\n", "| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    text = "\n".join(out)
    print(text, flush=True)
    return text


def load_note() -> str:
    """The machine's load when a measurement starts (other agents share the 2 cores)."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min) {five:.2f} (5 min), {os.cpu_count()} cores"
