"""Drive a cycle task by task as the people it is routed to.

Every step runs in a fresh database session: the open task is read from `human_task`, the workflow is
rebuilt from `ProcessInstance.state` by `complete_task`, and what the step changed is read back in yet
another session. So each step is a save and a reload.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.assembly import session_factory
from engine.audit import AuditEvent
from engine.definitions.specs import form_registry
from engine.org.people import find_person
from engine.parts import engine_of
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0

APPROVE = {"decision": "approve", "verdict": "passed"}
SEND_BACK = {"decision": "return", "verdict": "failed"}


def routed_to(task: HumanTask) -> str | frozenset[str]:
    """The assignee's username, or the usernames of the candidates when nobody is assigned."""
    if task.assignee is not None:
        assert not task.candidates, f"“{task.title}” has an assignee and candidates"
        return task.assignee.username
    return frozenset(p.username for p in task.candidates)


class Step(NamedTuple):
    """One completed task as it stood before completion; equal to a plain (title, stage, who) tuple."""

    title: str
    stage: str
    who: str | frozenset[str]


@dataclass
class Cycle:
    """A running cycle and what happened to it so far."""

    reader: Session
    sessions: sessionmaker[Session]
    instance_id: int
    now: datetime
    done_by: list[str] = field(default_factory=list)
    stages_after: list[str] = field(default_factory=list)
    versions: list[int] = field(default_factory=list)

    def instance(self) -> ProcessInstance:
        """The instance as stored now."""
        self.reader.commit()  # end any read transaction, so the next read sees the other sessions' commits
        self.reader.expire_all()
        return self.reader.get(ProcessInstance, self.instance_id)

    def open_task(self) -> HumanTask | None:
        """The cycle's single open task, read afresh; None once the cycle has ended."""
        self.reader.commit()
        self.reader.expire_all()
        rows = list(self.reader.scalars(select(HumanTask).where(HumanTask.instance_id == self.instance_id,
                                                                HumanTask.status == "open")))
        assert len(rows) <= 1, f"expected one open task, found {[t.title for t in rows]}"
        return rows[0] if rows else None

    def expect(self, title: str, stage: str, who: str | set[str]) -> HumanTask:
        """Assert what the open task is and to whom it is routed."""
        task = self.open_task()
        assert task is not None, f"the cycle ended; expected “{title}”"
        assert (task.title, task.stage, routed_to(task)) == (title, stage, who)
        return task

    def step(self, choices: dict[str, Any] | None = None, by: str | None = None) -> Step:
        """Complete the open task a day later as `by` (default: its assignee, else the first candidate).

        Runs in a fresh session and checks, in another, that the completion was saved and audited.
        """
        self.now += timedelta(days=1)
        with self.sessions() as session:
            instance = session.get(ProcessInstance, self.instance_id)
            (task,) = session.scalars(select(HumanTask).where(HumanTask.instance_id == self.instance_id,
                                                              HumanTask.status == "open"))
            assert instance.current_stage == task.stage, "the cycle's stage is not the open task's stage"
            seen, version = Step(task.title, task.stage, routed_to(task)), instance.version
            username = by or (seen.who if isinstance(seen.who, str) else sorted(seen.who)[0])
            form = form_registry(session).get(task.form_id)
            complete_task(session, find_person(session, username), task.id,
                          sample_answers(form, {**APPROVE, **(choices or {})}), self.now,
                          uploads=sample_uploads(form))
            task_id = task.id
        self._check_saved(task_id, username, version, claimed=not isinstance(seen.who, str))
        self.done_by.append(username)
        return seen

    def send_back(self) -> Step:
        """Return the open review (or fail the verification) instead of approving it."""
        return self.step(SEND_BACK)

    def _check_saved(self, task_id: int, username: str, version_before: int, claimed: bool) -> None:
        with self.sessions() as session:
            task = session.get(HumanTask, task_id)
            assert (task.status, task.completed_by.username, task.assignee.username) == \
                ("done", username, username)
            assert task.instance.version > version_before, "the step was not saved as a new version"
            actions = [(e.action, e.actor.username) for e in session.scalars(
                select(AuditEvent).where(AuditEvent.task_id == task_id).order_by(AuditEvent.id))]
            assert ("task.completed", username) in actions
            assert (("task.claimed", username) in actions) == claimed
            self.stages_after.append(task.instance.current_stage)
            self.versions.append(task.instance.version)

    def until(self, title: str) -> list[Step]:
        """Approve every task before the one titled `title`; the steps taken."""
        done = []
        while (task := self.open_task()) is not None and task.title != title:
            done.append(self.step())
        assert task is not None, f"the cycle ended before “{title}”"
        return done

    def approve_all(self) -> list[Step]:
        """Complete every remaining task, approving each review; the steps taken."""
        done = []
        while self.open_task() is not None:
            done.append(self.step())
        return done

    def process_stages(self) -> set[str]:
        """The stage codes the process's BPMN uses."""
        return {s["code"] for s in self.instance().definition.meta["stages"]}


class Cycles:
    """Starts cycles as the quality office director would."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sessions = session_factory(session.get_bind(), engine_of(session))

    def start(self, process_id: str, subject: str, period: str = "2025-2026-1",
              data: dict[str, Any] | None = None, at: datetime = T0) -> Cycle:
        with self.sessions() as session:
            director = find_person(session, "zhaohong")
            instance_id = start_cycle(session, director, process_id, subject, period, at, data).id
        return Cycle(self.session, self.sessions, instance_id, at)


@pytest.fixture
def cycles(session: Session) -> Cycles:
    return Cycles(session)
