"""The indicator library (标准链): the diagnosis items, indicators and their lines per period, kept as data the
quality office edits; a subject's own lines (the standard stage) may tighten the school's, never loosen them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office
from engine.org.models import LEVELS, Person, Subject, Unit
from engine.org.routing import find_role

from .models import DiagnosisItem, Indicator, IndicatorThreshold
from .status import Lines, check_lines, fmt, tighter_or_equal

# The seven 中职 diagnosis items (教职成司函〔2016〕37号) and their 诊断要素: data, edited on the library page;
# migration 0004 writes the same list into every new database.
DIAGNOSIS_ITEMS = (
    ("专业设置与条件", "专业结构、专业设置、实训条件、经费投入"),
    ("教师队伍与建设", "师资结构、双师素质、专业带头人、教师培训"),
    ("课程体系与改革", "课程体系、课程标准、教材建设、信息化资源"),
    ("课堂教学与实践", "教学组织、教学方法、实践教学、技能大赛"),
    ("学校管理与制度", "管理制度、质量监控、学生管理、安全管理"),
    ("校企合作与创新", "合作企业、订单培养、顶岗实习、社会服务"),
    ("质量监控与成效", "就业质量、学生满意度、社会评价、质量年报"),
)


@dataclass
class IndicatorFields:
    """What the library page and the 指标库 sheet give for one indicator (names as the user typed them)."""

    code: str
    name: str
    level: str  # a level code (school, major…)
    direction: str  # higher | lower
    aim: float
    standard: float
    warning: float
    item: str = ""  # 诊断项目 name
    measure_unit: str = ""
    source_unit: str = ""  # a unit's code or name
    frequency: str = "term"
    responsible_role: str = ""
    process_id: str = "improvement"
    period_from: str = ""  # the lines hold from this period on ("" = always)


def seed_diagnosis_items(session: Session) -> None:
    """Add the seven 中职 diagnosis items that are missing (safe to run twice)."""
    have = set(session.scalars(select(DiagnosisItem.name)))
    for position, (name, elements) in enumerate(DIAGNOSIS_ITEMS):
        if name not in have:
            session.add(DiagnosisItem(name=name, elements=elements, position=position))


def problems_of(session: Session, fields: IndicatorFields) -> list[str]:
    """Every reason `fields` cannot be saved, as sentences (empty when it can)."""
    found: list[str] = []
    if not fields.code.strip():
        found.append("代码不能为空")
    if not fields.name.strip():
        found.append("名称不能为空")
    if fields.level not in LEVELS:
        found.append("层面应为 学校、专业、课程、教师 或 学生")
    if fields.frequency not in ("month", "term", "year"):
        found.append("采集频次应为 月、学期 或 学年")
    try:
        check_lines(Lines(fields.aim, fields.standard, fields.warning, fields.direction), fields.name)
    except InvalidInput as exc:
        found.append(exc.message)
    if fields.item and session.scalar(select(DiagnosisItem.id).where(DiagnosisItem.name == fields.item)) is None:
        found.append(f"诊断项目“{fields.item}”不存在")
    if fields.source_unit and _unit(session, fields.source_unit) is None:
        found.append(f"数据来源“{fields.source_unit}”不是已有的单位")
    if fields.responsible_role and find_role(session, fields.responsible_role) is None:
        found.append(f"责任角色“{fields.responsible_role}”不存在")
    return found


def save_indicator(session: Session, actor: Person | None, fields: IndicatorFields, now: datetime) -> Indicator:
    """Add the indicator or change the one with its code, and set its lines from `period_from` on (earlier
    periods keep theirs); audited, not committed. Raises NotAllowed, InvalidInput (every problem at once)."""
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以修改指标库")
    problems = problems_of(session, fields)
    if problems:
        raise InvalidInput("；".join(problems))
    item = session.scalars(select(DiagnosisItem).where(DiagnosisItem.name == fields.item)).first() \
        if fields.item else None
    source = _unit(session, fields.source_unit) if fields.source_unit else None
    role = find_role(session, fields.responsible_role) if fields.responsible_role else None
    indicator = session.scalars(select(Indicator).where(Indicator.code == fields.code.strip())).first()
    before = describe(indicator) if indicator else None
    if indicator is None:
        indicator = Indicator(code=fields.code.strip())
        session.add(indicator)
    indicator.name, indicator.level, indicator.direction = fields.name.strip(), fields.level, fields.direction
    indicator.item, indicator.measure_unit, indicator.frequency = item, fields.measure_unit, fields.frequency
    indicator.source_unit = source
    indicator.responsible_role = role.name if role else ""
    indicator.process_id = fields.process_id.strip() or "improvement"
    indicator.active = True
    session.flush()
    _set_lines(session, actor, indicator, None, fields.period_from,
               Lines(fields.aim, fields.standard, fields.warning, fields.direction), now)
    after = describe(indicator)
    if after != before:
        audit.record(session, actor, "indicator.saved", now, object_type="indicator", object_id=indicator.id,
                     summary=f"{'修改' if before else '新增'}指标 {indicator.code} {indicator.name}",
                     before=before, after=after)
    return indicator


def tighten(session: Session, actor: Person | None, indicator_code: str, subject: Subject, period: str,
            lines: Lines, now: datetime) -> IndicatorThreshold:
    """A subject's own lines from `period` on (the standard stage): refused when looser than the school's on any
    line. Raises NotFound, InvalidInput."""
    indicator = get_indicator(session, indicator_code)
    lines = Lines(lines.aim, lines.standard, lines.warning, indicator.direction)
    check_lines(lines, indicator.name)
    school = LineBook(session).lines(indicator.id, None, period)
    if school is not None and not tighter_or_equal(lines, school):
        raise InvalidInput(f"“{subject.name}”的“{indicator.name}”只能比学校的标准更严（学校：目标值 {fmt(school.aim)}、"
                           f"标准值 {fmt(school.standard)}、预警值 {fmt(school.warning)}）")
    return _set_lines(session, actor, indicator, subject, period, lines, now)


def _set_lines(session: Session, actor: Person | None, indicator: Indicator, subject: Subject | None,
               period_from: str, lines: Lines, now: datetime) -> IndicatorThreshold:
    whose = IndicatorThreshold.subject_id == subject.id if subject else IndicatorThreshold.subject_id.is_(None)
    row = session.scalars(select(IndicatorThreshold).where(
        IndicatorThreshold.indicator_id == indicator.id, IndicatorThreshold.period_from == period_from,
        whose)).first()
    if row is not None and (row.aim, row.standard, row.warning) == (lines.aim, lines.standard, lines.warning):
        return row
    if row is None:
        row = IndicatorThreshold(indicator_id=indicator.id, subject_id=subject.id if subject else None,
                                 period_from=period_from)
        session.add(row)
    row.aim, row.standard, row.warning = lines.aim, lines.standard, lines.warning
    row.set_at, row.set_by_id = now, actor.id if actor else None
    session.flush()
    return row


def get_indicator(session: Session, code: str) -> Indicator:
    """The indicator with this code; raises NotFound."""
    indicator = session.scalars(select(Indicator).where(Indicator.code == code.strip())).first()
    if indicator is None:
        raise NotFound(f"指标“{code}”不存在")
    return indicator


def indicators(session: Session, level: str | None = None) -> list[Indicator]:
    """The library, by level (school first) and code."""
    query = select(Indicator).where(Indicator.active.is_(True))
    if level:
        query = query.where(Indicator.level == level)
    found = session.scalars(query.order_by(Indicator.code))
    return sorted(found, key=lambda ind: LEVELS.index(ind.level) if ind.level in LEVELS else len(LEVELS))


def describe(indicator: Indicator) -> dict[str, object]:
    """The indicator as the audit log keeps it."""
    return {"code": indicator.code, "name": indicator.name, "level": indicator.level,
            "direction": indicator.direction, "item": indicator.item.name if indicator.item else "",
            "measure_unit": indicator.measure_unit, "frequency": indicator.frequency,
            "source_unit": indicator.source_unit.code if indicator.source_unit else "",
            "responsible_role": indicator.responsible_role, "process_id": indicator.process_id}


class LineBook:
    """Every indicator's lines, read once: the lines that hold for an indicator, a subject and a period."""

    def __init__(self, session: Session) -> None:
        self._rows: dict[tuple[int, int | None], list[tuple[str, Lines]]] = {}
        directions = dict(session.execute(select(Indicator.id, Indicator.direction)).all())
        query = select(IndicatorThreshold).order_by(IndicatorThreshold.period_from)
        for row in session.scalars(query):
            lines = Lines(row.aim, row.standard, row.warning, directions.get(row.indicator_id, "higher"))
            self._rows.setdefault((row.indicator_id, row.subject_id), []).append((row.period_from, lines))

    def lines(self, indicator_id: int, subject_id: int | None, period: str) -> Lines | None:
        """The subject's own lines for `period` if it has some, else the school's (the latest set from a period
        not after `period`; periods compare as text: 2025-2026 < 2025-2026-1 < 2025-2026-2 < 2026-2027)."""
        for key in ((indicator_id, subject_id), (indicator_id, None)) if subject_id else ((indicator_id, None),):
            held = [lines for start, lines in self._rows.get(key, ()) if start <= period]
            if held:
                return held[-1]
        return None


def _unit(session: Session, ref: str) -> Unit | None:
    ref = ref.strip()
    return session.scalars(select(Unit).where((Unit.code == ref) | (Unit.name == ref))).first()
