"""The 质量年报's annex tables filled from indicator values: each row names an indicator (by code, else by name)
and shows its value this year and last. Report year Y is school year (Y-1)-Y: a row takes the school's value for
the year, else for its latest term; a school without its own value shows the mean of its subjects' values for
that period (a major's “双师型” share across the majors), marked as such."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.org.models import Subject
from engine.quality.models import Indicator
from engine.quality.values import latest_values


@dataclass
class AnnexRow:
    """One row of an annex table: 指标 | 单位 | 上年 | 本年 (None: no value)."""

    name: str
    unit: str
    last: float | None
    this: float | None
    averaged: bool = False  # the school had no value of its own: the mean over its subjects
    indicator: str = ""  # the code of the indicator found ("" when the library has none)


@dataclass
class AnnexTable:
    """An annex table with its rows."""

    key: str
    title: str
    rows: list[AnnexRow]


def school_year(year: int) -> str:
    """The school year report year `year` covers: 2026 → 2025-2026."""
    return f"{year - 1}-{year}"


def periods_of(year: int) -> list[str]:
    """The periods a value of report year `year` may have, the preferred first: the year, then its terms."""
    span = school_year(year)
    return [span, f"{span}-2", f"{span}-1"]


def annex_tables(session: Session, outline: dict[str, Any], year: int, school: Subject | None) -> list[AnnexTable]:
    """The outline's annex tables with this year's and last year's values."""
    wanted = [row for table in outline.get("tables", []) for row in table["rows"]]
    found = _indicators(session, wanted)
    tables = []
    for table in outline.get("tables", []):
        rows = []
        for row in table["rows"]:
            indicator = found.get(row.get("indicator") or "") or found.get(row["name"])
            if indicator is None:
                rows.append(AnnexRow(row["name"], row.get("unit", ""), None, None))
                continue
            this, mean_this = _value(session, indicator, year, school)
            last, mean_last = _value(session, indicator, year - 1, school)
            rows.append(AnnexRow(row["name"], row.get("unit") or indicator.measure_unit, last, this,
                                 averaged=mean_this or mean_last, indicator=indicator.code))
        tables.append(AnnexTable(table["key"], table["title"], rows))
    return tables


def _indicators(session: Session, rows: list[dict[str, Any]]) -> dict[str, Indicator]:
    codes = {r["indicator"] for r in rows if r.get("indicator")}
    names = {r["name"] for r in rows}
    if not rows:
        return {}
    found: dict[str, Indicator] = {}
    for indicator in session.scalars(select(Indicator).where(
            or_(Indicator.code.in_(codes), Indicator.name.in_(names))).order_by(Indicator.id)):
        if indicator.code in codes:
            found[indicator.code] = indicator
        found.setdefault(indicator.name, indicator)
    return found


def _value(session: Session, indicator: Indicator, year: int, school: Subject | None) -> tuple[float | None, bool]:
    """(value, averaged) of an indicator for report year `year`."""
    for period in periods_of(year):
        values = latest_values(session, period=period, indicator_id=indicator.id)
        own = [v for v in values if school is not None and v.subject_id == school.id]
        if own:
            return own[0].value, False
        if values:
            return round(sum(v.value for v in values) / len(values), 2), True
    return None, False
