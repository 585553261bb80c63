"""The 质量年报's outline as data, by year: its chapters (title, sub-sections, the department that writes it) and
its annex tables (rows naming indicators, each shown as 指标 | 单位 | 上年 | 本年). The shipped default is the
current national outline for 中职 schools (outlines/annual.json); the quality office keeps a year's own, and a
year without one follows the latest earlier year's, so next winter starts from this winter's choices."""
from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import InvalidInput, NotAllowed
from engine.org.access import is_quality_office
from engine.org.models import Person
from engine.org.routing import unit_by_ref

from .models import AnnualOutline

DEFAULT = Path(__file__).parent / "outlines" / "annual.json"
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
YEARS = range(2000, 2101)
LIMITS = {"chapters": 30, "sections": 30, "tables": 12, "rows": 50, "text": 100}


@cache
def _shipped() -> dict[str, Any]:
    return dict(json.loads(DEFAULT.read_text(encoding="utf-8")))


def default_outline() -> dict[str, Any]:
    """A copy of the shipped national outline, every chapter included."""
    outline = copy.deepcopy(_shipped())
    for chapter in outline["chapters"]:
        chapter.setdefault("include", True)
    return outline


def check_year(year: int) -> int:
    """`year` when it is a plausible report year; InvalidInput otherwise."""
    if year not in YEARS:
        raise InvalidInput(f"年度应在 {YEARS.start}–{YEARS.stop - 1} 之间：{year}", {"year": "年度不正确"})
    return year


def outline_for(session: Session, year: int) -> dict[str, Any]:
    """The outline year `year` uses: its own, else the latest earlier year's, else the shipped default."""
    kept = session.scalars(select(AnnualOutline).where(AnnualOutline.year <= year)
                           .order_by(AnnualOutline.year.desc()).limit(1)).first()
    return copy.deepcopy(kept.content) if kept is not None else default_outline()


def outline_source(session: Session, year: int) -> int | None:
    """The year whose saved outline `year` uses (None: the shipped default)."""
    return session.scalar(select(AnnualOutline.year).where(AnnualOutline.year <= year)
                          .order_by(AnnualOutline.year.desc()).limit(1))


def save_outline(session: Session, actor: Person, year: int, outline: dict[str, Any], now: datetime) -> AnnualOutline:
    """Keep `outline` as year `year`'s after checking it (quality office only); audited; commits. Raises NotAllowed,
    InvalidInput naming the chapter, table or row at fault."""
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量办可以修改质量年报的大纲")
    check_year(year)
    clean = checked_outline(session, outline)
    row = session.get(AnnualOutline, year)
    before = row.content if row is not None else None
    if row is None:
        row = AnnualOutline(year=year, content=clean, updated_by_id=actor.id, updated_at=now)
        session.add(row)
    else:
        row.content, row.updated_by_id, row.updated_at = clean, actor.id, now
    audit.record(session, actor, "annual.outline_saved", now, object_type="annual_outline", object_id=year,
                 summary=f"修改 {year} 年度质量年报大纲：{len(clean['chapters'])} 章、{len(clean['tables'])} 张附表",
                 before=before, after=clean)
    session.commit()
    return row


def checked_outline(session: Session, outline: dict[str, Any]) -> dict[str, Any]:
    """A clean copy of `outline`; InvalidInput listing every problem (a chapter's department must exist)."""
    errors: dict[str, str] = {}
    title = _text(outline.get("title"), 200) or _shipped()["title"]
    chapters = [c for c in outline.get("chapters") or [] if isinstance(c, dict)]
    tables = [t for t in outline.get("tables") or [] if isinstance(t, dict)]
    if not any(c.get("include", True) for c in chapters):
        errors["chapters"] = "大纲至少要有一章"
    if len(chapters) > LIMITS["chapters"] or len(tables) > LIMITS["tables"]:
        errors["chapters"] = f"大纲最多 {LIMITS['chapters']} 章、{LIMITS['tables']} 张附表"
    clean_chapters = [_chapter(session, index, c, errors) for index, c in enumerate(chapters, 1)]
    clean_tables = [_table(index, t, errors) for index, t in enumerate(tables, 1)]
    keys = [c["key"] for c in clean_chapters] + [t["key"] for t in clean_tables]
    for key in {k for k in keys if keys.count(k) > 1}:
        errors.setdefault("chapters", f"章节或附表的标识“{key}”重复")
    if errors:
        raise InvalidInput("大纲有问题，未保存：" + "；".join(errors.values()), errors)
    return {"title": title, "chapters": clean_chapters, "tables": clean_tables}


def _chapter(session: Session, index: int, chapter: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    where = f"第 {index} 章"
    title = _text(chapter.get("title"), LIMITS["text"])
    key = str(chapter.get("key") or f"chapter{index}")
    if not title:
        errors[f"chapters.{index}.title"] = f"{where}缺少标题"
    if not KEY.match(key):
        errors[f"chapters.{index}.key"] = f"{where}的标识“{key[:40]}”应为小写字母开头的字母、数字或下划线"
    unit = _text(chapter.get("unit"), LIMITS["text"])
    include = bool(chapter.get("include", True))
    if include and not unit:
        errors[f"chapters.{index}.unit"] = f"{where}“{title}”缺少撰写部门"
    elif include and unit_by_ref(session, unit) is None:
        errors[f"chapters.{index}.unit"] = f"{where}“{title}”的撰写部门“{unit}”在组织机构中找不到"
    sections = [_text(s, LIMITS["text"]) for s in chapter.get("sections") or []]
    sections = [s for s in sections if s]
    if len(sections) > LIMITS["sections"]:
        errors[f"chapters.{index}.sections"] = f"{where}“{title}”最多 {LIMITS['sections']} 个小节"
    return {"key": key, "title": title, "unit": unit, "sections": sections, "include": include,
            **({"optional": True} if chapter.get("optional") else {})}


def _table(index: int, table: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    where = f"附表 {index}"
    title = _text(table.get("title"), LIMITS["text"])
    key = str(table.get("key") or f"table{index}")
    if not title:
        errors[f"tables.{index}.title"] = f"{where}缺少名称"
    if not KEY.match(key):
        errors[f"tables.{index}.key"] = f"{where}的标识“{key[:40]}”应为小写字母开头的字母、数字或下划线"
    rows = []
    for number, row in enumerate(table.get("rows") or [], 1):
        name = _text(row.get("name"), LIMITS["text"]) if isinstance(row, dict) else ""
        if not name:
            errors[f"tables.{index}.rows.{number}"] = f"{where}“{title}”第 {number} 行缺少指标名称"
            continue
        rows.append({"name": name, "unit": _text(row.get("unit"), 20),
                     **({"indicator": _text(row.get("indicator"), 40)} if row.get("indicator") else {})})
    if len(rows) > LIMITS["rows"]:
        errors[f"tables.{index}.rows"] = f"{where}“{title}”最多 {LIMITS['rows']} 行"
    return {"key": key, "title": title, "rows": rows}


def _text(value: Any, limit: int) -> str:
    text = " ".join(str(value or "").split())
    return text[:limit]


def included(outline: dict[str, Any]) -> list[dict[str, Any]]:
    """The chapters the year's report has, in outline order."""
    return [c for c in outline["chapters"] if c.get("include", True)]
