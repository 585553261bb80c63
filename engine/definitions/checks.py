"""The checks a process passes before it may deploy; each returns Problems naming element, name and line.

Schema (BPMN 2.0 XSD), Spiral's conventions (role, stage, due, form), expressions and scripts (sandbox),
timers (ISO 8601 or an expression), and the Camunda/Zeebe constructs Spiral cannot honour — named, so a file
made in another tool is either run with its meaning or refused with a precise reason.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.calendar.deadlines import MAX_DAYS, parse_duration
from engine.errors import Problem

from .namespaces import CAMUNDA, NS, ZEEBE, nodes
from .sandbox import check_code, normalize_expression

VARIABLE = re.compile(r"^\s*(\$\{\s*|=\s*)([A-Za-z_][A-Za-z0-9_]*)\s*\}?\s*$")
ISO_LITERAL = re.compile(r"^(R\d*/)?P[0-9YMWDTHS.]+(/.*)?$|^\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]+)?$")
_ISO_LOOKING = re.compile(r"^(R\d*/)?PT?\d|^\d{4}-\d")
_PYTHON_LANGUAGES = {"", "python", "juel", "feel", "text/x-python", "spiff"}
_TIMER_YEARS = (2000, 2100)  # a timer date outside these years is a typing slip, and may overflow later
_APPROX_DAYS = {"years": 366, "months": 31, "weeks": 7, "days": 1, "hours": 1 / 24, "minutes": 1 / 1440,
                "seconds": 1 / 86400}
_RESERVED_IDS = {"Start", "End", "Root"}  # SpiffWorkflow's own task spec names
_validator: BpmnValidator | None = None
Checker = Callable[[str], bool]


def _schema() -> BpmnValidator:
    global _validator
    if _validator is None:
        _validator = BpmnValidator()
    return _validator


def short_names(message: str) -> str:
    """`{http://www.omg.org/spec/BPMN/20100524/MODEL}process` → `bpmn:process`, as people write it."""
    for prefix, uri in NS.items():
        message = message.replace("{%s}" % uri, prefix + ":")
    return message


def schema_problems(tree: etree._ElementTree, filename: str) -> list[Problem]:
    """Every BPMN 2.0 XSD violation (first 30), with its line."""
    schema = _schema()
    schema.preprocess(tree.getroot())
    if schema.validator.validate(tree):
        return []
    return [Problem(f"不符合 BPMN 2.0 规范：{short_names(err.message)}", filename, err.line)
            for err in schema.validator.error_log][:30]


def _owner(node: etree._Element) -> etree._Element:
    """The nearest ancestor-or-self that has an id (the element a person clicks on in the modeler)."""
    current: etree._Element | None = node
    while current is not None and not current.get("id"):
        current = current.getparent()
    return current if current is not None else node


def _problem(node: etree._Element, message: str, filename: str) -> Problem:
    owner = _owner(node)
    return Problem(message, filename, node.sourceline, owner.get("id", ""),  # type: ignore[arg-type]  # stubs: sourceline is int | None
                   (owner.get("name") or "").strip())


def check_conventions(meta: dict[str, Any], filename: str, role_exists: Checker, form_exists: Checker
                      ) -> tuple[list[Problem], list[Problem]]:
    """Lane role, candidate groups, stage, form, due and dueDate of every user task; and the start form."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    vocabulary = {s["code"] for s in meta["vocabulary"]}
    for task_id, task in meta["tasks"].items():
        def problem(message: str, target: list[Problem] = problems) -> None:
            target.append(Problem(message, filename, task["line"], task_id, task["name"]))  # noqa: B023 - called in this iteration only
        routed_by_camunda = task["assignee"] or task["candidate_groups"] or task["candidate_users"]
        if not routed_by_camunda:
            if not task["lane"]:
                problem("用户任务不在任何泳道中，也没有指定办理人或候选人：运行时将作为无法路由的任务交给"
                        "质量办（建议把它放进以角色命名的泳道）", warnings)
            elif not role_exists(task["lane"]):
                problem(f"泳道“{task['lane']}”不是系统中的角色（请使用角色名称或代码）")
        for group in filter(None, (g.strip() for g in task["candidate_groups"].split(","))):
            if not VARIABLE.match(group) and not role_exists(group):
                problem(f"candidateGroups 中的“{group}”不是系统中的角色")
        for field_name in ("assignee", "candidate_users", "candidate_groups"):
            value = task[field_name]
            if "${" in value and not all(VARIABLE.match(v) for v in value.split(",") if v.strip()):
                problem(f"{field_name} 的表达式“{value}”无法理解：只支持 ${{变量名}}")
        if task["stage"] and task["stage"] not in vocabulary:
            problem(f"阶段“{task['stage']}”不在螺旋阶段词表中（{', '.join(sorted(vocabulary))}）")
        if task["form"] and not form_exists(task["form"]):
            problem(f"表单“{task['form']}”不存在（forms/ 中没有 {task['form']}.form）")
        if task["due"]:
            try:
                parse_duration(task["due"])
            except ValueError as exc:
                problem(str(exc))
        elif task["due_date"]:
            _check_due_date(task["due_date"], problem)
        else:
            problem("用户任务没有设置期限（due），不会被督办", warnings)
        if task["due_calendar"] and task["due_calendar"] not in ("working", "calendar"):
            problem(f"dueCalendar 只能是 working 或 calendar，而不是“{task['due_calendar']}”")
    if meta["start_form"] and not form_exists(meta["start_form"]):
        problems.append(Problem(f"开始事件的表单“{meta['start_form']}”不存在", filename))
    return problems, warnings


