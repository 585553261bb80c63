"""SpiffWorkflow behind one small object: specs cached per definition, state saved without the spec."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson
import SpiffWorkflow.bpmn.specs.event_definitions.timer as spiff_timer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import ParallelMultiInstanceTask
from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskIterator, TaskState
from sqlalchemy.orm import Session

from engine.definitions.budget import ScriptLimits
from engine.definitions.loading import LoadedProcess
from engine.definitions.sandbox import make_script_engine
from engine.errors import ScriptError, SpiralError
from engine.parts import part

from .kept import KeptWorkflows

STATE_KEY = "serializer_version"
_engine_now: ContextVar[datetime | None] = ContextVar("spiral_engine_now", default=None)


class _EngineClock(datetime):
    """SpiffWorkflow's timers read `datetime.now`; inside `engine_time(now)` they read Spiral's time instead.

    Spiral's times are naive school-local; timers see them labelled UTC, consistently, so a timer set at
    `now` + P3D fires at `now` + 3 days whatever the machine's zone, and time travel moves timers too.
    """

    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        fixed = _engine_now.get()
        if fixed is None:
            return datetime.now(tz)
        aware = fixed.replace(tzinfo=UTC)
        return aware.astimezone(tz) if tz else fixed


@contextmanager
def engine_time(now: datetime) -> Iterator[None]:
    """Run SpiffWorkflow as of `now` (timers start and fire by this clock)."""
    token = _engine_now.set(now)
    try:
        yield
    finally:
        _engine_now.reset(token)


def _walk_the_whole_tree() -> None:
    """SpiffWorkflow stops walking the task tree at depth 1000; every return-for-revision adds depth, so a
    cycle sent back ~660 times would lose its ready task and look completed. Walk the whole tree."""
    for iterator in (TaskIterator, BpmnTaskIterator):
        defaults = list(iterator.__init__.__defaults__ or ())
        if len(defaults) >= 2 and defaults[1] == 1000:  # (end_at_spec, max_depth, depth_first, task_filter)
            defaults[1] = sys.maxsize
            iterator.__init__.__defaults__ = tuple(defaults)


def _name_a_missing_list() -> None:
    """A parallel multi-instance task over a list the data lacks fails inside SpiffWorkflow with a TypeError (a
    crash, not an incident); make it the data error the sequential kind raises, naming the list."""
    if getattr(ParallelMultiInstanceTask.create_children, "_spiral", False):
        return
    original = ParallelMultiInstanceTask.create_children

    def create_children(self: Any, my_task: Task) -> None:
        if self.data_input is not None and self.data_input.get(my_task) is None:
            self.raise_data_exception(f"多实例任务需要的列表“{self.data_input.bpmn_id}”不在周期的数据中"
                                      "（应在启动时提供）", my_task)
        original(self, my_task)

    create_children._spiral = True  # type: ignore[attr-defined]
    ParallelMultiInstanceTask.create_children = create_children


def apply_spiff_patches() -> None:
    """Make SpiffWorkflow's timers read Spiral's clock, walk the whole task tree, and name a multi-instance
    task's missing list (idempotent)."""
    spiff_timer.datetime = _EngineClock
    _walk_the_whole_tree()
    _name_a_missing_list()


def runtime_of(session: Session) -> Runtime:
    """The runtime of the session's engine."""
    found: Runtime = part(session, "runtime")
    return found


