"""The goal chain (目标链): goals per subject and period, each with a parent goal one level up (school → major →
course → teacher → student), measured by its indicators (the weighted share of them at 达标 or better for the
subject and period) or by a reviewed done / not done; a goal's attainment rolls up from its children. A goal
that was not attained carries into the next cycle's goal of the same subject (carried_from)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

import engine.audit as audit
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office
from engine.org.models import LEVEL_NAMES, LEVELS, Person, Subject
from engine.org.snapshot import snapshot

from .centre import status_matrix
from .models import Goal, GoalIndicator, Indicator, IndicatorValue

GOOD = ("excellent", "pass")


@dataclass
class GoalInput:
    """A goal as a form or the page gives it: its title, the parent goal's reference (G12) and its indicators
    as (code, target) pairs."""

    title: str
    parent: str = ""
    indicators: list[tuple[str, float | None]] = field(default_factory=list)
    origin_key: str = ""


def reference(goal: Goal) -> str:
    """The short reference people pick a goal by: G12."""
    return f"G{goal.id}"


def _year(period: str) -> str:
    return period[:9]  # 2025-2026-1 → 2025-2026


def parent_level(level: str) -> str | None:
    """The level one up the chain (course → major), None for the school."""
    index = LEVELS.index(level) if level in LEVELS else 0
    return LEVELS[index - 1] if index > 0 else None


def parent_options(session: Session, subject: Subject, period: str) -> list[Goal]:
    """Goals one level up in the same academic year, those of subjects above this subject's unit first."""
    level = parent_level(subject.level)
    if level is None:
        return []
    goals = list(session.scalars(select(Goal).join(Subject, Subject.id == Goal.subject_id)
                                 .where(Subject.level == level, Goal.period.like(f"{_year(period)}%"))
                                 .options(selectinload(Goal.subject)).order_by(Goal.id)))
    above = set(snapshot(session).ancestors(session, subject.unit_id))
    return sorted(goals, key=lambda g: (g.subject.unit_id not in above, g.id))


def save_cycle_goal(session: Session, actor: Person | None, instance_id: int | None, subject: Subject, period: str,
                    given: GoalInput, now: datetime) -> Goal:
    """Create or update the goal a cycle's goal form writes (keyed by the cycle and the field), link its parent
    and indicators, and carry from the subject's previous goal of the same field when that one was not attained.
    Raises InvalidInput (a parent or indicator that does not fit). Audited, not committed."""
    title = given.title.strip()
    if not title:
        raise InvalidInput("目标不能为空")
    parent = _parent(session, subject, period, given.parent)
    measures = _measures(session, subject, given.indicators)
    goal = session.scalars(select(Goal).where(Goal.instance_id == instance_id, Goal.origin_key == given.origin_key)
                           ).first() if instance_id is not None else None
    created = goal is None
    if goal is None:
        goal = Goal(subject_id=subject.id, period=period, instance_id=instance_id, origin_key=given.origin_key,
                    created_at=now, created_by_id=actor.id if actor else None, owner_id=actor.id if actor else None)
        goal.carried_from_id = _carried_from(session, subject, period, given.origin_key)
        session.add(goal)
    goal.title, goal.parent_id = title[:500], parent.id if parent else None
    goal.measures = [GoalIndicator(indicator_id=ind.id, target=target) for ind, target in measures]
    session.flush()
    audit.record(session, actor, "goal.saved", now, instance=None, object_type="goal", object_id=goal.id,
                 summary=f"{'制定' if created else '修改'}目标 {reference(goal)}：{subject.name}（{period}）"
                         f"{'，支撑 ' + reference(parent) if parent else ''}",
                 after={"title": goal.title, "parent": parent.id if parent else None,
                        "indicators": [ind.code for ind, _ in measures]})
    return goal


def review_goal(session: Session, actor: Person | None, goal_id: int, done: bool, now: datetime) -> Goal:
    """Record that a goal measured by review was (or was not) reached. Raises NotAllowed, NotFound. Not committed."""
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以评定目标是否达成")
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise NotFound(f"目标 G{goal_id} 不存在")
    goal.review_done, goal.reviewed_at = done, now
    goal.reviewed_by_id = actor.id if actor else None
    audit.record(session, actor, "goal.reviewed", now, object_type="goal", object_id=goal.id,
                 summary=f"评定目标 {reference(goal)}：{'已达成' if done else '未达成'}")
    return goal


@dataclass
class GoalNode:
    """A goal in the chain with its attainment (0–1, None: nothing to judge yet) and its children."""

    goal: Goal
    attainment: float | None
    own: float | None
    children: list[GoalNode] = field(default_factory=list)

    @property
    def colour(self) -> str:
        """The attainment's colour (colour_of)."""
        return colour_of(self.attainment)


