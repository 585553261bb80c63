"""Versions of a process: the list and a readable diff between two (engine/workflow/migration.py moves
running cycles to a newer one)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound

from .loading import parse_xml_safely
from .models import ProcessDefinition
from .namespaces import NS

_FLOW = ("userTask", "manualTask", "scriptTask", "serviceTask", "task", "startEvent", "endEvent",
         "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway",
         "parallelGateway", "inclusiveGateway", "eventBasedGateway", "subProcess", "callActivity",
         "sequenceFlow", "lane", "sendTask", "receiveTask", "businessRuleTask")
_KIND = {"userTask": "用户任务", "manualTask": "人工任务", "scriptTask": "脚本任务", "startEvent": "开始事件",
         "endEvent": "结束事件", "exclusiveGateway": "排他网关", "parallelGateway": "并行网关",
         "inclusiveGateway": "包容网关", "sequenceFlow": "连线", "lane": "泳道", "boundaryEvent": "边界事件",
         "subProcess": "子流程", "callActivity": "调用活动"}
_FIELDS = {"lane": "泳道（角色）", "stage": "阶段", "due": "期限", "due_calendar": "期限日历",
           "due_date": "dueDate", "escalation": "督办规则", "form": "表单", "instructions": "办理说明",
           "assignee": "办理人", "candidate_groups": "候选组", "candidate_users": "候选人"}


@dataclass
class ElementChange:
    """One element of the process and what happened to it between two versions."""

    element_id: str
    kind: str
    name: str
    details: list[str] = field(default_factory=list)


@dataclass
class VersionDiff:
    """Elements added, removed and changed from one version to another."""

    old: ProcessDefinition
    new: ProcessDefinition
    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the two versions run the same steps the same way."""
        return not (self.added or self.removed or self.changed)


def get_version(session: Session, process_id: str, version: int) -> ProcessDefinition:
    """One version of a process; raises NotFound."""
    found = session.scalars(select(ProcessDefinition).where(ProcessDefinition.process_id == process_id,
                                                            ProcessDefinition.version == version)).first()
    if found is None:
        raise NotFound(f"流程“{process_id}”没有第 {version} 版")
    return found


def _elements(definition: ProcessDefinition) -> dict[str, dict[str, Any]]:
    root = parse_xml_safely(definition.xml, definition.filename).getroot()
    tasks = definition.meta.get("tasks", {})
    found: dict[str, dict[str, Any]] = {}
    for node in root.iter(*("{%s}%s" % (NS["bpmn"], tag) for tag in _FLOW)):
        kind = etree.QName(node).localname
        info: dict[str, Any] = {"kind": kind, "name": (node.get("name") or "").strip()}
        if kind == "sequenceFlow":
            info["from → to"] = f"{node.get('sourceRef')} → {node.get('targetRef')}"
            condition = node.find("{%s}conditionExpression" % NS["bpmn"])
            info["条件"] = (condition.text or "").strip() if condition is not None else ""
        if kind == "lane":
            info["成员"] = ", ".join(sorted((r.text or "").strip() for r in node.iter("{%s}flowNodeRef"
                                                                                  % NS["bpmn"])))
        if kind == "scriptTask":
            script = node.find("{%s}script" % NS["bpmn"])
            info["脚本"] = (script.text or "").strip() if script is not None else ""
        for key, label in _FIELDS.items():
            if node.get("id") in tasks:
                info[label] = str(tasks[node.get("id")].get(key, ""))
        found[node.get("id", "")] = info
    return found


def _label(element_id: str, info: dict[str, Any]) -> ElementChange:
    return ElementChange(element_id, _KIND.get(info["kind"], info["kind"]), info["name"])


def diff_versions(old: ProcessDefinition, new: ProcessDefinition) -> VersionDiff:
    """A readable diff: which elements were added, removed or changed (and how) from `old` to `new`."""
    before, after = _elements(old), _elements(new)
    diff = VersionDiff(old, new)
    for element_id, info in after.items():
        if element_id not in before:
            diff.added.append(_label(element_id, info))
    for element_id, info in before.items():
        if element_id not in after:
            diff.removed.append(_label(element_id, info))
            continue
        other = after[element_id]
        details = [f"{key}：“{info.get(key, '')}” → “{other.get(key, '')}”"
                   for key in dict.fromkeys([*info, *other]) if key != "kind" and info.get(key) != other.get(key)]
        if info["kind"] != other["kind"]:
            details.insert(0, f"类型：{info['kind']} → {other['kind']}")
        if details:
            change = _label(element_id, other)
            change.details = details
            diff.changed.append(change)
    return diff
