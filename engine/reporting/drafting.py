"""生成草稿: the diagnosis task's form filled from the report's data, kept as its holder's draft so they edit the
narrative rather than copy figures. What is filled is read from the form: its first long text gets the goal and
indicator summary, a problem list (rows with `problem`) one row per indicator below its standard, a diagnosis-item
list (rows with `item`) a row per item the form offers, and a choice whose options read 合格/预警/不合格 the worst
status. Anything the holder already wrote elsewhere in the draft stays."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

import engine.audit as audit
from engine.definitions.specs import form_registry
from engine.errors import InvalidInput
from engine.org.models import Person
from engine.workflow.access import ensure_may_act
from engine.workflow.drafts import save_task_draft, task_draft
from engine.workflow.models import HumanTask
from engine.workflow.tasks import get_task, task_context
from forms import FormDef

from .diagnosis import gather, report_stage_task

VERDICT = {"优": "合格", "达标": "合格", "预警": "预警", "不合格": "不合格"}
WORST = ("不合格", "预警", "合格")


def offers_draft(task: HumanTask, form: FormDef | None) -> bool:
    """Whether the task's page offers 生成草稿: an open diagnosis task whose form has a list of problems."""
    return (task.status == "open" and form is not None and report_stage_task(task)
            and any(_list_with(f, "problem") for f in form.fields))


def generate_draft(session: Session, actor: Person, task_id: int, now: datetime) -> list[str]:
    """Fill the actor's draft of a diagnosis task from the cycle's report; commits, audited; the labels of the
    fields filled. Raises NotFound, NotAllowed, Conflict, InvalidInput (not a task that offers it)."""
    task = get_task(session, task_id, with_cycle=True)
    ensure_may_act(session, actor, task)
    form = form_registry(session).get(task.form_id) if task.form_id else None
    if form is None or not offers_draft(task, form):
        raise InvalidInput("该任务不是可以生成诊断草稿的自我诊断任务")
    report = gather(session, task.instance, now)
    mine = task_draft(session, actor, task)
    data: dict[str, Any] = dict(mine.data) if mine is not None else {
        k: v for k, v in task_context(session, task).items() if form.field(k) is not None}
    filled = _fill(form, data, report)
    audit.record(session, actor, "task.draft_generated", now, instance=task.instance, task=task,
                 summary=f"由系统数据生成诊断草稿：{'、'.join(filled) or '无可填写的栏目'}")
    save_task_draft(session, actor, task.id, data, now)
    return filled


def _list_with(field: Any, column: str) -> bool:
    return field.type == "dynamiclist" and column in {c.key for c in field.children}


def _fill(form: FormDef, data: dict[str, Any], report: dict[str, Any]) -> list[str]:
    filled: list[str] = []
    statuses = [i["status"] for i in report["indicators"] if i["status"] in VERDICT]
    worst = next((w for w in WORST if w in {VERDICT[s] for s in statuses}), "")
    text_done = False
    for field in form.fields:
        key = field.key or ""
        if field.type == "textarea" and not text_done:
            data[key] = f"{report['goal_summary']}\n{report['indicator_summary']}"
            text_done = True
        elif field.type in ("radio", "select") and worst and {o.label for o in field.options} >= set(WORST):
            data[key] = next(o.value for o in field.options if o.label == worst)
        elif _list_with(field, "problem") and not _list_with(field, "measure"):
            data[key] = _problems(field, data.get(key), report)
        elif _list_with(field, "item"):
            data[key] = _items(field, report)
        else:
            continue
        filled.append(field.label)
    return filled


def _problems(field: Any, kept: Any, report: dict[str, Any]) -> list[dict[str, Any]]:
    """The holder's own problems (those with text), then one per indicator below its standard."""
    rows = [r for r in (kept or []) if isinstance(r, dict) and str(r.get("problem") or "").strip()]
    have = {str(r.get("problem")) for r in rows}
    for ind in report["indicators"]:
        text = (f"{ind['name']}为 {ind['value']}（{ind['status']}），标准值 {ind['standard']}，"
                f"预警值 {ind['warning']}；趋势：{ind['trend']}")
        if ind["bad"] and text not in have:
            rows.append({c.key: "" for c in field.children if c.key} | {"problem": text})
    return rows


def _items(field: Any, report: dict[str, Any]) -> list[dict[str, Any]]:
    """A row per diagnosis item the form offers that the indicators cover, judged by the worst of them."""
    columns = {c.key: c for c in field.children}
    offered = {o.label for o in columns["item"].options} if columns["item"].options else None
    result = columns.get("result")
    rows = []
    for item in report["diagnosis_items"]:
        if offered is not None and item["name"] not in offered:
            continue
        row: dict[str, Any] = {c: "" for c in columns} | {"item": item["name"]}
        if "finding" in columns:
            row["finding"] = item["finding"]
        if result is not None and result.options:
            verdict = VERDICT.get(item["result"], "")
            row["result"] = next((o.value for o in result.options if o.label == verdict), "")
        rows.append(row)
    return rows
