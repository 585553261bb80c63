"""The catalogue of engine messages that are read in the user's language.

A code maps to a Chinese template (the default, also what the log keeps) and an English one; both use
`str.format` fields filled from the error's `params`. To make another message translatable:

1. add a line here: `"room.what": ("中文，{name}", "English, {name}.")`;
2. raise it with the code: `raise NotFound(code="room.what", params={"name": ...})`;
3. the web layer shows `error.text(locale)`; nothing else changes (a code without an English entry reads Chinese).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT = "zh_CN"

CATALOGUE: dict[str, tuple[str, str]] = {
    # tasks (engine/workflow/tasks.py)
    "task.not_found": ("任务 #{id} 不存在", "Task #{id} does not exist."),
    "task.not_yours": ("这不是您的任务", "This is not your task."),
    "task.not_candidate": ("您不是该任务的候选办理人，不能认领",
                           "You are not among the people this task is offered to, so you cannot claim it."),
    "task.no_view": ("您无权查看该任务", "You may not view this task."),
    "task.already_done": ("该任务已由{who}于 {when} 办理完成，无需再次提交",
                          "This task was already completed by {who} on {when}; there is no need to submit it again."),
    "task.already_done_by_system": ("该任务已由系统于 {when} 办理完成，无需再次提交",
                                    "This task was already completed automatically on {when}; "
                                    "there is no need to submit it again."),
    "task.cancelled": ("该任务已取消，无需办理", "This task was cancelled; there is nothing to do."),
    "task.claimed_by": ("该任务已由{who}认领", "This task has already been claimed by {who}."),
    "task.claimed_by_other": ("该任务已由他人认领", "This task has already been claimed by someone else."),
    "task.not_ready": ("该任务在流程中已不处于待办状态，请刷新页面",
                       "This task is no longer waiting in the process; please reload the page."),
    "task.form_errors": ("表单有误，请按提示修改后再提交。", "Please correct the highlighted fields."),
    "cycle.stale": ("该周期刚被他人更新，请刷新后重试",
                    "Someone else has just updated this cycle; please reload the page and try again."),
    "evidence.not_found": ("文件不存在", "The file does not exist."),
    "evidence.no_view": ("您无权查看该文件", "You may not view this file."),
    # cycles (engine/workflow/cycles.py, cycle_admin.py)
    "cycle.not_found": ("诊改周期 #{id} 不存在", "Cycle #{id} does not exist."),
    "cycle.office_only.cancel": ("只有质量管理办公室可以取消诊改周期", "Only the quality office can cancel a cycle."),
    "cycle.office_only.incident": ("只有质量管理办公室可以处理异常", "Only the quality office can handle incidents."),
    "cycle.office_only.start": ("只有质量管理办公室可以启动诊改周期", "Only the quality office can start a cycle."),
    "cycle.not_running": ("周期 #{id} 不在进行中", "Cycle #{id} is not running."),
    "cycle.not_running.cancel": ("周期 #{id} 不在进行中，不能取消", "Cycle #{id} is not running, so it cannot be cancelled."),
}


def render(code: str, params: Mapping[str, Any], locale: str, fallback: str = "") -> str:
    """The message of `code` in `locale` (English for en*, else Chinese), or `fallback` if the code is unknown."""
    templates = CATALOGUE.get(code)
    if templates is None:
        return fallback or code
    template = templates[1] if str(locale).lower().startswith("en") else templates[0]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return fallback or templates[0]
