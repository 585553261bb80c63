"""Spiral's workflow engine: plain Python, SQLAlchemy and SpiffWorkflow; it never imports Flask.

What the web app, the CLI and the scheduler use, in one place. Each use case is one service function that
takes a session (made by `session_factory` for an engine from `build_engine`, or Flask's `db.session` in a
Spiral app), the acting person and the time; the rooms below (org, calendar, definitions, workflow,
supervision, notify) hold the rest. The demo school (`engine.demo`) is imported only by `spiral demo` and the
tests.
"""
from .assembly import build_engine
from .backup import backup, inspect_backup, restore
from .calendar.closures import (
    add_closure,
    add_school_workday,
    closures,
    remove_closure,
    remove_school_workday,
    school_workdays,
)
from .calendar.deadlines import is_working_day
from .calendar.official_days import (
    SOURCES as CALENDAR_SOURCES,
)
from .calendar.official_days import (
    SpecialDay,
    enter_official_days,
    remove_official_day,
    special_days,
    unknown_years,
    year_source,
)
from .calendar.school_year import PeriodInfo, academic_years, month_period, period_at, period_info, year_for
from .calendar.years_admin import delete_term, delete_year, save_term, save_year
from .db import Base
from .db.cache import watch
from .db.session import JSON_OPTIONS, sqlite_pragmas
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
    InvalidWorkbook,
    NeedsConfirmation,
    NotAllowed,
    NotFound,
    Problem,
    ScriptError,
    SheetProblem,
    SpiralError,
    Unavailable,
)
from .heap import settle
from .notify.delivery import deliveries, retry_delivery
from .notify.models import Notification
from .notify.notifications import mark_read, notifications_of, preference_of, set_channels, unread_count
from .notify.password_mail import resets_by_mail, send_reset_link
from .notify.settings import MailSettings, mail_settings
from .notify.webhooks import EVENTS as WEBHOOK_EVENTS
from .notify.webhooks import retry_webhook_delivery, save_webhook, set_webhook_active, webhook_log, webhooks
from .org.access import (
    can_supervise,
    heads_some_unit,
    is_quality_office,
    is_school_leader,
    is_staff,
    is_student,
    may_be_substitute,
)
from .org.accounts import change_password, create_admin, sign_out
from .org.catalogue import DEFAULT_ROLES, seed_roles
from .org.directory import DirectoryPerson, LdapSettings, read_people
from .org.directory import check_password as check_directory_password
from .org.directory_sync import directory_sheets, sync_directory
from .org.holdings_admin import HoldingChange, find_holdings, get_holding
from .org.imports import ImportReport, OneTimePassword, export_org, import_org
from .org.models import LEVELS, PERSON_KINDS, UNIT_KINDS, ApiToken, Person, Role, RoleHolding, School, Subject, Unit
from .org.people import find_person, people, person_by_id, subjects
from .org.people_admin import (
    add_person,
    deactivate_person,
    edit_person,
    find_people,
    get_person,
    person_events,
    person_holdings,
    reactivate_person,
    reset_password,
)
from .org.resets import reset_holder, use_reset
from .org.roles_admin import add_role, get_role, role_list, set_role_flags
from .org.routing import find_role, may_do_task
from .org.school import (
    LOGO_MAX_BYTES,
    SchoolInfo,
    remove_logo,
    save_logo,
    save_school,
    school_info,
    school_name,
    school_settings,
)
from .org.sign_in import SignInPolicy, SignInResult, end_sessions, sign_in, sign_in_verified
from .org.subjects_admin import add_subject, edit_subject, find_subjects, get_subject
from .org.substitutes import (
    add_substitution,
    current_substitutions,
    end_substitution,
    sees_some_substitutions,
    substitutions_of,
)
from .org.tokens import (
    SCOPE_LABELS,
    authenticate,
    create_token,
    fingerprint,
    remember,
    replay,
    revoke_token,
    service_tokens,
    tokens_of,
)
from .org.tokens import allows as token_allows
from .org.units_admin import add_unit, edit_unit, get_unit, move_unit, reopen_unit, unit_choices, unit_tree
from .org.workbook import OrgSheets, read_org_workbook, template_workbook, write_workbook
from .paging import Listing
from .parts import KEY
from .planning import activities
from .planning.plans.bulletins import bulletins, get_bulletin, issue_bulletin, late_items, may_issue
from .planning.plans.exports import export_progress, filter_shares, plan_template
from .planning.plans.imports import PlanReport, import_plan
from .planning.plans.progress import Overview, Share, get_plan, overview, plans, share_of_cycle
from .planning.schedules import (
    ScheduleFields,
    delete_schedule,
    get_schedule,
    save_schedule,
    schedules,
    set_active,
)
from .planning.schedules import describe as describe_schedule
from .planning.year import YearPlan, year_dry_run, year_plan
from .quality.centre import STATE_LABELS, school_status, subject_status, warning_list
from .quality.goals import GoalNode, goal_tree, review_goal
from .quality.library import IndicatorFields, get_indicator, indicators, save_indicator
from .quality.lines_form import unknown_bound_indicators
from .quality.loop import Origin, improvements_of, origin_of, small_loop_live
from .quality.models import Indicator, IndicatorValue
from .quality.sheets import export_library, export_values, import_library, import_values
from .quality.status import COLOURS as STATUS_COLOURS
from .quality.status import LABELS as STATUS_LABELS
from .quality.values import ValueInput, correct_value, history, latest_values, record_values
from .reporting import annual, dashboard
from .reporting.annual_outline import default_outline, outline_for, outline_source, save_outline
from .reporting.appraisal import Appraisal, AppraisalRow, appraise, sees_appraisal
from .reporting.appraisal_sheet import appraisal_workbook
from .reporting.appraisal_weights import KEYS as APPRAISAL_KEYS
from .reporting.appraisal_weights import LABELS as APPRAISAL_LABELS
from .reporting.appraisal_weights import RATES as APPRAISAL_RATES
from .reporting.appraisal_weights import Weights as AppraisalWeights
from .reporting.appraisal_weights import appraisal_weights, set_weights
from .reporting.dashboard import sees_dashboard
from .reporting.diagnosis import diagnosis_report, report_stage_task
from .reporting.diagnosis import gather as gather_report
from .reporting.drafting import generate_draft, offers_draft
from .reporting.models import ReportTemplate
from .reporting.portrait import Portrait, may_see_portrait, portrait
from .reporting.word import KINDS as REPORT_KINDS
from .reporting.word import PLACEHOLDERS as REPORT_PLACEHOLDERS
from .reporting.word import (
    activate_template,
    active_template,
    get_template_version,
    placeholder_list,
    render_report,
    template_bytes,
    template_versions,
    upload_template,
)
from .supervision import notices
from .supervision.holding_changes import preview_holding_change, save_holding_change
from .supervision.ladders import DEFAULT_LADDER, WHEN_KEYS, get_ladder, ladders, save_ladder, seed_ladders
from .supervision.models import ACTIVE, STATUSES
from .supervision.notices import all_notices, notice_to_dict, sees_notices, set_follow_up, supervises_any
from .supervision.reports import GROUPS, notices_workbook, on_time_rates, periods
from .supervision.rung_form import same_when, when_code, when_parts
from .supervision.task_moves import eligible_people, open_tasks_of, reassign_tasks
from .tables import create_schema, new_migration, schema_revision
from .task_page import form_of, task_page
from .tick import run_tick
from .workflow.access import can_view_instance
from .workflow.cycle_admin import CYCLE_SORTS, CycleFilter, cancel_cycle, element_states, retry_incident, visible_cycles
from .workflow.cycles import current_period, find_subject, get_instance, open_cycle, start_cycle, timeline
from .workflow.drafts import save_task_draft, task_draft
from .workflow.dryrun import choice_fields, dry_run
from .workflow.evidence import EvidenceItem, cycle_evidence
from .workflow.exports import EXPORT_MAX, cycles_workbook, tasks_workbook
from .workflow.handover import hand_over_tasks
from .workflow.inbox import (
    INBOX_SORTS,
    INBOX_VIEWS,
    NextStep,
    actionable_tasks,
    due_state,
    inbox,
    inbox_counts,
    inbox_total,
    instance_tasks,
    next_steps,
    open_tasks,
    soon_until,
    task_to_dict,
)
from .workflow.launch import bulk_launch, launch_one, launch_plan, launch_scopes
from .workflow.migration import migrate_cycles, migration_blockers, versions
from .workflow.models import Comment, Evidence, HumanTask, ProcessInstance
from .workflow.task_query import TaskQuery, count_tasks, query_tasks, visible_task
from .workflow.tasks import (
    Submitted,
    Upload,
    add_comment,
    claim_task,
    claim_tasks,
    complete_task,
    get_evidence,
    get_task,
    submit_task,
    task_comments,
)
from .workflow.unit_closing import close_blockers, close_unit
from .workflow.uploads import content_type_for, shown_inline, sweep_uploads

