"""Action plans on the command line: import a 计划任务 workbook, list the plans, show one plan's tasks."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from .extensions import db


def _now():  # type: ignore[no-untyped-def]
    from . import clock
    return clock.now()


@click.group("plans")
def plans_group() -> None:
    """Action plans (规划 / 行动计划): sheet 计划任务."""


@plans_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="The plan's name (default: the file's name without .xlsx).")
@click.option("--office", default="", help="The plan's office unit (name, code or 简称; default the quality office).")
@click.option("--dry-run", is_flag=True, help="Check and say what would change; write nothing.")
@with_appcontext
def plans_import(file: Path, name: str | None, office: str, dry_run: bool) -> None:
    """Import FILE.xlsx's sheet 计划任务: each 具体任务 × department becomes a tracked task (all or nothing)."""
    from engine import import_plan
    report = import_plan(db.session, None, file.read_bytes(), _now(), name=name or file.stem, office=office,
                         dry_run=dry_run)
    click.echo(("检查通过（未写入）：" if dry_run else "") + report.summary())


@plans_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def plans_list(as_json: bool) -> None:
    """Every plan with its counts (完成 12/25，逾期 3)."""
    from engine import overview, plans
    rows = []
    for plan in plans(db.session, None):
        state = overview(db.session, None, plan.id, _now())
        rows.append({"id": plan.id, "name": plan.name, "period": plan.period, "office": plan.office_unit.name,
                     "tasks": state.tasks.total, "done": state.tasks.done, "late": state.tasks.late,
                     "shares": len(state.shares)})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("还没有计划：spiral plans import FILE.xlsx")
    for row in rows:
        click.echo(f"#{row['id']}  {row['name']}（{row['period']}，{row['office']}）  具体任务 {row['tasks']}：完成 "
                   f"{row['done']}，逾期 {row['late']}；部门任务 {row['shares']} 个")


@plans_group.command("show")
@click.argument("plan_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def plans_show(plan_id: int, as_json: bool) -> None:
    """Each department's task of plan PLAN_ID: 具体任务, department, assignee, due, status, colour."""
    from engine import overview
    state = overview(db.session, None, plan_id, _now())
    rows = [{"number": s.number, "section": s.section, "task": s.title, "target": s.target,
             "department": s.department, "role": s.role, "phase": s.phase, "assignee": "、".join(s.holders),
             "step": s.step, "task_id": s.step_id, "cycle_id": s.instance_id, "due": s.due_on.isoformat(),
             "status": s.status, "status_label": s.status_label, "percent": s.percent, "colour": s.rung,
             "late": s.late, "late_days": s.late_days if s.late else 0} for s in state.shares]
    if as_json:
        click.echo(json.dumps({"id": state.plan.id, "name": state.plan.name, "period": state.plan.period,
                               "summary": state.tasks.text(), "tasks": rows}, ensure_ascii=False, indent=2))
        return
    click.echo(f"{state.plan.name}（{state.plan.period}）：{state.tasks.text()}")
    for row in rows:
        late = f"  逾期 {row['late_days']} 天" if row["late"] else ""
        colour = f"  [{row['colour']}]" if row["colour"] not in ("none", "") else ""
        click.echo(f"{row['number']}  {row['task']}  {row['department']}（{row['role']}）  {row['assignee'] or '—'}  "
                   f"{row['due']}  {row['status_label']} {row['percent']}%{colour}{late}")


COMMANDS = [plans_group]
