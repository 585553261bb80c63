"""The quality data on the command line: the indicator library, values, a subject's status and the warnings."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from .extensions import db


def _now():  # type: ignore[no-untyped-def]
    from . import clock
    return clock.now()


@click.group("indicators")
def indicators_group() -> None:
    """The indicator library (sheet 指标库)."""


@indicators_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and say what would change; write nothing.")
@with_appcontext
def indicators_import(file: Path, dry_run: bool) -> None:
    """Import FILE.xlsx's sheet 指标库: add or change each indicator by its 代码 (all or nothing)."""
    from engine import import_library
    report = import_library(db.session, None, file.read_bytes(), _now(), dry_run=dry_run)
    if dry_run:
        db.session.rollback()
        click.echo(f"检查通过（未写入）：将新增或修改 {len(report.saved)} 个指标，{report.unchanged} 个不变")
        return
    db.session.commit()
    click.echo(f"已导入指标库：新增或修改 {len(report.saved)} 个指标，{report.unchanged} 个不变")


@indicators_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def indicators_export(file: Path) -> None:
    """Write the library to FILE.xlsx (sheet 指标库; importing it back changes nothing)."""
    from engine import export_library
    file.write_bytes(export_library(db.session))
    click.echo(f"已导出指标库：{file}")


@click.group("values")
def values_group() -> None:
    """Indicator values (sheet 指标值)."""


@values_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def values_import(file: Path) -> None:
    """Import FILE.xlsx's sheet 指标值 (all or nothing); bad values start their improvements."""
    from engine import import_values
    result = import_values(db.session, None, file.read_bytes(), _now())
    db.session.commit()
    click.echo(f"已导入 {len(result.values)} 个指标值（{result.unchanged} 个已存在未重复导入）；"
               f"发起整改 {len(result.started)} 项，并入进行中的整改 {len(result.joined)} 项")
    for instance in result.started:
        click.echo(f"  整改周期 #{instance.id}：{instance.subject.name}（{instance.period}）")


@click.command("status")
@click.option("--subject", "subject_code", required=True, help="The subject's code (spiral subjects lists them).")
@click.option("--period", required=True, help="2025-2026 or 2025-2026-1.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def status_cmd(subject_code: str, period: str, as_json: bool) -> None:
    """Each indicator's latest value, status and colour for a subject and period."""
    from engine import find_subject, subject_status
    rows = [row.as_dict() for row in subject_status(db.session, find_subject(db.session, subject_code), period)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        value = "—" if row["value"] is None else f"{row['value']:g}{row['unit']}"
        click.echo(f"{row['indicator']}  {row['name']}  {value}  {row['label']}  {row['colour']}")


@click.command("warnings")
@click.option("--json", "as_json", is_flag=True)
@click.option("--state", type=click.Choice(["open", "overdue", "closed", "none"]), help="Only this state.")
@with_appcontext
def warnings_cmd(as_json: bool, state: str | None) -> None:
    """Each warning: indicator, subject, period, value, status and the improvement cycle it started."""
    from engine import STATE_LABELS, warning_list
    rows = [row.as_dict() for row in warning_list(db.session, _now(), state=state)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        cycle = f"整改周期 #{row['improvement_cycle']}" if row["improvement_cycle"] else "—"
        click.echo(f"{row['label']}  {row['indicator_name']}  {row['subject_name']}  {row['period']}  "
                   f"{row['value']:g}{row['unit']}  {cycle}  {STATE_LABELS[row['state']]}")


COMMANDS = [indicators_group, values_group, status_cmd, warnings_cmd]
