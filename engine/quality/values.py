"""Values over time (监测): record them (a form field bound to an indicator, an import, the page, the API),
correct them (a new row with a reason; the old one stays), read the latest per indicator × subject × period."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office
from engine.org.models import Person, Subject
from engine.workflow.cycles import PERIOD
from engine.workflow.models import ProcessInstance

from . import loop
from .library import LineBook
from .models import Indicator, IndicatorValue
from .status import BAD, LABELS, Lines, fmt, status_of

ORIGINS = ("form", "import", "page", "api")


@dataclass
class ValueInput:
    """One value to record, as given; `where` names its place for messages (“指标值 第 5 行”)."""

    indicator_code: str
    subject_code: str
    period: str
    value: float | None
    measured_on: date | None
    source: str = ""
    where: str = ""
    task_id: int | None = None


@dataclass
class Recorded:
    """What recording did: the new values, how many were already there, the improvements started or joined."""

    values: list[IndicatorValue] = field(default_factory=list)
    unchanged: int = 0
    started: list[ProcessInstance] = field(default_factory=list)
    joined: list[ProcessInstance] = field(default_factory=list)


def record_values(session: Session, actor: Person | None, inputs: list[ValueInput], now: datetime,
                  origin: str = "page") -> Recorded:
    """Check every input, then record them all, or none: a value already recorded exactly so (same value, day and
    source as the latest) is left alone, so an import run twice records and starts nothing. A 预警/不合格 value
    starts its indicator's improvement (engine/quality/loop.py). Audited, not committed.

    Raises NotAllowed (only the quality office records by page, import or API; a form's own fields are recorded
    for whoever completes it), InvalidInput naming every bad input."""
    if origin != "form" and not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以录入或导入指标值")
    book = LineBook(session)
    codes = {i.indicator_code.strip() for i in inputs}
    found = {ind.code: ind for ind in session.scalars(select(Indicator).where(Indicator.code.in_(codes)))}
    subjects = {s.code: s for s in session.scalars(select(Subject).where(
        Subject.code.in_({i.subject_code.strip() for i in inputs})))}
    problems: list[str] = []
    checked: list[tuple[ValueInput, Indicator, Subject, Lines]] = []
    for item in inputs:
        checked_item = _check(item, found, subjects, book, problems)
        if checked_item is not None:
            checked.append(checked_item)
    if problems:
        raise InvalidInput(f"有 {len(problems)} 处错误，没有录入任何指标值：" + "；".join(problems[:20])
                           + ("……" if len(problems) > 20 else ""), {"rows": problems})
    latest = _latest_by_triple(session, {(ind.id, subj.id, item.period.strip()) for item, ind, subj, _ in checked})
    result = Recorded()
    for item, indicator, subject, lines in checked:
        triple = (indicator.id, subject.id, item.period.strip())
        assert item.value is not None and item.measured_on is not None
        last = latest.get(triple)
        if last is not None and (last.value, last.measured_on, last.source) == (item.value, item.measured_on,
                                                                                item.source.strip()):
            result.unchanged += 1
            continue
        value = IndicatorValue(indicator_id=indicator.id, subject_id=subject.id, period=triple[2], value=item.value,
                               measured_on=item.measured_on, source=item.source.strip()[:200], origin=origin,
                               status=status_of(item.value, lines), aim=lines.aim, standard=lines.standard,
                               warning=lines.warning, task_id=item.task_id, entered_at=now,
                               entered_by_id=actor.id if actor else None)
        session.add(value)
        latest[triple] = value
        result.values.append(value)
    session.flush()
    _audit(session, actor, result.values, found, subjects, now, origin)
    for value in result.values:
        if value.status in BAD:
            started, instance = loop.react(session, value, now)
            (result.started if started else result.joined).append(instance)
    return result


def correct_value(session: Session, actor: Person | None, value_id: int, new_value: float, reason: str,
                  now: datetime) -> IndicatorValue:
    """Correct a value: a new row naming the old one, with the reason (required); the old one stays. Judged and
    looped like any value. Raises NotAllowed, NotFound, InvalidInput."""
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以更正指标值")
    old = session.get(IndicatorValue, value_id)
    if old is None:
        raise NotFound(f"指标值 #{value_id} 不存在")
    if not reason.strip():
        raise InvalidInput("更正指标值必须说明理由", {"reason": "请填写更正理由"})
    if not math.isfinite(new_value):
        raise InvalidInput("值应为数字", {"value": "请填写数字"})
    lines = Lines(old.aim, old.standard, old.warning, old.indicator.direction)
    book_lines = LineBook(session).lines(old.indicator_id, old.subject_id, old.period) or lines
    value = IndicatorValue(indicator_id=old.indicator_id, subject_id=old.subject_id, period=old.period,
                           value=new_value, measured_on=old.measured_on, source=old.source, origin="page",
                           status=status_of(new_value, book_lines), aim=book_lines.aim,
                           standard=book_lines.standard, warning=book_lines.warning, replaces_id=old.id,
                           reason=reason.strip()[:500], entered_at=now, entered_by_id=actor.id if actor else None)
    session.add(value)
    session.flush()
    audit.record(session, actor, "value.corrected", now, object_type="indicator_value", object_id=value.id,
                 summary=f"更正 {old.subject.name} {old.indicator.name}（{old.period}）：{fmt(old.value)} → "
                         f"{fmt(new_value)}，理由：{value.reason}",
                 before={"value": old.value, "status": old.status}, after={"value": new_value,
                                                                            "status": value.status})
    if value.status in BAD:
        loop.react(session, value, now)
    return value


def latest_values(session: Session, subject_id: int | None = None, period: str | None = None,
                  indicator_id: int | None = None) -> list[IndicatorValue]:
    """The latest value of each indicator × subject × period (optionally of one subject, period or indicator)."""
    newest = select(func.max(IndicatorValue.id)).group_by(
        IndicatorValue.indicator_id, IndicatorValue.subject_id, IndicatorValue.period)
    if subject_id is not None:
        newest = newest.where(IndicatorValue.subject_id == subject_id)
    if period is not None:
        newest = newest.where(IndicatorValue.period == period)
    if indicator_id is not None:
        newest = newest.where(IndicatorValue.indicator_id == indicator_id)
    return list(session.scalars(select(IndicatorValue).where(IndicatorValue.id.in_(newest))
                                .order_by(IndicatorValue.subject_id, IndicatorValue.indicator_id)))


def history(session: Session, indicator_id: int, subject_id: int) -> list[IndicatorValue]:
    """Every value of an indicator for a subject, oldest first (corrections included)."""
    return list(session.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id,
                                                             IndicatorValue.subject_id == subject_id)
                                .order_by(IndicatorValue.period, IndicatorValue.id)))


def _check(item: ValueInput, found: dict[str, Indicator], subjects: dict[str, Subject], book: LineBook,
           problems: list[str]) -> tuple[ValueInput, Indicator, Subject, Lines] | None:
    where = f"{item.where} " if item.where else ""
    before = len(problems)
    indicator = found.get(item.indicator_code.strip())
    subject = subjects.get(item.subject_code.strip())
    if indicator is None or not indicator.active:
        problems.append(f"{where}指标代码：指标“{item.indicator_code}”不存在")
    if subject is None:
        problems.append(f"{where}对象代码：诊改对象“{item.subject_code}”不存在")
    if indicator is not None and subject is not None and indicator.level != subject.level:
        problems.append(f"{where}对象代码：“{subject.name}”不属于指标“{indicator.name}”的层面")
    if not PERIOD.match(item.period.strip()):
        problems.append(f"{where}周期：“{item.period}”应为学年（2025-2026）或学期（2025-2026-1）")
    if item.value is None or not math.isfinite(item.value):
        problems.append(f"{where}值：应为数字")
    if item.measured_on is None:
        problems.append(f"{where}采集日期：应为日期，如 2026-01-10")
    if len(problems) > before or indicator is None or subject is None:
        return None
    lines = book.lines(indicator.id, subject.id, item.period.strip())
    if lines is None:
        problems.append(f"{where}周期：指标“{indicator.name}”在 {item.period} 没有设定目标值、标准值和预警值")
        return None
    return item, indicator, subject, lines


def _latest_by_triple(session: Session, triples: set[tuple[int, int, str]]) -> dict[tuple[int, int, str],
                                                                                    IndicatorValue]:
    if not triples:
        return {}
    found: dict[tuple[int, int, str], IndicatorValue] = {}
    indicator_ids = {t[0] for t in triples}
    subject_ids = {t[1] for t in triples}
    query = (select(IndicatorValue).where(IndicatorValue.indicator_id.in_(indicator_ids),
                                          IndicatorValue.subject_id.in_(subject_ids))
             .order_by(IndicatorValue.id))
    for value in session.scalars(query):
        triple = (value.indicator_id, value.subject_id, value.period)
        if triple in triples:
            found[triple] = value
    return found


def _audit(session: Session, actor: Person | None, values: list[IndicatorValue], indicators: dict[str, Indicator],
           subjects: dict[str, Subject], now: datetime, origin: str) -> None:
    by_id = {ind.id: ind for ind in indicators.values()}
    names = {s.id: s.name for s in subjects.values()}
    events = [audit.values("value.recorded", now, actor_id=actor.id if actor else None,
                           object_type="indicator_value", object_id=v.id,
                           summary=f"{names[v.subject_id]} {by_id[v.indicator_id].name}（{v.period}）："
                                   f"{fmt(v.value)}{by_id[v.indicator_id].measure_unit}，{LABELS[v.status]}",
                           after={"value": v.value, "status": v.status, "origin": origin, "source": v.source})
              for v in values]
    audit.record_all(session, events)
