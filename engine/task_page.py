"""The task page as one read: the task, its cycle, form, earlier answers, comments, evidence, active notices
and what the person may do; it composes the workflow and supervision rooms, so it sits above both."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import select, update
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.audit import AuditEvent
from engine.db.session import rowcount
from engine.definitions.models import ProcessDefinition
from engine.definitions.specs import form_registry, loaded_for
from engine.errors import NotAllowed
from engine.org.models import Person
from engine.org.people import unit_path
from engine.org.routing import data_value
from engine.quality.centre import StatusRow, subject_status
from engine.quality.goals import GoalNode, parent_options, previous_goals, reference
from engine.quality.goals_form import writes_goal
from engine.quality.library import indicators
from engine.quality.lines_form import suggested_names
from engine.supervision.models import ACTIVE, SupervisionNotice
from engine.supervision.notices import notices_for_task
from engine.workflow.access import can_view_instance, may_act, must_claim
from engine.workflow.cycles import timeline
from engine.workflow.drafts import task_draft
from engine.workflow.evidence import EvidenceItem, cycle_evidence
from engine.workflow.inbox import due_state, soon_until
from engine.workflow.instructions import BROKEN, rendered_instructions
from engine.workflow.models import Comment, HumanTask, ProcessInstance, TaskDraft
from engine.workflow.runtime import runtime_of
from engine.workflow.tasks import get_task, task_comments, task_context
from forms import FormDef


@dataclass
class TaskPage:
    """What the task page shows: the task and its cycle, the form with the answers to start from, the step
    before, comments, evidence, the notices still open, the cycle's timeline, and what the reader may do."""

    task: HumanTask
    cycle: ProcessInstance
    form: FormDef | None
    answers: dict[str, Any] | None  # earlier answers to this form (a returned or finished task); None: defaults
    instructions: Markup
    vocabulary: list[dict[str, str]]
    scope: str  # the org unit the task was routed in, as a path
    due: str  # "overdue", "soon", "ok" or "" (no deadline, not open)
    previous: HumanTask | None
    previous_form: FormDef | None
    comments: list[Comment]
    evidence: list[EvidenceItem]
    notices: list[SupervisionNotice]  # active ones only
    timeline: list[AuditEvent]
    may_act: bool
    must_claim: bool
    indicators: list[StatusRow]  # the subject's indicators this period, when the task asks (property indicators)
    suggestions: dict[str, list[tuple[str, str]]]  # choices offered to text fields (form-js property suggest)
    previous_goals: list[GoalNode]  # a goal form's subject's goals of the period before, with their attainment
    carried: list[tuple[HumanTask, FormDef | None]]  # the previous cycle's tasks of the stage named by carryOver
    draft: TaskDraft | None = None  # the reader's unsubmitted answers, kept on the server

    @property
    def unroutable_reason(self) -> str:
        """Why an unroutable task found nobody, in plain words (which role nobody holds from which unit up)."""
        if not self.task.unroutable:
            return ""
        for event in self.timeline:
            if event.task_id == self.task.id and event.action == "task.created":
                return str((event.after or {}).get("unroutable_reason") or event.summary.partition("：")[2])
        return ""


def task_page(session: Session, actor: Person, task_id: int, now: datetime) -> TaskPage:
    """The task page for `actor`; loads the cycle's workflow at most once (for an open task's data). Raises
    NotFound, NotAllowed (not involved in the cycle)."""
    task = get_task(session, task_id, with_cycle=True)
    cycle = task.instance
    if not can_view_instance(session, actor, cycle):
        raise NotAllowed(code="task.no_view")
    meta = loaded_for(session, cycle.definition).meta
    data = task_context(session, task)  # a returned task shows the answers it is asked to revise
    form = form_of(session, task)
    context = {"subject_name": cycle.subject.name, "period": cycle.period, **data}
    task_meta = meta["tasks"].get(task.bpmn_id, {})
    instructions, broken = rendered_instructions(task_meta.get("instructions", ""), context,
                                                 runtime_of(session).limits)
    if broken:
        _raise_incident(session, actor, task, broken, now)
    previous = _previous_step(session, task)
    return TaskPage(
        task=task, cycle=cycle, form=form,
        answers=_starting_answers(form, data, task_meta),
        instructions=instructions,
        vocabulary=meta.get("vocabulary") or [], scope=unit_path(session, task.scope_unit_id),
        due=due_state(task, now, soon_until(session, now)), previous=previous, previous_form=form_of(session, previous) if previous else None,
        comments=task_comments(session, task),
        evidence=cycle_evidence(session, cycle.id),
        notices=[n for n in notices_for_task(session, task.id) if n.status in ACTIVE],
        timeline=timeline(session, cycle),
        may_act=may_act(session, actor, task), must_claim=must_claim(session, actor, task),
        indicators=subject_status(session, cycle.subject, cycle.period)
        if task_meta.get("indicators") == "status" else [],
        suggestions=_suggestions(session, form, cycle),
        previous_goals=previous_goals(session, cycle.subject_id, cycle.period)
        if form is not None and writes_goal(form) else [],
        carried=_carried(session, cycle, task_meta.get("carry_over", "")),
        draft=task_draft(session, actor, task) if form is not None else None,
    )


