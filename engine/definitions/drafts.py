"""Drafts the quality office saves from the modeler, and the templates a new process starts from."""
from __future__ import annotations

import re
from datetime import datetime

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
import processes
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office
from engine.org.models import LEVELS, Person

from .deploy import latest_definition
from .loading import parse_xml_safely
from .models import ProcessDraft
from .namespaces import NS, nodes

PROCESS_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,99}$")
BLANK = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_new" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Spiral" exporterVersion="0.1.0">
  <bpmn:collaboration id="Collaboration_new">
    <bpmn:participant id="Participant_new" name="新流程" processRef="new_process"/>
  </bpmn:collaboration>
  <bpmn:process id="new_process" name="新流程" isExecutable="true">
    <bpmn:laneSet id="LaneSet_new">
      <bpmn:lane id="Lane_new" name="课程负责人"><bpmn:flowNodeRef>StartEvent_new</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_new" name="开始"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_new">
    <bpmndi:BPMNPlane id="BPMNPlane_new" bpmnElement="Collaboration_new">
      <bpmndi:BPMNShape id="Participant_new_di" bpmnElement="Participant_new" isHorizontal="true">
        <dc:Bounds x="120" y="60" width="900" height="220"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Lane_new_di" bpmnElement="Lane_new" isHorizontal="true">
        <dc:Bounds x="150" y="60" width="870" height="220"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="StartEvent_new_di" bpmnElement="StartEvent_new">
        <dc:Bounds x="212" y="152" width="36" height="36"/></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""



def process_id_of(xml: str) -> str:
    """The id of the (first executable) process in a BPMN text; raises InvalidProcess or InvalidInput."""
    root = parse_xml_safely(xml, "draft.bpmn").getroot()
    found = [p for p in nodes(root, "./bpmn:process") if p.get("isExecutable") != "false"]
    if not found or not PROCESS_ID.match(found[0].get("id", "")):
        raise InvalidInput("草稿中没有可执行的流程，或流程 id 不合法（只能用字母、数字、下划线）")
    return found[0].get("id", "")


def save_draft(session: Session, actor: Person | None, xml: str, now: datetime,
               editing: str | None = None) -> ProcessDraft:
    """Keep the modeler's current diagram as the process's draft (replacing the previous one); commits.

    `editing` is the process the modeler opened ("" for a new one): a diagram whose id names another process
    that exists is refused (Conflict), so a new process never overwrites an old one's draft.
    """
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以编辑流程")
    process_id = process_id_of(xml)
    if editing is not None and process_id != editing:
        refuse_existing(session, process_id)
    draft = get_draft(session, process_id)
    if draft is None:
        draft = ProcessDraft(process_id=process_id, xml=xml, updated_at=now)
        session.add(draft)
    draft.xml, draft.updated_at, draft.updated_by_id = xml, now, actor.id if actor else None
    session.flush()
    audit.record(session, actor, "process.draft_saved", now, object_type="process_draft", object_id=draft.id,
                 summary=f"保存流程“{process_id}”的草稿", after={"process_id": process_id, "bytes": len(xml)})
    session.commit()
    return draft


def refuse_existing(session: Session, process_id: str) -> None:
    """Raise Conflict when a process with this id is deployed or drafted already."""
    if get_draft(session, process_id) is not None or latest_definition(session, process_id, required=False):
        raise Conflict(f"流程 id “{process_id}” 已被使用（已有草稿或已部署的版本）：请换一个 id，"
                       f"或在流程列表中打开这个流程编辑")


def create_process(session: Session, actor: Person | None, level: str, process_id: str, name: str,
                   now: datetime) -> ProcessDraft:
    """新建流程: a draft from a level's template under a new id; raises Conflict when the id is taken."""
    return save_draft(session, actor, from_template(level, process_id, name), now, editing="")


def get_draft(session: Session, process_id: str) -> ProcessDraft | None:
    """The saved draft of a process, if any."""
    return session.scalars(select(ProcessDraft).where(ProcessDraft.process_id == process_id)).first()


def discard_draft(session: Session, process_id: str) -> None:
    """Forget a process's draft (after it was deployed); the caller commits."""
    draft = get_draft(session, process_id)
    if draft is not None:
        session.delete(draft)


def working_copy(session: Session, process_id: str) -> tuple[str, str]:
    """(xml, origin) the modeler opens: the draft if any, else the newest deployed version."""
    draft = get_draft(session, process_id)
    if draft is not None:
        return draft.xml, "draft"
    definition = latest_definition(session, process_id, required=False)
    if definition is None:
        raise NotFound(f"没有流程“{process_id}”的草稿或已部署版本")
    return definition.xml, f"v{definition.version}"


def from_template(level: str, process_id: str, name: str) -> str:
    """A new process's XML from a level's shipped spiral (or a blank lane), under a new id and name."""
    if not PROCESS_ID.match(process_id):
        raise InvalidInput("流程 id 只能用字母、数字和下划线，并以字母开头", {"process_id": "格式不正确"})
    if level in LEVELS:
        text = processes.path(level).read_text(encoding="utf-8")
    elif level == "blank":
        text = BLANK
    else:
        raise InvalidInput(f"没有“{level}”模板")
    root = etree.fromstring(text.encode("utf-8"))
    process = nodes(root, "./bpmn:process")[0]
    old = process.get("id")
    process.set("id", process_id)
    process.set("name", name.strip() or process_id)
    for node in root.iter():
        for attr in ("processRef", "bpmnElement"):
            if node.get(attr) == old:
                node.set(attr, process_id)
        if node.tag == "{%s}participant" % NS["bpmn"]:
            node.set("name", name.strip() or process_id)
    return etree.tostring(root, encoding="unicode", xml_declaration=False)
