"""Feedback questionnaires: any form-js form marked `"properties": {"questionnaire": "true"}` (shipped:
parent_school_feedback, satisfaction_survey), chosen per event and so reused across events and years.

Someone who signed in answers once; when the event is anonymous the answer keeps no trace of who gave it (no
person, no sign-in, only the day). Results: counts per choice and the written answers."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.definitions.specs import form_registry, get_form
from engine.errors import Conflict, InvalidInput, NotAllowed
from forms import FormDef, FormNotFound, validate_submission

from .models import ActivityEvent, ActivitySignIn, FeedbackResponse

OPEN_AFTER_END = timedelta(days=7)
CHOICE_TYPES = ("radio", "select", "checkbox", "checklist")


def questionnaire_ids(session: Session) -> list[str]:
    """The ids of every form marked as a questionnaire, shipped or designed."""
    return [form_id for form_id, _title in questionnaires(session)]


def questionnaires(session: Session) -> list[tuple[str, str]]:
    """(id, title) of every questionnaire form, by title."""
    registry = form_registry(session)
    found = []
    for form_id in registry.ids():
        try:
            form = registry.get(form_id)
        except Exception:  # noqa: BLE001  (a broken designed form is the designer's problem, not this list's)
            continue
        props = form.raw.get("properties")
        if isinstance(props, dict) and str(props.get("questionnaire", "")).lower() == "true":
            found.append((form.id, form.title))
    return sorted(found, key=lambda item: item[1])


def questionnaire_of(session: Session, event: ActivityEvent) -> FormDef | None:
    """The event's questionnaire form, or None when it has none."""
    if not event.questionnaire:
        return None
    try:
        return form_registry(session).get(event.questionnaire)
    except FormNotFound:
        return None


def feedback_open(event: ActivityEvent, now: datetime) -> bool:
    """Answers are taken from the start of the event until a week after its end."""
    return event.status in ("published", "closed") and event.starts_at - timedelta(hours=1) <= now \
        <= event.ends_at + OPEN_AFTER_END


def submit_feedback(session: Session, event: ActivityEvent, sign_in: ActivitySignIn | None, data: dict[str, Any],
                    now: datetime, locale: str = "zh_CN") -> FeedbackResponse:
    """Record one answer of someone who signed in. Raises NotAllowed (not signed in here), Conflict (answered
    already, or closed), InvalidInput (the form's errors per field)."""
    if sign_in is None or sign_in.event_id != event.id:
        raise NotAllowed("请先签到，再填写反馈问卷")
    if not event.questionnaire:
        raise Conflict("该活动没有反馈问卷")
    if sign_in.answered:
        raise Conflict("您已经提交过反馈，谢谢！")
    if not feedback_open(event, now):
        raise Conflict(f"反馈已经截止（活动结束后 {OPEN_AFTER_END.days} 天内可以填写）")
    form = get_form(session, event.questionnaire)
    clean, errors = validate_submission(form, data, locale)
    if errors:
        raise InvalidInput("问卷有误，请修改标红的项目", errors)
    anonymous = event.anonymous
    row = FeedbackResponse(event_id=event.id, form_id=form.id, answers=clean,
                           person_id=None if anonymous else sign_in.person_id,
                           sign_in_id=None if anonymous else sign_in.id,
                           submitted_at=datetime.combine(now.date(), datetime.min.time()) if anonymous else now)
    session.add(row)
    sign_in.answered = True
    session.flush()
    audit.record(session, None, "activity.feedback", now, object_type="activity_event", object_id=event.id,
                 summary=f"“{event.title}”收到一份{'匿名' if anonymous else ''}反馈")
    session.commit()
    return row


@dataclass
class QuestionResult:
    """One question's results: counts per choice (label, count, share) or the written answers."""

    key: str
    label: str
    kind: str  # "choice" or "text"
    choices: list[tuple[str, int, float]] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)


def feedback_results(session: Session, event: ActivityEvent) -> tuple[int, list[QuestionResult]]:
    """(number of answers, each question's results) for the event's questionnaire."""
    form = questionnaire_of(session, event)
    answers = [r.answers for r in session.scalars(select(FeedbackResponse).where(
        FeedbackResponse.event_id == event.id).order_by(FeedbackResponse.id))]
    if form is None:
        return len(answers), []
    results = []
    for comp in form.fields:
        key = comp.key or ""
        given = [a.get(key) for a in answers if a.get(key) not in (None, "", [])]
        if comp.type in CHOICE_TYPES and comp.options:
            flat = [v for g in given for v in (g if isinstance(g, list) else [g])]
            total = len(given) or 1
            choices = [(o.label, sum(1 for v in flat if str(v) == str(o.value)),
                        round(100 * sum(1 for v in flat if str(v) == str(o.value)) / total, 1)) for o in comp.options]
            numbers = [float(str(v)) for v in flat if _number(v)]
            mean = round(sum(numbers) / len(numbers), 2) if numbers and len(numbers) == len(flat) else None
            results.append(QuestionResult(key, comp.label, "choice", choices=choices, mean=mean))
        elif comp.type in ("textfield", "textarea"):
            results.append(QuestionResult(key, comp.label, "text", texts=[str(g) for g in given]))
    return len(answers), results


def _number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
