"""考核 on the command line: `spiral appraisal --period 2025-2026 --out FILE.xlsx` writes the workbook 绩效 reads."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .cli_files import check_out, write_out
from .extensions import db


@click.command("appraisal")
@click.option("--period", required=True, help="A school year (2025-2026, its terms included) or a term (2025-2026-1).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write.")
@with_appcontext
def appraisal_cmd(period: str, out: Path) -> None:
    """Write 考核 of PERIOD by department and person (sheets 部门考核, 个人考核, 权重) to FILE.xlsx."""
    from engine import appraisal_workbook, appraise, school_name

    from . import clock
    check_out(out, ".xlsx")
    found = appraise(db.session, period, clock.now())
    write_out(out, appraisal_workbook(found, school_name(db.session)))
    click.echo(f"已导出考核：{out}（{found.period}，{len(found.departments)} 个部门，{len(found.people)} 人）")


COMMANDS = [appraisal_cmd]
