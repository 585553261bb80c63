"""The 自我诊断报告 of one cycle, gathered from the cycle itself: its subject, level, period and owner; its goals and
their attainment; each indicator's value, status and trend; the diagnosis items and problems its forms recorded;
the improvement sheet (its own and that of every improvement a warning started) with its verification; its
evidence and its timeline. Nothing here names a process, a lane or a form: lists are read by their columns
(`problem`, `cause`, `measure`, `owner`, `deadline`, `verification`, `item`, `result`, `finding`) and by the
stage vocabulary's `diagnose` code, which DESIGN.md fixes for every process.

The report is plain data (dicts, lists, strings): the page renders it, the Word template reads it."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.specs import form_registry, loaded_for
from engine.errors import NotAllowed
from engine.org.models import LEVEL_NAMES, Person
from engine.org.school import school_name
from engine.quality.centre import STATE_LABELS
from engine.quality.goals import reference, subject_goals
from engine.quality.library import indicators as library
from engine.quality.loop import improvements_of
from engine.quality.models import IndicatorValue
from engine.quality.status import BAD, COLOURS, LABELS, fmt
from engine.quality.values import history, latest_values
from engine.workflow.access import can_view_instance
from engine.workflow.cycles import get_instance, timeline
from engine.workflow.evidence import cycle_evidence
from engine.workflow.models import HumanTask, ProcessInstance
from forms import FormDef

DIAGNOSE = "diagnose"  # the stage code of the vocabulary (DESIGN.md, BPMN conventions) whose task writes the report
LEVEL_WORDS = {code: name for name, code in LEVEL_NAMES.items()}
CYCLE_STATES = {"running": "进行中", "completed": "已完成", "cancelled": "已取消"}
UNMEASURED = "未采集"


def diagnosis_report(session: Session, actor: Person, instance_id: int, now: datetime) -> dict[str, Any]:
    """The report of cycle `instance_id` for someone who may see the cycle. Raises NotFound, NotAllowed."""
    instance = get_instance(session, instance_id)
    if not can_view_instance(session, actor, instance):
        raise NotAllowed("您无权查看该诊改周期的自我诊断报告")
    return gather(session, instance, now)


def gather(session: Session, instance: ProcessInstance, now: datetime) -> dict[str, Any]:
    """Everything the report holds, read from the cycle (no permission check: callers check)."""
    subject = instance.subject
    tasks = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)
                                 .order_by(HumanTask.id)))
    forms = form_registry(session)
    done = [(t, forms.get(t.form_id) if t.form_id else None) for t in tasks if t.status == "done"]
    meta = loaded_for(session, instance.definition).meta
    labels = {s["code"]: s.get("label", s["code"]) for s in meta.get("vocabulary") or meta.get("stages") or []}
    indicators = _indicators(session, instance)
    goals = _goals(session, instance)
    items = _items(done, indicators)
    problems = [row for task, form in done for row in _rows(task, form, has="problem", lacks="measure")]
    measures = [row for task, form in done for row in _rows(task, form, has="measure")]
    improvements = _improvements(session, instance, forms, measures)
    counts = {label: sum(1 for i in indicators if i["status"] == label) for label in (*LABELS.values(), UNMEASURED)}
    return {
        "school": school_name(session),
        "title": f"{subject.name}{LEVEL_WORDS.get(subject.level, '')}自我诊断报告",
        "generated_at": now.strftime("%Y-%m-%d %H:%M"),
        "cycle": {"id": instance.id, "process": instance.definition.name, "version": instance.definition.version,
                  "period": instance.period, "status": CYCLE_STATES.get(instance.status, instance.status),
                  "started": instance.started_at.strftime("%Y-%m-%d"),
                  "completed": instance.completed_at.strftime("%Y-%m-%d") if instance.completed_at else "",
                  "stage": labels.get(instance.current_stage, instance.current_stage) or "—"},
        "subject": {"code": subject.code, "name": subject.name, "unit": subject.unit.name if subject.unit else ""},
        "level": LEVEL_WORDS.get(subject.level, subject.level),
        "period": instance.period,
        "owner": _owner(instance, tasks),
        "goals": goals,
        "goal_summary": _goal_summary(goals),
        "indicators": indicators,
        "indicator_counts": counts,
        "indicator_summary": _indicator_summary(indicators, counts),
        "conclusion": _conclusion(done),
        "narratives": _narratives(done),
        "diagnosis_items": items,
        "problems": problems,
        "measures": measures,
        "improvements": improvements,
        "evidence": [{"filename": e.filename, "step": e.step, "stage": labels.get(e.stage, e.stage),
                      "uploader": e.uploader, "uploaded_at": e.uploaded_at.strftime("%Y-%m-%d %H:%M"),
                      "size": f"{max(1, e.size // 1024)} KB"} for e in cycle_evidence(session, instance.id)],
        "timeline": [{"at": e.at.strftime("%Y-%m-%d %H:%M"), "who": e.actor.name if e.actor else "系统",
                      "what": e.summary} for e in timeline(session, instance)],
    }


def report_stage_task(task: HumanTask) -> bool:
    """Whether a task belongs to the stage whose work the report is (its page links the report)."""
    return task.stage == DIAGNOSE


def _owner(instance: ProcessInstance, tasks: list[HumanTask]) -> dict[str, str]:
    """Who answers for the cycle: the subject's own person (a teacher, a student), else the holder of its
    diagnosis, else of its first step."""
    if instance.subject.person is not None:
        return {"name": instance.subject.person.name, "role": LEVEL_WORDS.get(instance.subject.level, "")}
    ranked = [t for t in tasks if t.stage == DIAGNOSE] + tasks
    for task in ranked:
        person = task.completed_by or task.assignee
        if person is not None:
            return {"name": person.name, "role": task.role_name}
    return {"name": "—", "role": ""}


def _indicators(session: Session, instance: ProcessInstance) -> list[dict[str, Any]]:
    latest = {v.indicator_id: v for v in latest_values(session, subject_id=instance.subject_id,
                                                       period=instance.period)}
    rows = []
    for ind in library(session, instance.subject.level):
        value = latest.get(ind.id)
        unit = ind.measure_unit
        trend, earlier = _trend(session, ind.id, instance, value)
        rows.append({
            "code": ind.code, "name": ind.name, "item": ind.item.name if ind.item else "", "unit": unit,
            "direction": "越高越好" if ind.direction == "higher" else "越低越好",
            "value": f"{fmt(value.value)}{unit}" if value else "—",
            "status": LABELS[value.status] if value else UNMEASURED,
            "colour": COLOURS[value.status] if value else "grey", "bad": bool(value and value.status in BAD),
            "aim": f"{fmt(value.aim)}{unit}" if value else "—",
            "standard": f"{fmt(value.standard)}{unit}" if value else "—",
            "warning": f"{fmt(value.warning)}{unit}" if value else "—",
            "measured_on": value.measured_on.isoformat() if value else "",
            "source": value.source if value else "",
            "trend": trend, "history": earlier})
    return rows


def _trend(session: Session, indicator_id: int, instance: ProcessInstance,
           value: IndicatorValue | None) -> tuple[str, str]:
    """(“↑ 较上期 +4”, “2024-2025-2 78% → 2025-2026-1 82%”): the latest value of each period so far."""
    by_period: dict[str, IndicatorValue] = {}
    for each in history(session, indicator_id, instance.subject_id):
        if each.period <= instance.period:
            by_period[each.period] = each
    points = [by_period[p] for p in sorted(by_period)][-4:]
    shown = " → ".join(f"{p.period} {fmt(p.value)}{p.indicator.measure_unit}" for p in points)
    if value is None or len(points) < 2:
        return ("首次采集" if value is not None else "—"), shown
    before = points[-2].value
    delta = value.value - before
    better = delta > 0 if value.indicator.direction == "higher" else delta < 0
    arrow = "持平" if delta == 0 else ("↑ 向好" if better else "↓ 变差")
    return f"{arrow}（较上期 {'+' if delta > 0 else ''}{fmt(round(delta, 4))}）", shown


def _goals(session: Session, instance: ProcessInstance) -> list[dict[str, Any]]:
    rows = []
    for node in subject_goals(session, instance.subject_id, instance.period):
        goal = node.goal
        share = node.attainment
        rows.append({"ref": reference(goal), "title": goal.title,
                     "attainment": "—" if share is None else f"{round(share * 100)}%",
                     "attained": "尚无可判断的数据" if share is None else "已达成" if share >= 0.999 else "未达成",
                     "indicators": "、".join(m.indicator.name for m in goal.measures) or "评定"})
    return rows


def _goal_summary(goals: list[dict[str, Any]]) -> str:
    if not goals:
        return "本周期尚未在系统中制定目标。"
    reached = sum(1 for g in goals if g["attained"] == "已达成")
    parts = "；".join(f"{g['ref']} {g['title']}：{g['attained']}（{g['attainment']}）" for g in goals)
    return f"本周期共 {len(goals)} 项目标，已达成 {reached} 项。{parts}。"


def _indicator_summary(indicators: list[dict[str, Any]], counts: dict[str, int]) -> str:
    if not indicators:
        return "指标库中没有该层面的指标。"
    spread = "，".join(f"{label} {n} 项" for label, n in counts.items() if n)
    bad = "；".join(f"{i['name']} {i['value']}（{i['status']}，标准值 {i['standard']}，预警值 {i['warning']}）"
                    for i in indicators if i["bad"])
    return f"共 {len(indicators)} 项指标：{spread}。" + (f"需要改进：{bad}。" if bad else "各项指标均达到标准值。")


def _text(component: Any, value: Any) -> str:
    """An answer as words: a choice's label, a list joined, a number without “.0”."""
    if value is None or value == "":
        return ""
    options = {str(o.value): o.label for o in getattr(component, "options", ())}
    if isinstance(value, list):
        return "、".join(options.get(str(v), str(v)) for v in value)
    if isinstance(value, float):
        return fmt(value)
    return str(options.get(str(value), str(value)))


