"""考核 on the command line: `spiral appraisal --period 2025-2026 --out FILE.xlsx` writes the workbook 绩效 reads."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .extensions import db


@click.command("appraisal")
@click.option("--period", required=True, help="A school year (2025-2026, its terms included) or a term (2025-2026-1).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write.")
@with_appcontext
def appraisal_cmd(period: str, out: Path) -> None:
    """Write 考核 of PERIOD by department and person (sheets 部门考核, 个人考核, 权重) to FILE.xlsx."""
    from engine import InvalidInput, appraisal_workbook, appraise, school_name

    from . import clock
    if out.suffix.lower() != ".xlsx":
        raise InvalidInput(f"输出文件应以 .xlsx 结尾：{out}")
    found = appraise(db.session, period, clock.now())
    content = appraisal_workbook(found, school_name(db.session))
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise InvalidInput(f"无法写入 {out}：{exc.strerror or exc}") from exc
    click.echo(f"已导出考核：{out}（{found.period}，{len(found.departments)} 个部门，{len(found.people)} 人）")


COMMANDS = [appraisal_cmd]
