"""The `spiral` command line: the same engine services as the pages, for the shell."""
from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import OperationalError

from engine import InvalidInput, InvalidProcess, SpiralError, create_schema

from . import cli_errors
from .extensions import db


def _now(value: str | None) -> datetime:
    if not value:
        from . import clock
        return clock.now()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"--now 应为 ISO 时间，例如 2025-09-26T10:00：{value}") from exc
    return parsed.replace(tzinfo=None)


def _json_arg(value: str | None) -> dict[str, Any]:
    if not value:
        return {}
    try:
        data = json.loads(value)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"--data 不是合法的 JSON：{exc.msg}（第 {exc.pos + 1} 个字符）") from exc
    if not isinstance(data, dict):
        raise click.BadParameter("--data 应为 JSON 对象，例如 {\"decision\": \"approve\"}")
    return data


def _person(username: str):  # type: ignore[no-untyped-def]
    from engine import NotFound, find_person
    person = find_person(db.session, username)
    if person is None:
        raise NotFound(f"找不到用户“{username}”（可用 spiral people 查看）")
    return person


def _print(rows: list[dict[str, Any]], as_json: bool, columns: list[str]) -> None:
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo("  ".join(str(row.get(c) if row.get(c) is not None else "—") for c in columns))


def _url() -> str:
    return db.engine.url.render_as_string(hide_password=True)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the database, or bring an existing one to the newest schema (safe to run twice); a new school gets
    the default role catalogue and ladders, and nothing else (no units, no people)."""
    from engine import schema_revision, seed_ladders, seed_roles
    create_schema(db.engine)
    added = seed_roles(db.session)
    seed_ladders(db.session, _now(None))
    db.session.commit()
    roles = f"，添加默认角色 {added} 个" if added else ""
    click.echo(f"数据库已就绪（结构版本 {schema_revision(db.engine)}{roles}）：{_url()}")


@click.group("db")
def db_group() -> None:
    """The database schema: its migrations (Alembic scripts in engine/db/migrations/versions)."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Bring the database to the newest schema (also one made before migrations, by Spiral 0.1)."""
    from engine import create_schema, schema_revision
    create_schema(db.engine)
    click.echo(f"数据库结构已是最新版本：{schema_revision(db.engine)}（{_url()}）")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes, e.g. \"add indicator tables\".")
@click.option("--empty", is_flag=True, help="An empty script to fill in by hand (e.g. a data migration).")
def db_revision(message: str, empty: bool) -> None:
    """Write a new migration script from what the models changed; read it before you commit it."""
    from engine import new_migration
    path = Path(new_migration(message, autogenerate=not empty))
    shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    click.echo(f"已生成迁移脚本：{shown}（请检查后再提交）")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds data.")
@click.option("--now", "now_text", help="Seed as if it were this time (ISO).")
@with_appcontext
def demo(if_empty: bool, now_text: str | None) -> None:
    """Seed the demo school (units, people, processes, cycles in flight)."""
    from engine.demo.school import DEMO_PASSWORD, is_seeded, seed_demo
    create_schema(db.engine)
    if is_seeded(db.session):
        if if_empty:
            click.echo("数据库已有数据，跳过示例数据。")
            return
        raise click.ClickException("数据库已有数据；示例数据只能导入空数据库")
    counts = seed_demo(db.session, _now(now_text))
    click.echo(f"示例学校已导入：{counts['units']} 个单位，{counts['people']} 人，{counts['subjects']} 个诊改对象，"
               f"{counts['open_tasks']} 个待办任务。所有示例账号的密码：{DEMO_PASSWORD}")


@click.command("deploy")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--comment", default="", help="What changed in this version.")
@click.option("--yes", is_flag=True, help="Deploy even when a new version drops every task of a process "
                                          "with running cycles.")
@with_appcontext
def deploy_cmd(files: tuple[str, ...], comment: str, yes: bool) -> None:
    """Validate and deploy BPMN files (nothing is deployed if one has a problem)."""
    from engine import NeedsConfirmation, deploy
    create_schema(db.engine)
    try:
        deployed = deploy(db.session, None, [(Path(f).name, Path(f).read_bytes()) for f in files], _now(None),
                          comment, confirm_removal=yes)
    except InvalidProcess as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"未部署：发现 {len(exc.problems)} 个问题") from exc
    except NeedsConfirmation as exc:
        raise click.ClickException(f"未部署：{exc.message}（命令行请加 --yes）") from exc
    for d in deployed:
        click.echo(f"{d.process_id}  v{d.version}  {d.name}")