class _StateOnlyConverter(BpmnWorkflowConverter):  # type: ignore[misc]  # SpiffWorkflow is untyped
    """Writes a workflow without its spec; restores it onto a spec we already hold."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


@dataclass(frozen=True)
class StoreLimits:
    """How large the saved state of one cycle, and one value a person submits, may be."""

    state_mb: float = 5.0
    value_mb: float = 1.0


def json_size(value: Any) -> int:
    """Bytes `value` takes as JSON (how it is stored)."""
    try:
        return len(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS, default=str))
    except TypeError:  # an int over 64 bits
        return len(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode())


class Runtime:
    """Runs workflows: build from a definition, step, and (de)serialize their state."""

    def __init__(self, limits: ScriptLimits | None = None, store: StoreLimits | None = None) -> None:
        apply_spiff_patches()  # every runtime walks the whole tree and reads Spiral's clock, however it was built
        self.limits = limits or ScriptLimits()
        self.store = store or StoreLimits()
        config = dict(SPIFF_CONFIG)
        config[BpmnWorkflow] = _StateOnlyConverter
        self.registry = BpmnWorkflowSerializer.configure(config)
        self.serializer = BpmnWorkflowSerializer(self.registry)
        self.script_engine = make_script_engine(self.limits)
        self.kept = KeptWorkflows()

    def new_workflow(self, loaded: LoadedProcess, data: dict[str, Any], now: datetime) -> BpmnWorkflow:
        """A fresh workflow of `loaded` with initial data, run (as of `now`) until it waits for people."""
        workflow = BpmnWorkflow(loaded.spec, loaded.subprocess_specs, script_engine=self.script_engine)
        workflow.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        self.advance(workflow, now)
        return workflow

    def advance(self, workflow: BpmnWorkflow, now: datetime) -> None:
        """Fire due timers and run every automatic step as of `now`; a failing script becomes a ScriptError."""
        try:
            with engine_time(now):
                workflow.refresh_waiting_tasks()
                workflow.do_engine_steps()
        except SpiffWorkflowException as exc:
            raise _script_error(exc) from exc

    def complete(self, workflow: BpmnWorkflow, task: Task, data: dict[str, Any], now: datetime) -> None:
        """Merge `data` into a ready user task, complete it and advance the workflow as of `now`."""
        task.data.update(data)
        try:
            with engine_time(now):
                task.run()
        except SpiffWorkflowException as exc:
            raise _script_error(exc) from exc
        self.advance(workflow, now)

    def dump(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        """The workflow's own state as a JSON-able dict (no spec), finished history trimmed where safe."""
        dct: dict[str, Any] = self.serializer.to_dict(workflow)
        _trim_history(workflow, dct)
        dct[STATE_KEY] = self.serializer.VERSION
        self._refuse_oversized(workflow, dct)
        return dct

    def _refuse_oversized(self, workflow: BpmnWorkflow, dct: dict[str, Any]) -> None:
        """Raise ScriptError when the state would be larger than state_mb, naming its largest variable."""
        size = json_size(dct)
        if size <= self.store.state_mb * 1024 * 1024:
            return
        data = workflow.last_task.data if workflow.last_task is not None else workflow.data
        largest = max(data, key=lambda key: json_size(data[key]), default="")
        task = workflow.last_task.task_spec.bpmn_name or workflow.last_task.task_spec.name \
            if workflow.last_task is not None else ""
        where = f"，最大的是变量 {largest}" if largest else ""
        raise ScriptError(f"该周期要保存的数据有 {size / 1024 / 1024:.1f} MB，超过上限 {self.store.state_mb:g} MB"
                          f"{where}；本次操作已撤销", task=task)

    def load(self, loaded: LoadedProcess, state: dict[str, Any]) -> BpmnWorkflow:
        """Rebuild a workflow from its saved state and the cached spec; a state saved by an older serializer is
        migrated first (SpiffWorkflow's own migrations); one from a newer one is refused."""
        dct = dict(state)
        version = dct.pop(STATE_KEY, self.serializer.VERSION)
        if version != self.serializer.VERSION:
            dct = self._migrated(loaded, dct, str(version))
        workflow = self.registry.restore(dct, spec=loaded.spec, subprocess_specs=loaded.subprocess_specs)
        workflow.script_engine = self.script_engine
        return workflow

    def _migrated(self, loaded: LoadedProcess, dct: dict[str, Any], version: str) -> dict[str, Any]:
        """The state in today's format: SpiffWorkflow migrates whole serializations, so the spec is attached for
        the migration and dropped again."""
        if version not in MIGRATIONS:
            raise SpiralError(f"该周期的保存格式（{version}）比本程序（{self.serializer.VERSION}）新，请升级 Spiral 后再打开")
        full = {**dct, "spec": self.registry.convert(loaded.spec),
                "subprocess_specs": self.registry.convert(loaded.subprocess_specs), STATE_KEY: version}
        self.serializer.migrate(full)
        full.pop("spec", None)
        full.pop("subprocess_specs", None)
        return full

    @staticmethod
    def ready_user_tasks(workflow: BpmnWorkflow) -> list[Task]:
        """Ready manual tasks, in a stable order."""
        tasks: list[Task] = workflow.get_tasks(state=TaskState.READY, manual=True)
        return tasks

    @staticmethod
    def next_timer_at(workflow: BpmnWorkflow, now: datetime) -> datetime | None:
        """When the earliest waiting timer of `workflow` falls due (naive, Spiral's clock); None if none waits."""
        earliest: datetime | None = None
        for task in workflow.get_tasks(state=TaskState.WAITING):
            event = getattr(task.task_spec, "event_definition", None)
            if not isinstance(event, TimerEventDefinition):
                continue
            value = task.internal_data.get("event_value")
            if isinstance(value, dict):
                value = value.get("next") if value.get("cycles", 0) != 0 else None
            when = now
            if isinstance(value, str):
                try:
                    parsed = datetime.fromisoformat(value)
                    when = parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
                except ValueError:
                    when = now
            earliest = when if earliest is None or when < earliest else earliest
        return earliest

    @staticmethod
    def find_task(workflow: BpmnWorkflow, spiff_task_id: str) -> Task | None:
        """The task with this id, or None."""
        return workflow.get_task_from_id(UUID(spiff_task_id))