def colour_of(attainment: float | None) -> str:
    """green from 100 %, yellow from 60 %, red below, grey when nothing can be judged."""
    if attainment is None:
        return "grey"
    return "green" if attainment >= 0.999 else "yellow" if attainment >= 0.6 else "red"


def goal_tree(session: Session, year: str) -> list[GoalNode]:
    """Every goal of the academic year `year` (its terms included) as trees from the top of the chain, each with
    its attainment rolled up."""
    goals = list(session.scalars(select(Goal).where(Goal.period.like(f"{year}%"))
                                 .options(selectinload(Goal.subject), selectinload(Goal.measures)
                                          .selectinload(GoalIndicator.indicator)).order_by(Goal.id)))
    # only the values the goals are measured by (a query, not a list: no limit on how many)
    measured = (select(GoalIndicator.indicator_id, Goal.subject_id, Goal.period)
                .join(Goal, Goal.id == GoalIndicator.goal_id).where(Goal.period.like(f"{year}%")))
    matrix = status_matrix(session, wanted=measured)
    nodes = {g.id: GoalNode(g, None, _own(g, matrix)) for g in goals}
    roots: list[GoalNode] = []
    for goal in goals:
        parent = nodes.get(goal.parent_id) if goal.parent_id else None
        (parent.children if parent else roots).append(nodes[goal.id])
    for node in roots:
        _roll_up(node, set())
    return roots


@dataclass
class ChainRow:
    """A goal of the chain as the 驾驶舱 lists it: plain values, its depth and rolled-up attainment."""

    goal_id: int
    title: str
    subject: str
    level: str
    depth: int
    attainment: float | None

    @property
    def colour(self) -> str:
        """The attainment's colour (colour_of)."""
        return colour_of(self.attainment)


def goal_chain(session: Session, year: str) -> list[ChainRow]:
    """The year's goals top down (each after its parent) with attainment rolled up as goal_tree does, read as
    plain rows — no objects — in one indexed query (each measure with its latest value), so a province's
    thousands of goals come back in a few milliseconds."""
    newest = (select(func.max(IndicatorValue.id))
              .where(IndicatorValue.indicator_id == GoalIndicator.indicator_id,
                     IndicatorValue.subject_id == Goal.subject_id, IndicatorValue.period == Goal.period)
              .correlate(GoalIndicator, Goal).scalar_subquery())
    rows = session.connection().execute(  # Core rows: nothing of the ORM's loading is needed for plain columns
        select(Goal.id, Goal.parent_id, Goal.weight, Goal.review_done, Goal.title, Subject.name, Subject.level,
               GoalIndicator.weight, GoalIndicator.target, Indicator.direction, IndicatorValue.value,
               IndicatorValue.status)
        .join(Subject, Subject.id == Goal.subject_id)
        .outerjoin(GoalIndicator, GoalIndicator.goal_id == Goal.id)
        .outerjoin(Indicator, Indicator.id == GoalIndicator.indicator_id)
        .outerjoin(IndicatorValue, IndicatorValue.id == newest)
        .where(Goal.period.like(f"{year}%")).order_by(Goal.id)).all()
    named: dict[int, tuple[Any, ...]] = {}
    measured: dict[int, list[float]] = {}  # goal id → [weight of its measures, weight of those met]
    for goal_id, parent_id, weight, review_done, title, name, level, m_weight, target, direction, value, status \
            in rows:
        if goal_id not in named:
            named[goal_id] = (parent_id, weight or 1.0, review_done, title, name, level)
        if m_weight is not None:
            sums = measured.setdefault(goal_id, [0.0, 0.0])
            sums[0] += m_weight
            if value is not None and _reached((value, status), target, direction):
                sums[1] += m_weight
    own: dict[int, float | None] = {}
    for goal_id, (_parent_id, _weight, review_done, *_rest) in named.items():
        kept = measured.get(goal_id)
        if kept is not None:
            own[goal_id] = kept[1] / (kept[0] or 1.0)
        else:
            own[goal_id] = None if review_done is None else float(review_done)
    children: dict[int | None, list[int]] = {}
    for goal_id, (parent_id, *_rest) in named.items():
        children.setdefault(parent_id if parent_id in named else None, []).append(goal_id)
    attainment: dict[int, float | None] = {}
    order: list[tuple[int, int]] = []  # (goal id, depth), each goal after its parent

    def roll(goal_id: int, depth: int, seen: set[int]) -> float | None:
        seen.add(goal_id)
        order.append((goal_id, depth))
        mine = own[goal_id]
        parts = [(mine, 1.0)] if mine is not None else []
        for child in children.get(goal_id, ()):
            if child not in seen:
                value = roll(child, depth + 1, seen)
                if value is not None:
                    parts.append((value, named[child][1]))
        found = attainment[goal_id] = _combined(parts)  # as goal_tree combines them
        return found
    for root in children.get(None, ()):
        roll(root, 0, set())
    return [ChainRow(goal_id, named[goal_id][3], named[goal_id][4], named[goal_id][5], depth, attainment[goal_id])
            for goal_id, depth in order]