@click.command("start")
@click.argument("process_id")
@click.option("--subject", required=True, help="Subject code (see `spiral subjects`).")
@click.option("--period", required=True, help="2025-2026 or 2025-2026-1.")
@click.option("--data", "data_text", help="Start-form data as a JSON object.")
@click.option("--now", "now_text", help="When it happens (ISO); default now.")
@with_appcontext
def start(process_id: str, subject: str, period: str, data_text: str | None, now_text: str | None) -> None:
    """Start a cycle of PROCESS_ID for a subject and period."""
    from engine import start_cycle
    instance = start_cycle(db.session, None, process_id, subject, period, _now(now_text), _json_arg(data_text))
    click.echo(f"已启动周期 #{instance.id}：{instance.subject.name} {instance.period}")


@click.command("subjects")
@click.option("--level", type=click.Choice(["school", "major", "course", "teacher", "student"]))
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def subjects_cmd(level: str | None, as_json: bool) -> None:
    """List subjects of cycles."""
    from engine import subjects
    rows = [{"code": s.code, "name": s.name, "level": s.level, "unit": s.unit.name}
            for s in subjects(db.session, level)]
    _print(rows, as_json, ["code", "level", "name", "unit"])


@click.command("people")
@click.option("--role", help="Only people holding this role (code or name).")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def people_cmd(role: str | None, as_json: bool) -> None:
    """List people and the roles they hold."""
    from engine import people
    rows: list[dict[str, Any]] = [{"username": p.username, "name": p.name,
             "roles": [{"role": h.role.name, "unit": h.unit.name} for h in p.holdings]}
            for p in people(db.session, role)]
    if as_json:
        _print(rows, True, [])
        return
    for row in rows:
        roles = "，".join(f"{r['role']}@{r['unit']}" for r in row["roles"])
        click.echo(f"{row['username']}  {row['name']}  {roles}")


