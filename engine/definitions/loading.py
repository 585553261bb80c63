"""Load a BPMN file safely and turn it into a SpiffWorkflow spec plus Spiral's task metadata.

Every problem found is collected (XML, schema, SpiffWorkflow, Spiral conventions) and raised at once as
`InvalidProcess`, each naming the file, line and element.
"""
from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.errors import InvalidProcess, Problem

from . import checks as bpmn_checks
from .namespaces import CAMUNDA as _CAMUNDA
from .namespaces import NS, nodes
from .stages import DEFAULT_STAGES

MAX_BPMN_BYTES = 5 * 1024 * 1024


@dataclass
class LoadedProcess:
    """A parsed, validated process: what a deploy stores and what the runtime runs."""

    process_id: str
    name: str
    xml: str
    spec: Any
    subprocess_specs: dict[str, Any]
    meta: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)


def parse_xml_safely(data: bytes | str, filename: str) -> etree._ElementTree:
    """Parse XML with no DTD, no entities, no network and a size limit; raises InvalidProcess."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_BPMN_BYTES:
        raise InvalidProcess([Problem(f"文件过大（{len(raw) // 1024} KB），上限为 "
                                      f"{MAX_BPMN_BYTES // 1024 // 1024} MB", filename)])
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise InvalidProcess([Problem("出于安全原因，不接受包含 DOCTYPE 或实体（ENTITY）声明的 XML", filename)])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_blank_text=False)
    try:
        return etree.ElementTree(etree.fromstring(raw, parser))
    except etree.XMLSyntaxError as exc:
        raise InvalidProcess([Problem(f"XML 格式错误：{exc.msg}", filename, exc.lineno)]) from exc


def _quote_bare_timers(tree: etree._ElementTree) -> None:
    """SpiffWorkflow evaluates timer text as Python; a bare `P3D` must become the string 'P3D'."""
    for tag in ("timeDuration", "timeDate", "timeCycle"):
        for node in tree.getroot().iter("{%s}%s" % (NS["bpmn"], tag)):
            text = (node.text or "").strip()
            if bpmn_checks.ISO_LITERAL.match(text):
                node.text = f'"{text}"'


def _properties(node: etree._Element) -> dict[str, str]:
    props: dict[str, str] = {}
    for prop in nodes(node, "./bpmn:extensionElements/camunda:properties/camunda:property"):
        props[prop.get("name", "")] = prop.get("value", "")
    for prop in nodes(node, "./bpmn:extensionElements/zeebe:properties/zeebe:property"):
        props[prop.get("name", "")] = prop.get("value", "")
    for prop in nodes(node, "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"):
        props[prop.get("name", "")] = prop.get("value", "")
    return props


def _first_text(node: etree._Element, path: str) -> str:
    found = nodes(node, path)
    return (found[0].text or "").strip() if found else ""


def _lanes(process: etree._Element) -> dict[str, str]:
    lanes: dict[str, str] = {}
    for lane in nodes(process, ".//bpmn:lane"):
        for ref in nodes(lane, "./bpmn:flowNodeRef"):
            lanes[(ref.text or "").strip()] = (lane.get("name") or "").strip()
    return lanes


def _zeebe(node: etree._Element, element: str, attr: str) -> str:
    """A Camunda 8 (Zeebe) setting; a FEEL `=name` becomes `${name}` as Camunda 7 writes it."""
    found = nodes(node, f"./bpmn:extensionElements/zeebe:{element}")
    value = (found[0].get(attr) or "").strip() if found else ""
    if value.startswith("="):
        value = "${%s}" % value[1:].strip()
    return value


def _task_meta(node: etree._Element, lane: str) -> dict[str, Any]:
    props = _properties(node)
    form = props.get("form") or node.get(_CAMUNDA + "formKey", "") or \
        node.get("{%s}formJsonSchemaFilename" % NS["spiffworkflow"], "") or \
        _zeebe(node, "formDefinition", "formKey") or _zeebe(node, "formDefinition", "formId")
    form = re.sub(r"^(camunda-forms:bpmn:|embedded:app:forms/|camunda-forms:deployment:)", "", form)
    form = re.sub(r"(-schema)?\.(form|json)$", "", form)
    instructions = _first_text(node, "./bpmn:extensionElements/spiffworkflow:instructionsForEndUser") or \
        _first_text(node, "./bpmn:documentation")
    due = props.get("due", "").strip()
    due_date = (node.get(_CAMUNDA + "dueDate", "") or _zeebe(node, "taskSchedule", "dueDate")).strip()
    if not due and due_date.strip("'\"").upper().startswith("P"):
        # Camunda 7: a dueDate may be a duration from the task's creation; it then means what `due` means
        due, due_date = due_date.strip("'\""), ""
    return {
        "name": (node.get("name") or node.get("id") or "").strip(),
        "lane": lane,
        "stage": props.get("stage", "").strip(),
        "due": due,
        "due_calendar": props.get("dueCalendar", "").strip(),
        "due_date": due_date,
        "escalation": props.get("escalation", "").strip(),
        # the unit whose holders do the task (a code, name or 简称, or ${variable}); absent: the subject's unit
        "unit": props.get("unit", "").strip(),
        # "status": the task page shows each indicator's latest value and status for the cycle's subject and period
        "indicators": props.get("indicators", "").strip(),
        # a stage code: the task page shows what the subject's previous cycle of this process decided in that stage
        "carry_over": props.get("carryOver", "").strip(),
        # a variable (or `${chapter.draft}`) holding the answers the form starts from when it has none of its own
        "answers": props.get("answers", "").strip(),
        "form": form.strip(),
        "instructions": instructions,
        "assignee": (node.get(_CAMUNDA + "assignee", "") or _zeebe(node, "assignmentDefinition", "assignee")).strip(),
        "candidate_groups": (node.get(_CAMUNDA + "candidateGroups", "")
                             or _zeebe(node, "assignmentDefinition", "candidateGroups")).strip(),
        "candidate_users": (node.get(_CAMUNDA + "candidateUsers", "")
                            or _zeebe(node, "assignmentDefinition", "candidateUsers")).strip(),
        "line": node.sourceline,
    }


def _flow_order(process: etree._Element) -> list[str]:
    """Flow node ids in breadth-first order from the start events (document order for the rest)."""
    outgoing: dict[str, list[str]] = {}
    for flow in nodes(process, "./bpmn:sequenceFlow"):
        outgoing.setdefault(flow.get("sourceRef", ""), []).append(flow.get("targetRef", ""))
    starts = [n.get("id", "") for n in nodes(process, "./bpmn:startEvent")]
    seen: list[str] = []
    queue = deque(starts)
    while queue:
        current = queue.popleft()
        if current in seen:
            continue
        seen.append(current)
        queue.extend(outgoing.get(current, []))
    return seen


def _stage_vocabulary(props: dict[str, str]) -> list[dict[str, str]]:
    """The process's own stage list (`stages` = "goal:目标,plan:计划,…"), else the default spiral."""
    declared = props.get("stages", "").strip()
    if not declared:
        return [dict(code=c, label=label) for c, label in DEFAULT_STAGES]
    labels = dict(DEFAULT_STAGES)
    stages = []
    for item in declared.split(","):
        code, _, label = item.strip().partition(":")
        stages.append(dict(code=code.strip(), label=(label or labels.get(code.strip(), code)).strip()))
    return stages


