"""The reports on the command line: `spiral report diagnosis CYCLE_ID --out FILE.docx` and
`spiral report annual --year YYYY --out FILE.docx` (the published 质量年报, else a draft of what exists)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .cli_files import check_out, write_out
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
    from engine import gather_report, get_instance, render_report

    from . import clock
    check_out(out, ".docx")
    data = gather_report(db.session, get_instance(db.session, cycle_id), clock.now())
    write_out(out, render_report(db.session, "diagnosis", data))
    click.echo(f"已生成自我诊断报告：{out}（{data['title']}，{data['period']}）")


@report_group.command("annual")
@click.option("--year", "year", required=True, type=int, help="The report year (2026 covers 2025-2026).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .docx file to write.")
@with_appcontext
def annual_cmd(year: int, out: Path) -> None:
    """Write year YYYY's 质量年报 to FILE.docx: the published report, or a draft compiled from what exists so far."""
    from engine import annual

    check_out(out, ".docx")
    content, published = annual.report_file(db.session, None, year)
    write_out(out, content)
    click.echo(f"已生成 {year} 年度质量年报：{out}（{'已发布的年报' if published else '草稿，按目前已提交的章节汇总'}）")


COMMANDS = [report_group]
