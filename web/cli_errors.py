"""Click's own refusals (a missing option, a bad value, an unknown command) said in Chinese, as the rest of the CLI.

Click writes "Error: Missing option '--user'." in English, so a run said half in one language and half in the
other ("Error: Invalid value: --now 应为 ISO 时间"). The shell gets one line, "错误：…", like the engine's errors.
"""
from __future__ import annotations

import re

import click
from click import exceptions as ce

# click's own messages (click/types.py, click/parser.py, click/core.py), each with its Chinese
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), zh) for p, zh in (
    (r"^(?P<v>.+) is not a valid integer( range)?\.$", "{v} 不是整数"),
    (r"^(?P<v>.+) is not a valid float( range)?\.$", "{v} 不是数字"),
    (r"^(?P<v>.+) is not a valid boolean\..*$", "{v} 不是是/否值（可用 true/false、yes/no、1/0）"),
    (r"^(?P<v>.+) is not a valid UUID\.$", "{v} 不是 UUID"),
    (r"^(?P<v>.+) is not in the range (?P<r>.+)\.$", "{v} 不在 {r} 范围内"),
    (r"^(?P<v>.+) is not one of (?P<c>.+)\.$", "{v} 不是可选值之一：{c}"),
    (r"^(?P<v>.+) is not (?P<c>.+)\.$", "{v} 不是可选值：{c}"),
    (r"^(?:File|Directory|Path) (?P<f>.+) does not exist\.$", "{f} 不存在"),
    (r"^(?:File|Directory|Path) (?P<f>.+) is a file\.$", "{f} 是文件，不是文件夹"),
    (r"^(?:File|Directory|Path) (?P<f>.+) is a directory\.$", "{f} 是文件夹，不是文件"),
    (r"^(?:File|Directory|Path) (?P<f>.+) is not readable\.$", "{f} 不可读"),
    (r"^(?:File|Directory|Path) (?P<f>.+) is not writable\.$", "{f} 不可写"),
    (r"^Option (?P<o>.+) does not take a value\.$", "选项 {o} 不带值"),
    (r"^Option (?P<o>.+) requires an argument\.$", "选项 {o} 需要一个值"),
    (r"^Option (?P<o>.+) requires (?P<n>\d+) arguments\.$", "选项 {o} 需要 {n} 个值"),
    (r"^Argument (?P<o>.+) takes (?P<n>\d+) values\.$", "参数 {o} 需要 {n} 个值"),
    (r"^Got unexpected extra arguments? \((?P<a>.+)\)$", "多余的参数：{a}"),
    (r"^Missing command\.$", "缺少子命令"),
))


def _chinese(message: str) -> str:
    """One of click's English messages in Chinese; ours (already Chinese) unchanged."""
    text = message.strip()
    for pattern, zh in _MESSAGES:
        found = pattern.match(text)
        if found:
            return zh.format(**{k: v.strip("'\"") for k, v in found.groupdict().items()})
    return text


def _hint(exc: ce.BadParameter) -> str:
    """The option or argument a refusal is about: `--now`, `TASK_ID`."""
    if exc.param_hint is not None:
        hint = exc.param_hint
        return " / ".join(hint) if not isinstance(hint, str) else hint
    if exc.param is not None:
        return exc.param.get_error_hint(exc.ctx).strip("'\"")
    return ""


def _text(exc: click.ClickException) -> str:
    """What went wrong, in Chinese, without click's "Error:"."""
    if isinstance(exc, ce.MissingParameter):
        kind = {"argument": "参数", "option": "选项"}.get(
            str(exc.param_type or getattr(exc.param, "param_type_name", "")), "参数")
        return f"缺少{kind} {_hint(exc)}".rstrip()
    if isinstance(exc, ce.BadParameter):
        hint = _hint(exc)
        return f"{hint} 的值无效：{_chinese(exc.message)}" if hint else f"值无效：{_chinese(exc.message)}"
    if isinstance(exc, ce.NoSuchOption):
        maybe = f"（是否想用 {'、'.join(exc.possibilities)}？）" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{maybe}"
    if isinstance(exc, ce.NoSuchCommand):
        maybe = f"（是否想用 {'、'.join(exc.possibilities)}？）" if exc.possibilities else ""
        return f"没有命令 {exc.command_name}{maybe}"
    if isinstance(exc, ce.FileError):
        return f"无法打开文件 {exc.ui_filename}：{_chinese(exc.message)}"
    return _chinese(exc.message)


def show(exc: click.ClickException) -> None:
    """Print a click refusal as one Chinese line on stderr (a usage error names the command's --help)."""
    line = f"错误：{_text(exc)}"
    if isinstance(exc, ce.UsageError) and exc.ctx is not None:
        line += f"（用法见 {exc.ctx.command_path} --help）"
    click.echo(line, err=True)