def extract_meta(process: etree._Element) -> dict[str, Any]:
    """Spiral's view of one process element: its tasks' routing, stage, deadline, form, instructions."""
    lanes = _lanes(process)
    tasks: dict[str, Any] = {}
    for node in nodes(process, ".//bpmn:userTask | .//bpmn:manualTask"):
        tasks[node.get("id", "")] = _task_meta(node, lanes.get(node.get("id", ""), ""))
    start_form = ""
    for node in nodes(process, "./bpmn:startEvent"):
        start_form = _task_meta(node, "")["form"] or start_form
    vocabulary = _stage_vocabulary(_properties(process))
    order = _flow_order(process)
    used = [tasks[i]["stage"] for i in order if i in tasks and tasks[i]["stage"]]
    used += [t["stage"] for t in tasks.values() if t["stage"]]
    codes_used = list(dict.fromkeys(used))
    known = [s["code"] for s in vocabulary]
    stages = [s for s in vocabulary if s["code"] in codes_used and s["code"] in known]
    timers = len(nodes(process, ".//bpmn:timerEventDefinition"))
    return {"tasks": tasks, "start_form": start_form, "stages": stages, "vocabulary": vocabulary,
            "level": _properties(process).get("level", ""), "timers": timers,
            # many cycles of it may run for one subject and period (one per plan task, per activity…)
            "repeatable": _properties(process).get("repeatable", "").strip().lower() == "true"}