__all__ = [
    "diagnosis_report",
    "gather_report",
    "report_stage_task",
    "generate_draft",
    "offers_draft",
    "ReportTemplate",
    "REPORT_KINDS",
    "REPORT_PLACEHOLDERS",
    "activate_template",
    "active_template",
    "get_template_version",
    "placeholder_list",
    "render_report",
    "template_bytes",
    "template_versions",
    "upload_template",
    "save_task_draft", "task_draft",
    "WEBHOOK_EVENTS", "retry_webhook_delivery", "save_webhook", "set_webhook_active", "webhook_log", "webhooks",
    "ApiToken", "SCOPE_LABELS", "TaskQuery", "authenticate", "count_tasks", "create_token", "fingerprint", "open_cycle",
    "query_tasks", "remember", "replay", "revoke_token", "service_tokens", "task_comments", "token_allows", "tokens_of",
    "visible_task", "Comment", "HumanTask",
    "Overview", "PlanReport", "Share", "bulletins", "export_progress", "filter_shares", "get_bulletin", "get_plan", "import_plan",
    "is_staff", "issue_bulletin", "late_items", "may_issue", "overview", "plan_template", "plans", "share_of_cycle",
    "activities",  # 家长学校 and other activities: engine.activities.save_plan(…), sign_in_visitor(…)…
    "CALENDAR_SOURCES",
    "SpecialDay",
    "add_school_workday",
    "remove_school_workday",
    "school_workdays",
    "enter_official_days",
    "remove_official_day",
    "special_days",
    "unknown_years",
    "year_source",
    "PeriodInfo",
    "academic_years",
    "month_period",
    "period_at",
    "period_info",
    "year_for",
    "delete_term",
    "delete_year",
    "save_term",
    "save_year",
    "ScheduleFields",
    "delete_schedule",
    "describe_schedule",
    "get_schedule",
    "save_schedule",
    "schedules",
    "set_active",
    "YearPlan",
    "year_dry_run",
    "year_plan",
    "GoalNode",
    "goal_tree",
    "review_goal",
    "unknown_bound_indicators",
    "small_loop_live",
    "Origin",
    "improvements_of",
    "origin_of",
    "EvidenceItem",
    "cycle_evidence",
    "Subject",
    "Indicator",
    "IndicatorValue",
    "find_subject",
    "STATE_LABELS",
    "school_status",
    "subject_status",
    "warning_list",
    "IndicatorFields",
    "get_indicator",
    "indicators",
    "save_indicator",
    "export_library",
    "export_values",
    "import_library",
    "import_values",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "ValueInput",
    "correct_value",
    "history",
    "latest_values",
    "record_values",
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
    "submit_task",
    "Submitted",
    "NextStep",
    "Conflict",
    "content_type_for",
    "create_process",
    "create_schema",
    "current_period",
    "current_substitutions",
    "CYCLE_SORTS",
    "CycleFilter",
    "DEFAULT_LADDER",
    "DEFAULT_STAGES",
    "DEFAULT_ROLES",
    "deliveries",
    "deploy",
    "diff_versions",
    "dry_run",
    "due_state",
    "soon_until",
    "element_states",
    "EN_LABELS",
    "export_org",
    "end_substitution",
    "Evidence",
    "find_person",
    "person_by_id",
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
    "import_org",
    "ImportReport",
    "inbox",
    "inbox_total",
    "inbox_counts",
    "INBOX_SORTS",
    "INBOX_VIEWS",
    "inspect_backup",
    "instance_tasks",
    "next_steps",
    "InvalidInput",
    "Listing",
    "InvalidProcess",
    "InvalidWorkbook",
    "is_quality_office",
    "is_school_leader",
    "is_working_day",
    "KEY",
    "ladders",
    "latest_definition",
    "latest_definitions",
    "launch_one",
    "launch_plan",
    "launch_scopes",
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
    "dashboard",
    "annual",
    "default_outline",
    "outline_for",
    "outline_source",
    "save_outline",
    "sees_dashboard",
    "Appraisal",
    "AppraisalRow",
    "AppraisalWeights",
    "APPRAISAL_KEYS",
    "APPRAISAL_LABELS",
    "APPRAISAL_RATES",
    "appraisal_weights",
    "appraisal_workbook",
    "appraise",
    "sees_appraisal",
    "set_weights",
    "Portrait",
    "may_see_portrait",
    "portrait",
    "notices_workbook",
    "Notification",
    "notifications_of",
    "on_time_rates",
    "OneTimePassword",
    "open_tasks",
    "OrgSheets",
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
    "read_org_workbook",
    "seed_roles",
    "SheetProblem",
    "template_workbook",
    "write_workbook",
    "seed_ladders",
    "set_channels",
    "set_follow_up",
    "settle",
    "shown_inline",
    "SMALL_LOOP",
    "SpiralError",
    "sqlite_pragmas",
    "JSON_OPTIONS",
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
    "sees_notices",
    "task_page",
    "task_to_dict",
    "timeline",
    "Unit",
    "unread_count",
    "Upload",
    "validate_files",
    "versions",
    "visible_cycles",
    "cycles_workbook",
    "tasks_workbook",
    "EXPORT_MAX",
    "watch",
    "WHEN_KEYS",
    "working_copy",
    "new_migration",
    "schema_revision",
    # the admin pages (units, people, roles, holdings, subjects, school settings)
    "HoldingChange",
    "find_holdings",
    "get_holding",
    "PERSON_KINDS",
    "UNIT_KINDS",
    "School",
    "Subject",
    "add_person",
    "deactivate_person",
    "edit_person",
    "find_people",
    "get_person",
    "person_events",
    "person_holdings",
    "reactivate_person",
    "reset_password",
    "add_role",
    "get_role",
    "role_list",
    "set_role_flags",
    "LOGO_MAX_BYTES",
    "remove_logo",
    "save_logo",
    "save_school",
    "school_name",
    "school_settings",
    "school_info",
    "SchoolInfo",
    "add_subject",
    "edit_subject",
    "find_subjects",
    "get_subject",
    "add_unit",
    "edit_unit",
    "get_unit",
    "move_unit",
    "reopen_unit",
    "unit_choices",
    "unit_tree",
    "preview_holding_change",
    "save_holding_change",
    "eligible_people",
    "same_when",
    "when_code",
    "when_parts",
    "open_tasks_of",
    "reassign_tasks",
    "close_blockers",
    "close_unit",
    "change_password",
    "check_directory_password",
    "create_admin",
    "directory_sheets",
    "DirectoryPerson",
    "LdapSettings",
    "read_people",
    "reset_holder",
    "resets_by_mail",
    "send_reset_link",
    "sign_in_verified",
    "sign_out",
    "sync_directory",
    "Unavailable",
    "use_reset",
    "sweep_uploads",
]