def _carried(session: Session, cycle: ProcessInstance, stage: str) -> list[tuple[HumanTask, FormDef | None]]:
    """What the subject's previous cycle of the same process answered in `stage` (carry-over into this one)."""
    if not stage:
        return []
    previous = session.scalars(
        select(ProcessInstance).join(ProcessDefinition)
        .where(ProcessDefinition.process_id == cycle.definition.process_id,
               ProcessInstance.subject_id == cycle.subject_id, ProcessInstance.period < cycle.period,
               ProcessInstance.status != "cancelled")
        .order_by(ProcessInstance.period.desc(), ProcessInstance.id.desc()).limit(1)).first()
    if previous is None:
        return []
    done = session.scalars(select(HumanTask).where(HumanTask.instance_id == previous.id, HumanTask.stage == stage,
                                                   HumanTask.status == "done").order_by(HumanTask.id))
    return [(t, form_of(session, t)) for t in done]


def _suggestions(session: Session, form: FormDef | None, cycle: ProcessInstance) -> dict[str, list[tuple[str, str]]]:
    """The choices a form's text fields ask for: `indicators` (the library of the cycle's level) and `goals` (the
    goals one level up the chain this cycle's goal may support)."""
    wanted = suggested_names(form) if form is not None else set()
    found: dict[str, list[tuple[str, str]]] = {}
    if "indicators" in wanted:
        found["indicators"] = [(ind.code, f"{ind.name}（{ind.measure_unit or '—'}）")
                               for ind in indicators(session, cycle.subject.level)]
    if "goals" in wanted:
        found["goals"] = [(reference(g), f"{g.subject.name}：{g.title[:60]}")
                          for g in parent_options(session, cycle.subject, cycle.period)]
    return found


def _raise_incident(session: Session, actor: Person, task: HumanTask, reason: str, now: datetime) -> None:
    """Tell the quality office once that a task's instructions are broken: an incident on a running cycle that
    has none yet (the conditional UPDATE makes two readers at once record it once); commits."""
    if task.instance.incident or task.instance.status != "running":
        return  # told already (or the cycle has another incident waiting): a page view writes nothing
    message = f"任务“{task.title}”（{task.bpmn_id}）的{BROKEN}：{reason}。请在流程设计中修改办理说明后重试"
    changed = rowcount(session.execute(
        update(ProcessInstance).where(ProcessInstance.id == task.instance_id, ProcessInstance.incident == "",
                                      ProcessInstance.status == "running")
        .values(incident=message).execution_options(synchronize_session=False)))
    if changed:  # another reader may have told it a moment ago
        audit.record(session, actor, "instance.incident", now, instance=task.instance, task=task, summary=message)
    session.commit()


def form_of(session: Session, task: HumanTask) -> FormDef | None:
    """The form a task is filled in with, or None for a task without one."""
    return form_registry(session).get(task.form_id) if task.form_id else None


def _previous_step(session: Session, task: HumanTask) -> HumanTask | None:
    """The cycle's step finished last before this task came."""
    return session.scalars(
        select(HumanTask).where(HumanTask.instance_id == task.instance_id, HumanTask.status == "done",
                                HumanTask.id < task.id)
        .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc()).limit(1)).first()


def _starting_answers(form: FormDef | None, data: dict[str, Any], task_meta: dict[str, Any]) -> dict[str, Any] | None:
    """What the form starts from: the task's own answers (a returned task), else the answers the BPMN names by
    property `answers` (a chapter's sub-sections laid out for its department), else nothing."""
    if form is None:
        return None
    if any(f.key in data for f in form.fields):
        return data
    ref = str(task_meta.get("answers") or "").strip()
    if ref.startswith("${") and ref.endswith("}"):
        ref = ref[2:-1].strip()
    start = data_value(data, ref) if ref else None
    return dict(start) if isinstance(start, dict) else None