@click.command("tasks")
@click.option("--user", "username", help="Only what this person can act on; default every open task.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def tasks_cmd(username: str | None, as_json: bool) -> None:
    """List open tasks with their due time and ladder colour (rung)."""
    from engine import actionable_tasks, open_tasks, task_to_dict
    found = actionable_tasks(db.session, _person(username)) if username else open_tasks(db.session)
    rows = [task_to_dict(t) for t in found]
    _print(rows, as_json, ["id", "title", "subject_name", "stage", "assignee", "due", "rung"])


@click.command("notices")
@click.option("--status", default="all", help="active, open, extended, escalated, completed, closed or all.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def notices_cmd(status: str, as_json: bool) -> None:
    """List the supervision notices (督办单): number, colour, task, responsible person, supervisor, status."""
    from engine import all_notices, notice_to_dict
    rows = [notice_to_dict(n) for n in all_notices(db.session, status)]
    _print(rows, as_json, ["number", "colour", "kind", "task", "responsible", "supervisor", "status"])


@click.command("complete")
@click.argument("task_id", type=int)
@click.option("--user", "username", required=True)
@click.option("--data", "data_text", default="{}", help="Form data as a JSON object.")
@click.option("--now", "now_text", help="When it happens (ISO); default now.")
@with_appcontext
def complete(task_id: int, username: str, data_text: str, now_text: str | None) -> None:
    """Complete TASK_ID as a user (a candidate claims it first)."""
    from engine import complete_task, instance_tasks
    task = complete_task(db.session, _person(username), task_id, _json_arg(data_text), _now(now_text))
    click.echo(f"已完成任务 #{task.id}“{task.title}”")
    for nxt in instance_tasks(db.session, task.instance):
        if nxt.status == "open":
            who = nxt.assignee.username if nxt.assignee else "候选：" + ",".join(p.username for p in nxt.candidates)
            click.echo(f"下一步 #{nxt.id}“{nxt.title}” → {who}")
    if task.instance.status == "completed":
        click.echo("该诊改周期已完成")


@click.command("cancel")
@click.argument("cycle_id", type=int)
@click.option("--reason", required=True, help="Why the cycle is cancelled (shown to the people involved).")
@click.option("--user", "username", required=True, help="A quality-office member who cancels it.")
@click.option("--now", "now_text", help="When it happens (ISO); default now.")
@with_appcontext
def cancel(cycle_id: int, reason: str, username: str, now_text: str | None) -> None:
    """Cancel a running cycle: its open tasks are cancelled and their notices settled."""
    from engine import cancel_cycle
    instance = cancel_cycle(db.session, _person(username), cycle_id, reason, _now(now_text))
    click.echo(f"已取消周期 #{instance.id}：{reason.strip()}")


@click.command("tick")
@click.option("--now", "now_text", help="Run the tick as of this time (ISO); default now.")
@with_appcontext
def tick(now_text: str | None) -> None:
    """Run one scheduler tick: BPMN timers, ladder rungs, follow-ups, notifications."""
    from engine import run_tick
    result = run_tick(db.session, _now(now_text))
    if result["skipped"]:
        click.echo("另一个进程正在执行 tick，本次跳过")
        return
    click.echo(f"tick 完成：定时器 {result['timers']} 个，督办升级 {result['rungs']} 级，"
               f"跟进提醒 {result['follow_ups']} 条，活动提醒 {result.get('activity_reminders', 0)} 个，"
               f"发送通知 {result['sent']} 条（失败 {result['failed']} 条）")


@click.command("scheduler")
@click.option("--seconds", type=int, help="Seconds between ticks; default the app's TICK_SECONDS.")
@with_appcontext
def scheduler_cmd(seconds: int | None) -> None:
    """Run the tick standalone, forever (for deployments with several web processes)."""
    from flask import current_app

    from .scheduler import run_blocking
    run_blocking(current_app._get_current_object(), seconds)  # type: ignore[attr-defined]


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_cmd(file: Path) -> None:
    """Save the database and the uploaded evidence (UPLOAD_DIR) together in FILE (.tar.gz)."""
    from flask import current_app

    from engine import backup
    done = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(current_app.config["UPLOAD_DIR"]), file)
    click.echo(f"备份完成：{file}（{done['database']} 数据库，{done['uploads']} 个上传文件，"
               f"{done['bytes'] / 1024 / 1024:.1f} MB）")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the current data without asking.")
@with_appcontext
def restore_cmd(file: Path, yes: bool) -> None:
    """Bring back the database and the uploaded evidence from a `spiral backup` FILE (stop the server first)."""
    from flask import current_app

    from engine import inspect_backup, restore
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    manifest = inspect_backup(file, url)
    if not yes:
        click.confirm(f"将用 {manifest['created']} 的备份覆盖当前数据库和上传文件，继续吗？", abort=True)
    db.session.remove()  # type: ignore[attr-defined]  # scoped_session (web/extensions.py)
    db.engine.dispose()  # this process's pooled connections must not outlive the file they point to
    restore(url, Path(current_app.config["UPLOAD_DIR"]), file)
    click.echo(f"恢复完成：数据库和 {manifest['uploads']} 个上传文件已恢复到 {manifest['created']} 的备份"
               "（正在运行的 spiral run、Web 服务和 scheduler 需要重启）")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the workbook and show what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--now", "now_text", help="When it happens (ISO); default now. Left-out holdings end the day before.")
@with_appcontext
def import_cmd(file: Path, dry_run: bool, as_json: bool, now_text: str | None) -> None:
    """Import the school's units, people, holdings and subjects from an .xlsx (the template's sheets); all or
    nothing: every problem is listed, one a line, and nothing is written."""
    from engine import InvalidWorkbook, import_org, read_org_workbook
    try:
        report = import_org(db.session, None, read_org_workbook(file.read_bytes()), _now(now_text), dry_run=dry_run)
    except InvalidWorkbook as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"未导入：发现 {len(exc.problems)} 个问题") from exc
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    for change in report.changes:
        click.echo(change.text)
    for note in report.notes:
        click.echo(f"提示：{note}")
    click.echo(("试运行，未写入：" if dry_run else "已导入：") + report.summary())
    if report.passwords:
        click.echo("新用户的一次性密码（只显示这一次，首次登录须修改）：")
        for given in report.passwords:
            click.echo(f"{given.username}  {given.name}  {given.password}")


@click.group("export")
def export_group() -> None:
    """Write the school's data to Excel workbooks that `spiral import` reads back."""


@export_group.command("org")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_org_cmd(file: Path) -> None:
    """The current units, people, holdings and subjects as the four org sheets (importing it changes nothing)."""
    from engine import export_org, write_workbook
    rows = export_org(db.session)
    file.write_bytes(write_workbook(rows))
    click.echo(f"已导出到 {file}：" + "，".join(f"{sheet} {len(r)} 行" for sheet, r in rows.items()))


@export_group.command("template")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_template_cmd(file: Path) -> None:
    """The import template: the four sheets with their headers and example rows, and a 说明 sheet."""
    from engine import template_workbook
    file.write_bytes(template_workbook())
    click.echo(f"已写出导入模板：{file}")


@click.group("uploads")
def uploads_group() -> None:
    """The uploaded evidence files."""


