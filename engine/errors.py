"""Spiral's one exception tree.

    SpiralError
     ├── NotFound          a task, instance, person, subject or process does not exist
     ├── NotAllowed        the actor may not do this
     ├── Conflict          someone else changed it first (task already done, stale version)
 │    └── NeedsConfirmation  allowed, but only when the person says yes (a deploy that drops every task)
     ├── InvalidInput      a wrong form value, a file too large; carries per-field errors
     │    └── InvalidWorkbook  an Excel import that cannot be applied; carries every SheetProblem
     ├── InvalidProcess    a BPMN file that cannot be deployed; carries a list of Problems
     ├── ScriptError       an expression or script failed or was refused by the sandbox
     └── Unavailable       a server outside Spiral (the campus directory, CAS) did not answer in time

Each message is a sentence the user can act on; `web/` maps the classes to HTTP statuses once.

An error raised with a `code` from `engine.messages.CATALOGUE` (and its `params`) can be read in the
user's language with `text(locale)`; `message` is always the Chinese sentence (the default, and the log's).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import engine.messages as messages


class SpiralError(Exception):
    """Base of every error Spiral raises on purpose.

    Either a ready sentence (`NotFound("文件不存在")`) or a catalogue code with its params
    (`NotFound(code="task.not_found", params={"id": 5})`): the Chinese sentence is then taken from the catalogue.
    """

    def __init__(self, message: str = "", *, code: str = "", params: Mapping[str, Any] | None = None) -> None:
        self.code = code
        self.params: dict[str, Any] = dict(params or {})
        if code and not message:
            message = messages.render(code, self.params, messages.DEFAULT)
        super().__init__(message)
        self.message = message

    def text(self, locale: str | None = None) -> str:
        """The message in `locale` when its code has that translation, else the Chinese `message`."""
        if self.code and locale:
            return messages.render(self.code, self.params, locale, fallback=self.message)
        return self.message


class NotFound(SpiralError):
    """The thing asked for does not exist."""


class NotAllowed(SpiralError):
    """The acting person has no right to do this."""


class Conflict(SpiralError):
    """The state changed under the actor (e.g. the task was completed by someone else)."""


class NeedsConfirmation(Conflict):
    """Allowed only with the person's explicit yes; asking again with the confirmation flag goes through."""


class InvalidInput(SpiralError):
    """Input failed validation; `errors` maps field paths to a list of messages (a lone string becomes a list)."""

    def __init__(self, message: str = "", errors: Mapping[str, str | list[str]] | None = None, *,
                 code: str = "", params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message, code=code, params=params)
        self.errors: dict[str, list[str]] = {
            str(field): [value] if isinstance(value, str) else [str(m) for m in value]
            for field, value in (errors or {}).items()}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a process file, located as precisely as we can."""

    message: str
    file: str = ""
    line: int | None = None
    element_id: str = ""
    element_name: str = ""

    def __str__(self) -> str:
        where = self.file or "BPMN"
        if self.line:
            where += f":{self.line}"
        if self.element_id:
            where += f" <{self.element_id}"
            where += f" {self.element_name}>" if self.element_name else ">"
        return f"{where}: {self.message}"


class InvalidProcess(SpiralError):
    """A process definition cannot be deployed; `problems` lists every reason."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        self.problems = list(problems)
        self.warnings = list(warnings or [])
        super().__init__("; ".join(str(p) for p in self.problems))


class ScriptError(SpiralError):
    """A BPMN expression or script failed, or the sandbox refused it."""

    def __init__(self, message: str, *, task: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.task = task
        self.line = line


@dataclass(frozen=True)
class SheetProblem:
    """One thing wrong with an imported workbook: its sheet, row (1 = the header row) and column."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.sheet + (f" 第 {self.row} 行" if self.row else "") + (f" {self.column}" if self.column else "")
        return f"{where}：{self.message}"


class InvalidWorkbook(InvalidInput):
    """A workbook that cannot be imported; `problems` lists every reason, and nothing was written."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        self.problems = list(problems)
        super().__init__(f"工作簿有 {len(self.problems)} 个问题，未导入任何内容：" + "；".join(
            str(p) for p in self.problems[:5]) + ("……" if len(self.problems) > 5 else ""))

class Unavailable(SpiralError):
    """A server Spiral depends on (the campus directory, the CAS server) could not be reached or did not answer."""
