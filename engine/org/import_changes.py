"""The vocabulary of an import's changes: what one changed row is (Change), the steps that apply them, and the
school's units and people by code while they are applied (Context)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import SheetProblem

from .import_rows import Existing
from .models import LEVEL_NAMES, PERSON_KINDS, UNIT_KINDS, Person, Unit

KIND_NAMES = {v: k for k, v in UNIT_KINDS.items()}
PERSON_KIND_NAMES = {v: k for k, v in PERSON_KINDS.items()}
LEVEL_LABELS = {v: k for k, v in LEVEL_NAMES.items()}
ACTIONS = {"added": "新增", "changed": "修改", "reactivated": "恢复", "reopened": "重新启用", "deactivated": "停用",
           "closed": "关闭", "ended": "结束"}


@dataclass(frozen=True)
class Change:
    """One row's change as the preview and the report show it."""

    sheet: str  # 单位, 人员, 任职, 诊改对象
    action: str  # a key of ACTIONS
    key: str  # the unit's or subject's code, the person's 工号, "工号 / 角色 / 单位代码" for a holding
    text: str  # the Chinese line, e.g. "修改人员 T0001 张老师：邮箱 a@x → b@x"


class Context:
    """The school's units and people by code and 工号 while steps are applied (new ones join as they are made)."""

    def __init__(self, session: Session, existing: Existing, locale: str = "zh_CN") -> None:
        self.session, self.locale = session, locale
        self.units: dict[str, Unit] = dict(existing.units)
        self.people: dict[str, Person] = dict(existing.people)
        self.new_people: list[Person] = []


@dataclass
class Step:
    change: Change
    apply: Callable[[Context], Any]  # returns the person (holdings) or the row the audit event is about
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)  # found only once the diff is known

    def add(self, sheet: str, action: str, key: str, text: str, apply: Callable[[Context], Any],
            before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
        self.steps.append(Step(Change(sheet, action, key, text), apply, before, after))
