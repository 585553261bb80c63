"""Activities (家长学校 and the like): plans, events, sign-ins, feedback questionnaires, summaries, the tally."""
from __future__ import annotations

from .access import may_keep, may_keep_unit, may_run, may_see
from .models import EVENT_STATUSES, SIGN_IN_KINDS, ActivityEvent, ActivityPlan, ActivitySignIn, FeedbackResponse
from .notices import send_due_reminders
from .plans import (
    EventFields,
    PlanFields,
    cancel_event,
    close_event,
    get_event,
    get_plan,
    plans,
    publish_event,
    save_event,
    save_plan,
    visible_events,
)
from .questionnaires import (
    QuestionResult,
    feedback_open,
    feedback_results,
    questionnaire_of,
    questionnaires,
    submit_feedback,
)
from .sign_ins import (
    AddressLimit,
    SignInOutcome,
    Visitor,
    check_open,
    event_by_token,
    get_sign_in,
    mask_phone,
    normalize_phone,
    sign_in_counts,
    sign_in_member,
    sign_in_visitor,
    sign_ins,
    window,
)
from .tally import Attendee, Tally, plan_tally, tally_workbook

__all__ = [
    "EVENT_STATUSES", "SIGN_IN_KINDS", "ActivityEvent", "ActivityPlan", "ActivitySignIn", "AddressLimit",
    "Attendee", "EventFields", "FeedbackResponse", "PlanFields", "QuestionResult", "SignInOutcome", "Tally",
    "Visitor", "cancel_event", "check_open", "close_event", "event_by_token", "feedback_open", "feedback_results",
    "get_event", "get_plan", "get_sign_in", "mask_phone", "may_keep", "may_keep_unit", "may_run", "may_see",
    "normalize_phone", "plan_tally", "plans", "publish_event", "questionnaire_of", "questionnaires", "save_event",
    "save_plan", "send_due_reminders", "sign_in_counts", "sign_in_member", "sign_in_visitor", "sign_ins",
    "submit_feedback", "tally_workbook", "visible_events", "window",
]