def _rows(task: HumanTask, form: FormDef | None, has: str, lacks: str = "") -> list[dict[str, Any]]:
    """The rows of the task's lists that have column `has` (and not `lacks`), as words, with the step."""
    if form is None:
        return []
    found = []
    for field in form.fields:
        keys = {c.key for c in field.children}
        if field.type != "dynamiclist" or has not in keys or (lacks and lacks in keys):
            continue
        for row in task.data.get(field.key or "") or []:
            if isinstance(row, dict) and str(row.get(has) or "").strip():
                words = {c.key: _text(c, row.get(c.key)) for c in field.children if c.key}
                found.append({"category": "", "problem": "", "cause": "", "measure": "", "owner": "",
                              "deadline": "", "verification": "", **words, "step": task.title})
    return found


def _conclusion(done: list[tuple[HumanTask, FormDef | None]]) -> str:
    """The overall conclusion the last diagnosis chose (its first choice field)."""
    for task, form in reversed(done):
        if task.stage == DIAGNOSE and form is not None:
            for field in form.fields:
                if field.type in ("radio", "select") and field.key in task.data and field.options:
                    return _text(field, task.data[field.key])
    return ""


def _narratives(done: list[tuple[HumanTask, FormDef | None]]) -> list[dict[str, str]]:
    """The long texts of the diagnosis (目标达成情况…), latest answer of each field."""
    found: dict[str, dict[str, str]] = {}
    for task, form in done:
        if task.stage != DIAGNOSE or form is None:
            continue
        for field in form.fields:
            text = str(task.data.get(field.key or "") or "").strip() if field.type == "textarea" else ""
            if text:
                found[field.key or ""] = {"label": field.label, "text": text, "step": task.title}
    return list(found.values())