def load_process(data: bytes | str, filename: str, *, role_exists: Callable[[str], bool],
                 form_exists: Callable[[str], bool]) -> LoadedProcess:
    """Parse and validate one BPMN file holding one executable process.

    Raises InvalidProcess listing every problem found (schema, conventions, code, timers, foreign
    constructs, SpiffWorkflow's own parse), with the warnings beside them.
    """
    tree = parse_xml_safely(data, filename)
    root = tree.getroot()
    if root.tag != "{%s}definitions" % NS["bpmn"]:
        raise InvalidProcess([Problem("这不是 BPMN 2.0 文件（根元素应为 bpmn:definitions）", filename, root.sourceline)])  # type: ignore[arg-type]  # stubs: sourceline is int | None
    problems = bpmn_checks.schema_problems(tree, filename)
    schema_ok = not problems
    executable = [p for p in nodes(root, "./bpmn:process") if p.get("isExecutable") != "false"]
    if not executable:
        problems.append(Problem("文件中没有可执行的流程（bpmn:process isExecutable=\"true\"）", filename))
        raise InvalidProcess(problems)
    if len(executable) > 1:
        problems.append(Problem("一个文件只能包含一个可执行流程；请把其他流程放进单独的文件", filename))
    process = executable[0]
    meta = extract_meta(process)
    if not meta["tasks"] and not nodes(process, ".//bpmn:endEvent"):
        problems.append(Problem("流程中既没有用户任务也没有结束事件：请至少画一个用户任务，并以结束事件收尾",
                                filename, process.sourceline, process.get("id", ""), process.get("name", "")))  # type: ignore[arg-type]  # stubs: sourceline is int | None
    found, warnings = bpmn_checks.check_conventions(meta, filename, role_exists, form_exists)
    problems += found + bpmn_checks.check_code_elements(process, filename) + \
        bpmn_checks.check_timers(process, filename)
    foreign, ignored = bpmn_checks.check_foreign(process, filename)
    problems += foreign
    warnings += ignored
    _quote_bare_timers(tree)
    spec, subprocess_specs = None, {}
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(root, filename)
        spec = parser.get_spec(process.get("id"))
        subprocess_specs = parser.get_subprocess_specs(process.get("id"))
    except ValidationException as exc:
        problems.append(Problem(_spiff_message(exc), filename, exc.line_number or None, exc.id, exc.name))
    except SpiffWorkflowException as exc:
        problems.append(Problem(_spiff_message(exc), filename))
    except Exception as exc:  # a schema-invalid file can trip the parser anywhere; the schema errors say why
        if schema_ok:
            raise
        problems.append(Problem(f"流程无法解析：{exc}", filename))
    if problems:
        raise InvalidProcess(problems, warnings)
    xml = etree.tostring(root, encoding="unicode")
    return LoadedProcess(process.get("id", ""), (process.get("name") or process.get("id") or "").strip(), xml,
                         spec, subprocess_specs, meta, warnings)


def _spiff_message(exc: Exception) -> str:
    text = str(getattr(exc, "message", "") or (exc.args[0] if exc.args else exc))
    notes = getattr(exc, "notes", [])
    return "流程无法解析：" + text + (("（" + "；".join(notes) + "）") if notes else "")