# Task specs that never look at finished tasks above them (no joins of parallel branches, boundary events,
# subprocesses or event gateways): in processes made only of these, finished history can be dropped.
_TRIMMABLE = frozenset({"BpmnStartTask", "SimpleBpmnTask", "_EndJoin", "StartEvent", "EndEvent", "ExclusiveGateway",
                        "UserTask", "ManualTask", "ScriptTask", "NoneTask", "IntermediateCatchEvent",
                        "IntermediateThrowEvent"})
def _trimmable(workflow: BpmnWorkflow) -> bool:
    spec = workflow.spec
    if not hasattr(spec, "_spiral_trimmable"):  # worked out once per parsed spec
        spec._spiral_trimmable = not workflow.subprocess_specs and all(
            type(task_spec).__name__ in _TRIMMABLE for task_spec in spec.task_specs.values())
    return bool(spec._spiral_trimmable)


def _trim_history(workflow: BpmnWorkflow, dct: dict[str, Any]) -> None:
    """Keep only the part of the task tree still in play, hung under the root.

    SpiffWorkflow keeps every finished task, so each return-for-revision makes the saved state (and every
    load, save and tree walk) larger. What is still in play is the smallest subtree holding every unfinished
    task and the last completed one; in a process without joins or boundary events nothing ever looks above
    it. Finished work stays in `human_task` and the audit log.
    """
    if dct.get("subprocesses") or not _trimmable(workflow):
        return
    anchors = [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if not anchors:
        return
    if workflow.last_task is not None:
        anchors.append(workflow.last_task)
    paths = []
    for task in anchors:
        path = []
        while task is not None:
            path.append(task)
            task = task.parent
        paths.append(path[::-1])  # root first
    keep_from = None
    for level in zip(*paths):
        if any(t is not level[0] for t in level):
            break
        keep_from = level[0]
    root = workflow.task_tree
    if keep_from is None or keep_from is root or keep_from.parent is root:
        return
    kept: list[Task] = [keep_from]
    for task in kept:
        kept.extend(task.children)
    keep_ids = {str(t.id) for t in kept} | {str(root.id)}
    tasks = {k: v for k, v in dct["tasks"].items() if k in keep_ids}  # parents before children, as saved
    tasks[str(root.id)] = dict(tasks[str(root.id)], children=[str(keep_from.id)])
    delta = {"updates": DeepMerge.get_updated_keys(root.data, keep_from.data),  # data is saved as a change
             "deletions": DeepMerge.get_deleted_keys(root.data, keep_from.data)}  # from the parent's
    tasks[str(keep_from.id)] = dict(tasks[str(keep_from.id)], parent=str(root.id), delta=delta)
    dct["tasks"] = tasks


def _script_error(exc: SpiffWorkflowException) -> SpiralError:
    task = getattr(exc, "task", None)
    task_name = getattr(getattr(task, "task_spec", None), "bpmn_name", None) or \
        getattr(getattr(task, "task_spec", None), "name", "") or ""
    line = getattr(exc, "line_number", None) or None
    cause = exc.__cause__ or exc
    detail = getattr(cause, "message", None) or str(cause)
    where = f"“{task_name}”" if task_name else "流程"
    return ScriptError(f"{where}中的表达式或脚本执行失败：{detail}", task=task_name, line=line)
