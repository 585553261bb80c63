"""What the workflow room tells the rooms above it (engine/bus.py): a task opened, closed or changed hands.

Handlers are wired in engine/assembly.py: the supervision room schedules a new task's ladder (before its row is
written) and settles a closed task's notices; the notify room tells the people who got a task.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.org.models import Person
from forms import FormDef

from .models import HumanTask, ProcessInstance


@dataclass(frozen=True)
class TaskOpening:
    """A task row is about to be written (it has no id yet): `escalation` names its ladder ("" = the default).
    What a handler sets on the row is written with it."""

    task: HumanTask
    escalation: str = ""


@dataclass(frozen=True)
class TaskOpened:
    """A task row was written (it has its id); `tell` who to notify; `repeats`: its step was done before in the
    cycle (sent back for revision, or a step that repeats itself)."""

    task: HumanTask
    instance: ProcessInstance
    actor: Person | None
    now: datetime
    tell: list[int] = field(default_factory=list)
    repeats: bool = False


@dataclass(frozen=True)
class TaskClosed:
    """A task left the open state: `outcome` is done or cancelled; `note` says why, for its notices."""

    task: HumanTask
    actor: Person | None
    now: datetime
    outcome: str
    note: str


@dataclass(frozen=True)
class TaskHandedOver:
    """A task (or the offer to claim it) went to `person_id`, a substitute."""

    task: HumanTask
    instance: ProcessInstance
    person_id: int
    now: datetime


@dataclass(frozen=True)
class TaskCompleting:
    """A task's validated answers are about to be given to its workflow: a handler may add what the engine knows
    to `data` (the latest value of the indicator an improvement is about) or record what it holds (a field bound
    to an indicator); raising refuses the completion and rolls it back."""

    task: HumanTask
    instance: ProcessInstance
    actor: Person | None
    data: dict[str, Any]
    form: FormDef | None  # the form the answers were validated against (None: a task without a form)
    now: datetime
    context: dict[str, Any] = field(default_factory=dict)  # what the task saw (a multi-instance task's item)


@dataclass(frozen=True)
class CycleFinished:
    """A cycle's workflow reached its end (all its tasks done)."""

    instance: ProcessInstance
    now: datetime


@dataclass(frozen=True)
class TaskClaimed:
    """A candidate claimed a task offered to several people."""

    task: HumanTask
    now: datetime
