"""The accounts' commands: `spiral create-admin` (the first administrator), `spiral ldap-sync` (people and
units from the campus directory) and `spiral token create` (an API token for another system)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from engine import InvalidInput, create_admin, create_schema, sync_directory

from .campus import ldap_settings
from .extensions import db


def _now():  # type: ignore[no-untyped-def]
    from . import clock
    return clock.now()


def _password(password_file: Path | None) -> str:
    if password_file is not None:
        lines = password_file.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    return str(click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码"))


@click.command("create-admin")
@click.argument("username")
@click.option("--name", default="", help="The person's name (姓名); default the username for a new person.")
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the password from the first line of this file instead of a hidden prompt.")
@with_appcontext
def create_admin_cmd(username: str, name: str, password_file: Path | None) -> None:
    """Make USERNAME an administrator (a new person when nobody has that 工号); the password policy applies."""
    from . import clock
    create_schema(db.engine)
    person, created = create_admin(db.session, username, _password(password_file), clock.now(), name=name)
    click.echo(f"{'已创建管理员' if created else '已设为管理员'}：{person.username}（{person.name}），可用该密码登录")


@click.command("ldap-sync")
@click.option("--dry-run", is_flag=True, help="Show what would change and change nothing.")
@click.option("--deactivate-missing", is_flag=True,
              help="Deactivate people the directory does not list (administrators are kept); default: keep them.")
@with_appcontext
def ldap_sync_cmd(dry_run: bool, deactivate_missing: bool) -> None:
    """Bring people (工号, 姓名, 邮箱, 手机, 类别) and their units from the campus directory (SPIRAL_LDAP_*)
    through the org importer: all or nothing, audited."""
    from . import clock
    settings = ldap_settings(current_app.config)
    if settings is None or not settings.base_dn:
        raise click.ClickException("未配置统一身份认证目录：请设置 SPIRAL_LDAP_URL 和 SPIRAL_LDAP_BASE_DN")
    try:
        people, report = sync_directory(db.session, None, settings, clock.now(), dry_run=dry_run,
                                        deactivate_missing=deactivate_missing)
    except InvalidInput as exc:
        for problem in getattr(exc, "problems", []):
            click.echo(str(problem), err=True)
        raise click.ClickException(f"未同步：{exc.message}") from exc
    for change in report.changes:
        click.echo(change.text)
    for note in report.notes:
        click.echo(f"注意：{note}")
    if dry_run:
        click.echo(f"预览（未写入）：目录中 {len(people)} 人；{report.summary()}。确认无误后去掉 --dry-run 执行")
    else:
        click.echo(f"已同步：目录中 {len(people)} 人；{report.summary()}")


@click.group("token")
def token_group() -> None:
    """API tokens (the JSON API under /api/v1)."""


@token_group.command("create")
@click.argument("username")
@click.option("--name", required=True, help="What the token is for (教务系统同步…).")
@click.option("--scope", type=click.Choice(["read", "write", "admin"]), default="read", show_default=True)
@with_appcontext
def token_create(username: str, name: str, scope: str) -> None:
    """Print a new token acting as USERNAME, once (only its hash is kept)."""
    from engine import NotFound, create_token, find_person
    person = find_person(db.session, username)
    if person is None:
        raise NotFound(f"找不到账号“{username}”（可用 spiral people 查看）")
    _token, secret = create_token(db.session, None, person, name, scope, _now(), service=True)
    click.echo(secret)
    click.echo(f"已为{person.name}（{person.username}）创建令牌“{name}”（{scope}）。它只显示这一次，请妥善保存。", err=True)


COMMANDS = [create_admin_cmd, ldap_sync_cmd, token_group]