def _items(done: list[tuple[HumanTask, FormDef | None]], indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The diagnosis items: as a form judged them (rows with `item`), else each item of the indicators with the
    worst status among them."""
    judged = [row for task, form in done for row in _rows(task, form, has="item")]
    by_item: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ind in indicators:
        by_item[ind["item"] or "其他"].append(ind)
    if judged:
        latest = {row["item"]: row for row in judged}
        return [{"name": name, "result": row.get("result", ""), "finding": row.get("finding", ""),
                 "indicators": "、".join(f"{i['name']} {i['value']}" for i in by_item.get(name, []))}
                for name, row in latest.items()]
    order = (*LABELS.values(), UNMEASURED)
    return [{"name": name, "result": max((i["status"] for i in rows), key=lambda s: (s != UNMEASURED, order.index(s))),
             "finding": "；".join(f"{i['name']} {i['value']}（{i['status']}）" for i in rows),
             "indicators": "、".join(i["name"] for i in rows)} for name, rows in by_item.items()]


def _improvements(session: Session, instance: ProcessInstance, forms: Any,
                  measures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every improvement a warning started for the cycle's subject and period, its sheet joining the measures,
    and its verification (the improvement's own diagnosis step)."""
    rows = []
    for each in improvements_of(session, instance):
        cycle = each.instance
        tasks = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == cycle.id,
                                                             HumanTask.status == "done").order_by(HumanTask.id)))
        verification = ""
        for task in tasks:
            form = forms.get(task.form_id) if task.form_id else None
            measures.extend({**row, "step": f"整改 #{cycle.id}：{task.title}"} for row in _rows(task, form, "measure"))
            if task.stage == DIAGNOSE and form is not None:
                verification = "；".join(f"{f.label}：{_text(f, task.data.get(f.key or ''))}" for f in form.fields
                                         if f.type != "dynamiclist" and _text(f, task.data.get(f.key or "")))
        first = session.get(IndicatorValue, each.first_value_id)
        state = "closed" if cycle.status != "running" else "open"
        rows.append({"id": cycle.id, "indicator": each.indicator.name,
                     "value": f"{fmt(first.value)}{each.indicator.measure_unit}" if first else "",
                     "status": LABELS[first.status] if first else "",
                     "problem": _start_problem(session, cycle), "state": STATE_LABELS[state],
                     "opened": each.opened_at.strftime("%Y-%m-%d"),
                     "verification": verification or ("尚未验证" if state == "open" else "")})
    return rows


def _start_problem(session: Session, cycle: ProcessInstance) -> str:
    """The problem an improvement was started with (its start data), as the warning wrote it."""
    event = next((e for e in timeline(session, cycle) if e.action == "warning.started"), None)
    return event.summary.partition("：")[2] if event is not None else ""

