"""Department names as plans write them: a unit's name, code or 简称, or a unit set (各专业部 = every 专业部);
what is not found gets the closest units as suggestions."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.org.models import UNIT_KINDS, Unit

SEPARATORS = re.compile(r"[、，,；;/\s]+")
# The kinds a plan's 责任部门 may name as a set ("各专业部", or "专业部" alone when no unit is called that).
SET_KINDS = ("处室", "专业部", "教研室")


@dataclass(frozen=True)
class Directory:
    """Every active unit a plan may name, by each of its names."""

    by_name: dict[str, list[Unit]]
    by_kind: dict[str, list[Unit]]

    def resolve(self, name: str) -> list[Unit] | None:
        """The units `name` stands for, or None when the school has none by that name."""
        name = name.strip()
        if name in self.by_name and len(self.by_name[name]) == 1:
            return self.by_name[name]
        kind = name[1:] if name.startswith("各") else name
        if kind in SET_KINDS and (name.startswith("各") or name not in self.by_name):
            units = self.by_kind.get(UNIT_KINDS[kind], [])
            return units or None
        return None

    def suggestions(self, name: str, limit: int = 3) -> list[str]:
        """The closest unit names to `name` (by spelling, or sharing its first two characters)."""
        names = sorted({unit.name for units in self.by_name.values() for unit in units})
        close = difflib.get_close_matches(name, list(self.by_name), n=limit, cutoff=0.4)
        found = [self.by_name[c][0].name for c in close if len(self.by_name[c]) == 1]
        found += [n for n in names if name[:2] and name[:2] in n]
        return list(dict.fromkeys(found))[:limit]


def directory(session: Session) -> Directory:
    """The active units under their names, codes and 简称."""
    by_name: dict[str, list[Unit]] = {}
    by_kind: dict[str, list[Unit]] = {}
    for unit in session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)):
        for name in dict.fromkeys([unit.name, unit.code, *unit.alias_list()]):
            by_name.setdefault(name, []).append(unit)
        by_kind.setdefault(unit.kind, []).append(unit)
    return Directory(by_name, by_kind)


def split_names(text: str) -> list[str]:
    """The department names of one cell (separated by 、, commas, semicolons or spaces)."""
    return [part for part in SEPARATORS.split(text.strip()) if part]