@uploads_group.command("sweep")
@click.option("--dry-run", is_flag=True, help="List the files without removing them.")
@click.option("--older-than-minutes", default=60, type=click.IntRange(1, 60 * 24 * 365), show_default=True)
@with_appcontext
def uploads_sweep(dry_run: bool, older_than_minutes: int) -> None:
    """Remove files in UPLOAD_DIR that no evidence names (left by a crash in the middle of a completion)."""
    from engine import sweep_uploads
    found = sweep_uploads(db.session, older_than_minutes * 60, dry_run=dry_run)
    for path in found:
        click.echo(str(path))
    click.echo(f"{'将清理' if dry_run else '已清理'} {len(found)} 个无人引用的上传文件"
               f"（{older_than_minutes} 分钟前写入）")


@click.command("run")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def run(host: str, port: int) -> None:
    """Serve the app with the scheduler running (what `make run` calls)."""
    from waitress import serve

    from . import create_app
    app = create_app({"SCHEDULER_ENABLED": True})
    click.echo(f"Spiral 已启动：http://{host}:{port}  （Ctrl+C 退出）")
    serve(app, host=host, port=port, threads=8)


COMMANDS = [init_db, db_group, demo, deploy_cmd, start, subjects_cmd, people_cmd, tasks_cmd, notices_cmd, complete,
            cancel, tick, scheduler_cmd, backup_cmd, restore_cmd, import_cmd, export_group, uploads_group]


def register(app: Flask) -> None:
    """Add Spiral's commands to `flask`/`spiral`."""
    from . import cli_accounts
    from .cli_appraisal import COMMANDS as APPRAISAL_COMMANDS
    from .cli_planning import COMMANDS as PLANNING_COMMANDS
    from .cli_plans import COMMANDS as PLAN_COMMANDS
    from .cli_quality import COMMANDS as QUALITY_COMMANDS
    from .cli_reports import COMMANDS as REPORT_COMMANDS
    for command in (COMMANDS + QUALITY_COMMANDS + PLAN_COMMANDS + cli_accounts.COMMANDS + PLANNING_COMMANDS
                    + REPORT_COMMANDS + APPRAISAL_COMMANDS):
        app.cli.add_command(command)


def cli_log_path() -> Path:
    """Where the command line logs what the terminal is spared (tracebacks): the instance folder's spiral-cli.log."""
    return Path(os.environ.get("SPIRAL_INSTANCE") or Path.cwd() / "instance") / "spiral-cli.log"


def _log_unexpected(exc: BaseException) -> str:
    """Write the traceback to the CLI log (never the terminal); the log's path, or "" when it cannot be written."""
    logger = logging.getLogger("spiral.cli")
    logger.propagate = False
    path = cli_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return ""
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    try:
        logger.error("spiral %s failed", " ".join(sys.argv[1:]), exc_info=exc)
    finally:
        logger.removeHandler(handler)
        handler.close()
    return str(path)


class _SpiralGroup(FlaskGroup):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("standalone_mode", True)
        try:
            return super().main(*args, standalone_mode=False, **{  # type: ignore[call-overload]
                k: v for k, v in kwargs.items() if k != "standalone_mode"})
        except InvalidInput as exc:
            details = "；".join(f"{k}: {'，'.join(v)}" for k, v in exc.errors.items())
            click.echo(f"错误：{exc.message}" + (f"（{details}）" if details else ""), err=True)
        except SpiralError as exc:
            click.echo(f"错误：{exc.message}", err=True)
        except click.exceptions.Abort:
            click.echo("已取消", err=True)
        except click.ClickException as exc:
            cli_errors.show(exc)
            sys.exit(exc.exit_code)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except OperationalError as exc:
            first = str(exc.orig).splitlines()[0] if exc.orig else "database error"
            hint = "；数据库尚未初始化？请先运行 spiral init-db" if "no such table" in first else ""
            logged = _log_unexpected(exc)
            click.echo(f"错误：数据库出错：{first}{hint}" + (f"（详情见 {logged}）" if logged and not hint else ""),
                       err=True)
        except Exception as exc:  # noqa: BLE001 - the shell gets one line; the traceback goes to the log
            first = (str(exc).splitlines() or [""])[0]
            logged = _log_unexpected(exc)
            click.echo(f"错误：{type(exc).__name__}: {first}" + (f"（详情见 {logged}）" if logged else ""), err=True)
        sys.exit(1)


def _create_app() -> Flask:
    from . import create_app
    return create_app()


main = _SpiralGroup(create_app=_create_app, add_default_commands=False, add_version_option=False,
                    help="Spiral 诊改工作流引擎")
main.add_command(run)
