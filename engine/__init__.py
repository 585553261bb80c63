"""Spiral's workflow engine: plain Python, SQLAlchemy and SpiffWorkflow; it never imports Flask.

What the web app, the CLI and the scheduler use, in one place. Each use case is one service function that
takes a session (made by `session_factory` for an engine from `build_engine`, or Flask's `db.session` in a
Spiral app), the acting person and the time; the rooms below (org, calendar, definitions, workflow,
supervision, notify) hold the rest. The demo school (`engine.demo`) is imported only by `spiral demo` and the
tests.
"""
from .assembly import build_engine
from .backup import backup, inspect_backup, restore
from .calendar.closures import add_closure, closures, remove_closure
from .calendar.deadlines import is_working_day
from .db import Base
from .db.cache import watch
from .db.session import sqlite_pragmas
from .definitions.deploy import deploy, latest_definition, latest_definitions, validate_files
from .definitions.drafts import create_process, from_template, get_draft, save_draft, working_copy
from .definitions.form_designs import checked_form, form_text, save_form
from .definitions.models import ProcessDefinition
from .definitions.specs import form_registry, loaded_for
from .definitions.stages import DEFAULT_STAGES, EN_LABELS, SMALL_LOOP
from .definitions.versions import diff_versions, get_version
from .errors import (
    Conflict,
    InvalidInput,
    InvalidProcess,
    NeedsConfirmation,
    NotAllowed,
    NotFound,
    Problem,
    ScriptError,
    SpiralError,
)
from .notify.delivery import deliveries, retry_delivery
from .notify.models import Notification
from .notify.notifications import mark_read, notifications_of, preference_of, set_channels, unread_count
from .notify.settings import MailSettings, mail_settings
from .org.access import (
    can_supervise,
    heads_some_unit,
    is_quality_office,
    is_school_leader,
    is_student,
    may_be_substitute,
)
from .org.models import LEVELS, Person, Role, RoleHolding, Unit
from .org.people import find_person, people, subjects
from .org.routing import find_role, may_do_task
from .org.sign_in import SignInPolicy, SignInResult, end_sessions, sign_in
from .org.substitutes import (
    add_substitution,
    current_substitutions,
    end_substitution,
    sees_some_substitutions,
    substitutions_of,
)
from .parts import KEY
from .supervision import notices
from .supervision.ladders import DEFAULT_LADDER, WHEN_KEYS, get_ladder, ladders, save_ladder, seed_ladders
from .supervision.models import ACTIVE, STATUSES
from .supervision.notices import all_notices, notice_to_dict, set_follow_up, supervises_any
from .supervision.reports import GROUPS, notices_workbook, on_time_rates, periods
from .tables import create_schema, new_migration, schema_revision
from .task_page import form_of, task_page
from .tick import run_tick
from .workflow.access import can_view_instance
from .workflow.cycle_admin import CycleFilter, cancel_cycle, element_states, retry_incident, visible_cycles
from .workflow.cycles import current_period, get_instance, start_cycle, timeline
from .workflow.dryrun import choice_fields, dry_run
from .workflow.handover import hand_over_tasks
from .workflow.inbox import (
    INBOX_VIEWS,
    actionable_tasks,
    due_state,
    inbox,
    inbox_counts,
    instance_tasks,
    open_tasks,
    task_to_dict,
)
from .workflow.launch import bulk_launch, launch_one, launch_plan
from .workflow.migration import migrate_cycles, migration_blockers, versions
from .workflow.models import Evidence, ProcessInstance
from .workflow.tasks import Upload, add_comment, claim_task, claim_tasks, complete_task, get_evidence, get_task
from .workflow.uploads import content_type_for, shown_inline, sweep_uploads

__all__ = [
    "ACTIVE",
    "actionable_tasks",
    "add_closure",
    "add_comment",
    "add_substitution",
    "all_notices",
    "backup",
    "Base",
    "build_engine",
    "bulk_launch",
    "can_supervise",
    "can_view_instance",
    "cancel_cycle",
    "checked_form",
    "choice_fields",
    "claim_task",
    "claim_tasks",
    "closures",
    "complete_task",
    "Conflict",
    "content_type_for",
    "create_process",
    "create_schema",
    "current_period",
    "current_substitutions",
    "CycleFilter",
    "DEFAULT_LADDER",
    "DEFAULT_STAGES",
    "deliveries",
    "deploy",
    "diff_versions",
    "dry_run",
    "due_state",
    "element_states",
    "EN_LABELS",
    "end_substitution",
    "Evidence",
    "find_person",
    "sign_in",
    "SignInPolicy",
    "SignInResult",
    "end_sessions",
    "find_role",
    "form_of",
    "form_registry",
    "form_text",
    "from_template",
    "NeedsConfirmation",
    "get_draft",
    "get_evidence",
    "get_instance",
    "get_ladder",
    "get_task",
    "get_version",
    "GROUPS",
    "hand_over_tasks",
    "inbox",
    "inbox_counts",
    "INBOX_VIEWS",
    "inspect_backup",
    "instance_tasks",
    "InvalidInput",
    "InvalidProcess",
    "is_quality_office",
    "is_school_leader",
    "is_working_day",
    "KEY",
    "ladders",
    "latest_definition",
    "latest_definitions",
    "launch_one",
    "launch_plan",
    "LEVELS",
    "loaded_for",
    "mail_settings",
    "MailSettings",
    "mark_read",
    "migrate_cycles",
    "migration_blockers",
    "NotAllowed",
    "NotFound",
    "notice_to_dict",
    "notices",
    "notices_workbook",
    "Notification",
    "notifications_of",
    "on_time_rates",
    "open_tasks",
    "people",
    "periods",
    "Person",
    "preference_of",
    "Problem",
    "ProcessDefinition",
    "ProcessInstance",
    "remove_closure",
    "restore",
    "retry_delivery",
    "retry_incident",
    "Role",
    "RoleHolding",
    "run_tick",
    "save_draft",
    "save_form",
    "save_ladder",
    "ScriptError",
    "seed_ladders",
    "set_channels",
    "set_follow_up",
    "shown_inline",
    "SMALL_LOOP",
    "SpiralError",
    "sqlite_pragmas",
    "start_cycle",
    "STATUSES",
    "subjects",
    "substitutions_of",
    "sees_some_substitutions",
    "may_be_substitute",
    "is_student",
    "may_do_task",
    "heads_some_unit",
    "supervises_any",
    "task_page",
    "task_to_dict",
    "timeline",
    "Unit",
    "unread_count",
    "Upload",
    "validate_files",
    "versions",
    "visible_cycles",
    "watch",
    "WHEN_KEYS",
    "working_copy",
    "new_migration",
    "schema_revision",
    "sweep_uploads",
]