def _check_due_date(value: str, problem: Callable[..., None]) -> None:
    text = value.strip().strip("'\"")
    if VARIABLE.match(text):
        return  # a date from the cycle's data (a plan task's 完成时限), resolved when the task opens
    try:
        year = datetime.fromisoformat(text).year
    except ValueError:
        problem(f"dueDate “{value}” 既不是日期也不是时长（应为 2025-10-31T17:00:00 这样的 ISO 日期，"
                f"或 P7D 这样从任务创建时起算的 ISO 时长）")
        return
    if not _TIMER_YEARS[0] <= year <= _TIMER_YEARS[1]:
        problem(f"dueDate “{value}” 应在 {_TIMER_YEARS[0]} 年到 {_TIMER_YEARS[1]} 年之间")


def check_code_elements(process: etree._Element, filename: str) -> list[Problem]:
    """Conditions and scripts: a language Spiral runs, and code the sandbox accepts."""
    problems: list[Problem] = []
    for node in nodes(process, ".//bpmn:conditionExpression"):
        language = (node.get("language") or "").strip().lower()
        if language not in _PYTHON_LANGUAGES:
            problems.append(_problem(node, f"条件表达式的语言“{language}”不受支持（请写 Python、"
                                           f"${{…}} 或 = … 形式）", filename))
            continue
        problems += _code_problems(node, normalize_expression(node.text or ""), "eval", filename)
    for script_task in nodes(process, ".//bpmn:scriptTask"):
        language = (script_task.get("scriptFormat") or "").strip().lower()
        if language not in _PYTHON_LANGUAGES:
            problems.append(_problem(script_task, f"脚本语言“{language}”不受支持，只能使用 Python", filename))
            continue
        if script_task.get(CAMUNDA + "resource"):
            problems.append(_problem(script_task, "不支持外部脚本文件（camunda:resource），请把脚本写在任务中",
                                     filename))
        for node in nodes(script_task, "./bpmn:script"):
            problems += _code_problems(node, node.text or "", "exec", filename)
    return problems


def _code_problems(node: etree._Element, source: str, mode: str, filename: str) -> list[Problem]:
    problems = [_problem(node, f"表达式/脚本被拒绝：{reason}", filename) for reason in check_code(source, mode)]
    if re.search(r"\b(execution|task)\s*\.", source):
        problems.append(_problem(node, "Camunda 的 execution/task 对象在此不可用，请直接写变量名"
                                       "（如 ${approved}）", filename))
    return problems


def check_timers(process: etree._Element, filename: str) -> list[Problem]:
    """Every timer is an ISO 8601 date, duration or cycle, or an expression the sandbox accepts."""
    problems: list[Problem] = []
    for kind in ("timeDuration", "timeDate", "timeCycle"):
        for node in process.iter("{%s}%s" % (NS["bpmn"], kind)):
            text = (node.text or "").strip()
            if not text:
                problems.append(_problem(node, f"定时器（{kind}）没有填写时间", filename))
                continue
            literal = text.strip("'\"")
            if _ISO_LOOKING.match(literal.upper()):
                reason = _iso_problem(kind, literal)
                if reason:
                    problems.append(_problem(node, f"定时器“{text}”无法解析：{reason}", filename))
                continue
            reasons = check_code(normalize_expression(text), "eval")
            if reasons:
                problems.append(_problem(node, f"定时器“{text}”无法解析：既不是 ISO 8601 时间（如 P3D、"
                                               f"2025-10-01T09:00、R3/PT1H），也不是合法表达式", filename))
    return problems


