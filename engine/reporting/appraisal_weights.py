"""考核's weights: the points of each rate (按时完成率, 目标达成度, 计划任务完成, 整改完成; together 100) and the
points one 预警 or one 红色问责单 takes off. The quality office sets them (`set_weights`); a key it never set has
its default (`DEFAULTS`)."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import InvalidInput, NotAllowed
from engine.org.access import is_quality_office
from engine.org.models import Person

from .models import AppraisalWeight

RATES = ("on_time", "goals", "plans", "improvements")  # each a 0–100 rate × its weight; together 100 points
PENALTIES = ("warning", "red_notice")  # points taken off per item
KEYS = RATES + PENALTIES
DEFAULTS: dict[str, float] = {"on_time": 40, "goals": 25, "plans": 20, "improvements": 15, "warning": 2,
                              "red_notice": 5}
LABELS = {"on_time": "按时完成率", "goals": "目标达成度", "plans": "计划任务完成率", "improvements": "整改完成率",
          "warning": "质量预警（每项扣分）", "red_notice": "红色问责单（每张扣分）"}
MAX_PENALTY = 50.0


@dataclass(frozen=True)
class Weights:
    """Every component's weight, and who last changed the stored ones and when (None: all defaults)."""

    values: dict[str, float]
    updated_by: str = ""
    updated_at: datetime | None = None

    def rate_weights(self) -> dict[str, float]:
        """The weights of the rates alone."""
        return {key: self.values[key] for key in RATES}


def appraisal_weights(session: Session) -> Weights:
    """The weights in use: the stored ones, the defaults for keys never set."""
    rows = list(session.scalars(select(AppraisalWeight).where(AppraisalWeight.key.in_(KEYS))))
    values = dict(DEFAULTS)
    values.update({row.key: float(row.weight) for row in rows})
    latest = max(rows, key=lambda r: r.updated_at, default=None)
    return Weights(values, latest.updated_by.name if latest is not None and latest.updated_by else "",
                   latest.updated_at if latest is not None else None)


def _number(key: str, raw: Any) -> float:
    """A weight as a number; raises InvalidInput naming the field."""
    label = LABELS[key]
    if isinstance(raw, bool) or raw is None:
        raise InvalidInput(f"“{label}”的权重应为数字", {key: "应为数字"})
    try:
        value = float(str(raw).strip()) if not isinstance(raw, (int, float)) else float(raw)
    except ValueError:
        raise InvalidInput(f"“{label}”的权重应为数字（现为“{str(raw)[:20]}”）", {key: "应为数字"}) from None
    if not math.isfinite(value):
        raise InvalidInput(f"“{label}”的权重应为数字", {key: "应为数字"})
    high = 100.0 if key in RATES else MAX_PENALTY
    if not 0 <= value <= high:
        raise InvalidInput(f"“{label}”的权重应在 0 到 {high:g} 之间（现为 {value:g}）", {key: f"应在 0 到 {high:g} 之间"})
    return round(value, 2)


def checked_weights(current: Mapping[str, float], given: Mapping[str, Any]) -> dict[str, float]:
    """`current` changed by `given` (keys of KEYS; those left out keep their value); raises InvalidInput naming
    the first bad field: an unknown key, a value that is not a number or out of range, rates not summing to 100."""
    unknown = sorted(set(given) - set(KEYS))
    if unknown:
        raise InvalidInput(f"没有“{unknown[0][:30]}”这一考核项（可设：{'、'.join(LABELS.values())}）",
                           {unknown[0][:30]: "未知的考核项"})
    values = dict(current)
    for key in KEYS:
        if key in given:
            values[key] = _number(key, given[key])
    total = sum(values[key] for key in RATES)
    if abs(total - 100) > 1e-6:
        names = "、".join(LABELS[key] for key in RATES)
        raise InvalidInput(f"{names}的权重之和应为 100（现为 {total:g}）", {key: "权重之和应为 100" for key in RATES})
    return values


def set_weights(session: Session, actor: Person | None, weights: Mapping[str, Any], now: datetime) -> Weights:
    """Store 考核's weights (keys left out keep theirs); commits once, audited. Raises NotAllowed (only the
    quality office), InvalidInput (nothing changes)."""
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以设置考核权重")
    before = appraisal_weights(session).values
    after = checked_weights(before, weights)
    stored = {row.key: row for row in session.scalars(select(AppraisalWeight))}
    for key in KEYS:
        row = stored.get(key)
        if row is None:
            session.add(AppraisalWeight(key=key, weight=after[key], updated_by_id=actor.id if actor else None,
                                        updated_at=now))
        elif row.weight != after[key] or key in weights:
            row.weight, row.updated_by_id, row.updated_at = after[key], actor.id if actor else None, now
    changed = [f"{LABELS[key]} {before[key]:g}→{after[key]:g}" for key in KEYS if before[key] != after[key]]
    audit.record(session, actor, "appraisal.weights_set", now, object_type="appraisal_weight",
                 summary="设置考核权重：" + ("；".join(changed) if changed else "未改变"), before=before, after=after)
    session.commit()
    return appraisal_weights(session)
