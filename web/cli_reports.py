"""The reports on the command line: `spiral report diagnosis CYCLE_ID --out FILE.docx` (a sibling `annual` joins
the same group)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .extensions import db


@click.group("report")
def report_group() -> None:
    """Generated reports as Word files (自我诊断报告…)."""


@report_group.command("diagnosis")
@click.argument("cycle_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .docx file to write.")
@with_appcontext
def diagnosis_cmd(cycle_id: int, out: Path) -> None:
    """Write cycle CYCLE_ID's 自我诊断报告 to FILE.docx, from the template in use."""
    from engine import InvalidInput, gather_report, get_instance, render_report

    from . import clock
    if out.suffix.lower() != ".docx":
        raise InvalidInput(f"输出文件应以 .docx 结尾：{out}")
    data = gather_report(db.session, get_instance(db.session, cycle_id), clock.now())
    content = render_report(db.session, "diagnosis", data)
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise InvalidInput(f"无法写入 {out}：{exc.strerror or exc}") from exc
    click.echo(f"已生成自我诊断报告：{out}（{data['title']}，{data['period']}）")


COMMANDS = [report_group]
