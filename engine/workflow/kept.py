"""The workflows this process last saved, kept in memory so that the next completion of the same cycle starts
from the workflow itself instead of rebuilding it from its saved state.

An entry serves only the cycle's row it was saved with: the same version (the optimistic lock moves it on every
write of the cycle, from any process) and the same definition. It is taken out while in use, so a completion
that fails never leaves a half-run workflow behind; it goes back only after its transaction committed. Every write
of a cycle's state goes through the ORM, which moves the version (a data migration of saved states runs with the
app stopped, and a started worker begins with nothing kept).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

SIZE = 64  # cycles kept per process: a workflow in play is ~10–50 kB of objects (its trimmed history)


class KeptWorkflows:
    """The last saved workflow of the most recently completed cycles, by cycle id."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._kept: OrderedDict[int, tuple[int, int, BpmnWorkflow]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, instance_id: int, version: int, definition_id: int) -> BpmnWorkflow | None:
        """The workflow saved as this version of the cycle, taken out of the cache; None if not kept."""
        with self._lock:
            found = self._kept.pop(instance_id, None)
        if found is None or found[:2] != (version, definition_id):
            return None
        return found[2]

    def keep(self, instance_id: int, version: int, definition_id: int, workflow: BpmnWorkflow,
             saved: dict[str, Any] | None = None) -> None:
        """Keep `workflow` as the cycle's `version`: one just committed as `saved` (finished history the save
        trimmed goes here too), or one loaded from that version and left untouched."""
        if saved is not None:
            match_saved(workflow, saved)
        with self._lock:
            self._kept[instance_id] = (version, definition_id, workflow)
            self._kept.move_to_end(instance_id)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def forget(self, instance_id: int) -> None:
        """Drop the cycle's entry (its workflow was changed elsewhere in this process)."""
        with self._lock:
            self._kept.pop(instance_id, None)


def match_saved(workflow: BpmnWorkflow, state: dict[str, Any]) -> None:
    """Make the workflow hold the tasks its saved `state` holds: the save drops finished history above the part
    still in play and hangs that part under the root (runtime._trim_history); a load would see just that."""
    saved = state.get("tasks") or {}
    if len(saved) == len(workflow.tasks):
        return
    root = workflow.task_tree
    workflow.tasks = {task_id: task for task_id, task in workflow.tasks.items() if str(task_id) in saved}
    for task in list(workflow.tasks.values()):
        if task is not root and task._parent not in workflow.tasks:
            task._parent = root.id
            root._children = [task.id]