def attainment_of(session: Session, goal: Goal) -> float | None:
    """One goal's attainment, its children's rolled up."""
    for root in goal_tree(session, _year(goal.period)):
        found = _find(root, goal.id)
        if found is not None:
            return found.attainment
    return None


def subject_goals(session: Session, subject_id: int, period: str) -> list[GoalNode]:
    """The subject's goals of a period, each with its attainment."""
    found: list[GoalNode] = []

    def walk(node: GoalNode) -> None:
        if node.goal.subject_id == subject_id and node.goal.period == period:
            found.append(node)
        for child in node.children:
            walk(child)
    for root in goal_tree(session, _year(period)):
        walk(root)
    return found


def previous_goals(session: Session, subject_id: int, period: str) -> list[GoalNode]:
    """The subject's goals of the latest earlier period that has any (what this cycle starts from)."""
    earlier = session.scalar(select(Goal.period).where(Goal.subject_id == subject_id, Goal.period < period)
                             .order_by(Goal.period.desc()).limit(1))
    return subject_goals(session, subject_id, earlier) if earlier else []


def _find(node: GoalNode, goal_id: int) -> GoalNode | None:
    if node.goal.id == goal_id:
        return node
    for child in node.children:
        found = _find(child, goal_id)
        if found is not None:
            return found
    return None


def _own(goal: Goal, matrix: dict[tuple[int, int, str], tuple[float, str]]) -> float | None:
    if goal.measures:
        total = sum(m.weight for m in goal.measures) or 1.0
        good = sum(m.weight for m in goal.measures
                   if _met(matrix.get((m.indicator_id, goal.subject_id, goal.period)), m))
        return good / total
    return None if goal.review_done is None else float(goal.review_done)


def _met(latest: tuple[float, str] | None, measure: GoalIndicator) -> bool:
    return _reached(latest, measure.target, measure.indicator.direction)


def _reached(latest: tuple[float, str] | None, target: float | None, direction: str) -> bool:
    """A measure is met by the latest value: its own target when it has one, else 达标 or better."""
    if latest is None:
        return False
    value, status = latest
    if target is not None:
        return value >= target if direction == "higher" else value <= target
    return status in GOOD


def _roll_up(node: GoalNode, seen: set[int]) -> float | None:
    seen.add(node.goal.id)
    parts = [(node.own, 1.0)] if node.own is not None else []
    for child in node.children:
        if child.goal.id not in seen:
            value = _roll_up(child, seen)
            if value is not None:
                parts.append((value, child.goal.weight or 1.0))
    node.attainment = _combined(parts)
    return node.attainment


def _combined(parts: list[tuple[float, float]]) -> float | None:
    """A goal's attainment from its own (weight 1) and its children's (their weights)."""
    total = sum(w for _, w in parts)
    return sum(v * w for v, w in parts) / total if parts and total else None


def _parent(session: Session, subject: Subject, period: str, ref: str) -> Goal | None:
    ref = ref.strip().upper().lstrip("G")
    if not ref:
        return None
    options = {g.id: g for g in parent_options(session, subject, period)}
    if not ref.isdigit() or int(ref) not in options:
        raise InvalidInput(f"对接的上级目标“{ref}”不是{_level_name(parent_level(subject.level))}在本学年的目标，请从列表中选择")
    return options[int(ref)]


def _measures(session: Session, subject: Subject, given: list[tuple[str, float | None]]) -> list[tuple[Indicator,
                                                                                                   float | None]]:
    codes = {code.strip() for code, _ in given if code.strip()}
    found = {i.code: i for i in session.scalars(select(Indicator).where(Indicator.code.in_(codes),
                                                                         Indicator.level == subject.level))}
    missing = sorted(codes - set(found))
    if missing:
        raise InvalidInput(f"指标库中没有这一层面的指标：{'、'.join(missing)}")
    seen: dict[str, tuple[Indicator, float | None]] = {}
    for code, target in given:
        if code.strip():
            seen.setdefault(code.strip(), (found[code.strip()], target))
    return list(seen.values())


def _carried_from(session: Session, subject: Subject, period: str, origin_key: str) -> int | None:
    for node in previous_goals(session, subject.id, period):
        if node.goal.origin_key == origin_key and (node.attainment is None or node.attainment < 0.999):
            return node.goal.id
    return None


def _level_name(level: str | None) -> str:
    return next((name for name, code in LEVEL_NAMES.items() if code == level), "")