def _iso_problem(kind: str, text: str) -> str:
    try:
        if kind == "timeDuration":
            if not text.upper().startswith("P"):
                return "时长应以 P 开头，如 P3D"
            return _duration_problem(text)
        if kind == "timeDate":
            return _date_problem(text)
        if not text.upper().startswith("R"):
            return "循环定时器应写成 R3/PT1H 这样的形式"
        # each part is checked before SpiffWorkflow computes the interval: it counts a P99999Y month by month
        for part in text.upper().replace("--", "/").split("/")[1:]:
            reason = _duration_problem(part) if part.startswith("P") else _date_problem(part)
            if reason:
                return reason
        TimerEventDefinition.parse_iso_recurring_interval(text)
    except Exception as exc:  # SpiffWorkflow raises bare Exception/ValueError for bad ISO text
        return str(exc) or exc.__class__.__name__
    return ""


def _duration_problem(text: str) -> str:
    """An ISO duration SpiffWorkflow reads, at most MAX_DAYS long; "" when it is fine."""
    parsed = TimerEventDefinition.parse_iso_duration(text)
    if sum(_APPROX_DAYS[unit] * value for unit, value in parsed.items()) > MAX_DAYS:
        return f"时长过长：最长 {MAX_DAYS} 天（P{MAX_DAYS}D，约 10 年），请改短"
    return ""


def _date_problem(text: str) -> str:
    """An ISO date (or week date) between 2000 and 2100; "" when it is fine."""
    read = TimerEventDefinition.parse_iso_week if "W" in text.upper() else TimerEventDefinition.get_datetime
    year = read(text).year
    if not _TIMER_YEARS[0] <= year <= _TIMER_YEARS[1]:
        return f"日期应在 {_TIMER_YEARS[0]} 年到 {_TIMER_YEARS[1]} 年之间"
    return ""


_UNSUPPORTED = [
    (".//camunda:taskListener | .//camunda:executionListener",
     "Camunda 监听器（listener）不受支持；请用脚本任务或流程中的步骤表达"),
    (".//camunda:inputOutput", "Camunda 输入/输出映射（inputOutput）不受支持；任务直接读写流程变量"),
    (".//camunda:formData", "Camunda 生成式表单（formData）不受支持；请用属性 form 引用 forms/ 中的表单"),
    (".//zeebe:ioMapping", "Zeebe 输入/输出映射（ioMapping）不受支持；任务直接读写流程变量"),
    (".//zeebe:taskListeners | .//zeebe:executionListeners", "Zeebe 监听器不受支持"),
    (".//bpmn:serviceTask | .//bpmn:sendTask", "服务任务/发送任务不受支持：本系统不调用外部服务，"
                                                "请改为用户任务或脚本任务"),
    (".//bpmn:businessRuleTask", "业务规则任务（DMN）不受支持，请改为脚本任务或排他网关"),
]


def check_foreign(process: etree._Element, filename: str) -> tuple[list[Problem], list[Problem]]:
    """Constructs from Camunda 7/8 and other tools that Spiral cannot honour (problems) or ignores (warnings)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for path, message in _UNSUPPORTED:
        for node in nodes(process, path):
            problems.append(_problem(node, message, filename))
    for node in process.iter():
        if not isinstance(node.tag, str):
            continue
        if node.get("id") in _RESERVED_IDS:
            problems.append(_problem(node, f"元素 id “{node.get('id')}” 是引擎保留的名称，请改为其他 id"
                                           f"（如 {node.get('id')}Event_1）", filename))
        for attr in ("formRef", "class", "delegateExpression", "expression", "type", "topic"):
            if node.get(CAMUNDA + attr) and node.tag.startswith("{%s}" % NS["bpmn"]) \
                    and not node.tag.endswith(("serviceTask", "sendTask", "businessRuleTask")):
                problems.append(_problem(node, f"camunda:{attr} 不受支持", filename))
        for attr in ("followUpDate", "priority", "asyncBefore", "asyncAfter", "jobPriority"):
            if node.get(CAMUNDA + attr):
                warnings.append(_problem(node, f"camunda:{attr} 会被忽略", filename))
        if node.tag == ZEEBE + "taskSchedule" and node.get("followUpDate"):
            warnings.append(_problem(node, "zeebe followUpDate 会被忽略", filename))
    return problems, warnings
