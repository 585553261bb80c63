"""The engine, built from its parts in one place and bound to its session factory (spiff-example-cli builds its
`BpmnEngine(parser, serializer, script_env)` the same way; cosmicpython calls it bootstrap).

`build_engine()` makes the parts (runtime, form registry, spec cache, upload store, mail settings, clock, the
message bus with every room's handlers) and applies the SpiffWorkflow patches; `session_factory()` binds an
engine to a database so that every service reaches its parts through the session it is given. The Flask app,
the CLI and the tests each assemble their own: two apps in one process share nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine as DatabaseEngine
from sqlalchemy.orm import Session, sessionmaker

from forms import FormRegistry, default_registry

from .bus import MessageBus
from .calendar.events import CalendarChanged
from .db.cache import watch
from .definitions.budget import ScriptLimits
from .definitions.specs import SpecCache
from .errors import Problem
from .notify import handlers as notify_handlers
from .notify.settings import MailSettings
from .org.events import SubstituteNamed
from .parts import KEY
from .planning import handlers as planning_handlers
from .planning.plans import handlers as plan_handlers
from .quality import goals_form, lines_form
from .quality import handlers as quality_handlers
from .reporting import annual
from .supervision import handlers as supervision_handlers
from .supervision.ladders import unknown_ladders
from .workflow.cycles import running_cycles
from .workflow.events import (
    CycleFinished,
    TaskClaimed,
    TaskClosed,
    TaskCompleting,
    TaskHandedOver,
    TaskOpened,
    TaskOpening,
)
from .workflow.runtime import Runtime, StoreLimits
from .workflow.uploads import UploadStore

SCHOOL_ZONE = ZoneInfo("Asia/Shanghai")
DeployCheck = Callable[[Session, str, dict[str, Any]], list[Problem]]


def school_now() -> datetime:
    """Naive school-local wall time (what every service is given as `now`)."""
    return datetime.now(SCHOOL_ZONE).replace(tzinfo=None)


@dataclass
class Engine:
    """Everything a service needs beyond its session, its actor and its time."""

    forms: FormRegistry
    uploads: UploadStore
    mail: MailSettings = field(default_factory=MailSettings)
    runtime: Runtime = field(default_factory=Runtime)
    specs: SpecCache = field(default_factory=SpecCache)
    bus: MessageBus = field(default_factory=MessageBus)
    clock: Callable[[], datetime] = school_now
    deploy_checks: list[DeployCheck] = field(default_factory=list)
    running_cycles: Callable[[Session, str], int] = running_cycles  # a deploy asks before emptying these


def build_engine(*, upload_dir: Path | str = Path("instance/uploads"), max_upload_mb: int = 20,
                 forms: FormRegistry | None = None, mail: MailSettings | None = None,
                 clock: Callable[[], datetime] | None = None, script_seconds: float = 2.0,
                 script_memory_mb: int = 256, state_mb: float = 5.0, value_mb: float = 1.0) -> Engine:
    """Assemble an engine from its parts and wire every room's event handlers; every BPMN script, condition
    and instruction template runs at most `script_seconds` and adds at most `script_memory_mb`; a cycle's saved
    state may take `state_mb`, each submitted form value `value_mb`."""
    limits = ScriptLimits(seconds=script_seconds, memory_mb=script_memory_mb)
    engine = Engine(forms=forms or default_registry(), uploads=UploadStore(Path(upload_dir), max_upload_mb),
                    mail=mail or MailSettings(), clock=clock or school_now, runtime=Runtime(limits, StoreLimits(state_mb, value_mb)))
    wire(engine.bus)
    engine.deploy_checks.append(unknown_ladders)
    return engine


def wire(bus: MessageBus) -> None:
    """What the higher rooms do when a task opens, is being completed, closes or changes hands (same
    transaction)."""
    bus.subscribe(TaskCompleting, lines_form.check_and_tighten)
    bus.subscribe(TaskCompleting, quality_handlers.record_bound_fields)
    bus.subscribe(TaskCompleting, goals_form.record_goals)
    bus.subscribe(TaskCompleting, plan_handlers.record_progress)
    bus.subscribe(TaskCompleting, annual.record_chapter)
    bus.subscribe(TaskOpening, supervision_handlers.schedule_ladder)
    bus.subscribe(TaskOpened, notify_handlers.tell_new_holders)
    bus.subscribe(TaskOpened, notify_handlers.push_task_created)
    bus.subscribe(TaskClosed, notify_handlers.push_task_completed)
    bus.subscribe(CycleFinished, notify_handlers.push_cycle_finished)
    bus.subscribe(CycleFinished, annual.publish_on_finish)
    bus.subscribe(TaskClosed, supervision_handlers.settle_notices)
    bus.subscribe(TaskClaimed, supervision_handlers.name_the_claimer)
    bus.subscribe(TaskHandedOver, notify_handlers.tell_substitute)
    bus.subscribe(SubstituteNamed, notify_handlers.tell_named_substitute)
    bus.subscribe(CalendarChanged, planning_handlers.reschedule_all)


def session_factory(database: DatabaseEngine, engine: Engine) -> sessionmaker[Session]:
    """Sessions on `database` that carry `engine`; objects survive commit (views render after the service commits)."""
    factory = sessionmaker(bind=database, expire_on_commit=False, info={KEY: engine})
    watch(factory)
    return factory
