"""The school's own settings: its name and short name (notices, reports, the sign-in page), logo and the
language a visitor starts in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, true
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.db import cache
from engine.errors import InvalidInput

from .admin import clean, ensure_admin
from .models import Person, School, Unit

LOCALES = ("zh_CN", "en")
LOGO_MAX_BYTES = 256 * 1024
# Only raster images: an SVG can carry script, so it is refused, whatever its name says.
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _row(session: Session) -> School | None:
    return session.scalars(select(School).order_by(School.id)).first()


def school_settings(session: Session) -> School:
    """The school's settings row, or (before anyone saved one) a default named after the root unit."""
    found = _row(session)
    if found is not None:
        return found
    root = session.scalars(select(Unit.name).where(Unit.parent_id.is_(None)).order_by(Unit.id)).first() or ""
    return School(name=root, short_name="", default_locale="zh_CN", logo=None, logo_type="")


@dataclass(frozen=True)
class SchoolInfo:
    """What every page shows of the school (no logo bytes): kept in the org snapshot, so a page pays nothing."""

    name: str
    short_name: str
    default_locale: str
    logo_type: str
    updated_at: datetime | None


def school_info(session: Session) -> SchoolInfo:
    """The school's name, short name, default language and logo type, from the snapshot of the watched tables
    (engine/db/cache.py): read once per change, not once per page."""
    def load(s: Session) -> SchoolInfo:
        # One statement: the root unit's name beside the settings row (the name until one is saved).
        found = s.execute(select(Unit.name, School.name, School.short_name, School.default_locale,
                                 School.logo_type, School.updated_at).select_from(Unit)
                          .outerjoin(School, true()).where(Unit.parent_id.is_(None))
                          .order_by(Unit.id, School.id).limit(1)).first()
        if found is None:  # no unit yet: a fresh school before its first import
            row = school_settings(s)
            return SchoolInfo(row.name, row.short_name, row.default_locale or "zh_CN", row.logo_type or "",
                              row.updated_at)
        root, name, short_name, locale, logo_type, updated_at = found
        return SchoolInfo(name or root, short_name or "", locale or "zh_CN",
                          logo_type or "", updated_at)
    return cache.snapshot(session).section("org.school", session, load)


def school_name(session: Session) -> str:
    """The school's name as notices and reports print it."""
    return school_info(session).name


def _saved(session: Session) -> School:
    found = _row(session)
    if found is None:
        found = school_settings(session)
        session.add(found)
    return found


def save_school(session: Session, actor: Person | None, name: str, short_name: str, default_locale: str,
                now: datetime) -> School:
    """Set the school's name, short name and default language; raises NotAllowed, InvalidInput."""
    ensure_admin(actor)
    name, short_name = clean(name), clean(short_name)
    errors = {}
    if not name:
        errors["name"] = "请填写学校名称"
    elif len(name) > 200:
        errors["name"] = "学校名称最多 200 个字"
    if len(short_name) > 100:
        errors["short_name"] = "简称最多 100 个字"
    if default_locale not in LOCALES:
        errors["default_locale"] = "请选择中文或 English"
    if errors:
        raise InvalidInput("学校设置有误：" + "；".join(errors.values()), errors)
    row = _saved(session)
    before = {"name": row.name, "short_name": row.short_name, "default_locale": row.default_locale}
    row.name, row.short_name, row.default_locale, row.updated_at = name, short_name, default_locale, now
    audit.record(session, actor, "school.updated", now, object_type="school", object_id="school",
                 summary=f"学校设置已更新：{name}", before=before,
                 after={"name": name, "short_name": short_name, "default_locale": default_locale})
    cache.stamp(session)  # the school row is not a watched table: pages read it from the snapshot
    session.commit()
    return row


def logo_type_of(data: bytes) -> str:
    """image/png or image/jpeg when `data` starts like one, else ""."""
    return next((kind for magic, kind in LOGO_TYPES.items() if data.startswith(magic)), "")


def save_logo(session: Session, actor: Person | None, data: bytes, now: datetime) -> School:
    """Keep an uploaded logo (PNG or JPEG, at most 256 KB); raises NotAllowed, InvalidInput."""
    ensure_admin(actor)
    if not data:
        raise InvalidInput("请选择一个标志图片文件", {"logo": "未选择文件"})
    if len(data) > LOGO_MAX_BYTES:
        raise InvalidInput(f"标志图片不能超过 {LOGO_MAX_BYTES // 1024} KB，请压缩后再上传", {"logo": "文件太大"})
    kind = logo_type_of(data)
    if not kind:
        raise InvalidInput("标志只能是 PNG 或 JPEG 图片（出于安全原因不接受 SVG）", {"logo": "文件类型不支持"})
    row = _saved(session)
    row.logo, row.logo_type, row.updated_at = data, kind, now
    audit.record(session, actor, "school.logo", now, object_type="school", object_id="school",
                 summary=f"上传了学校标志（{kind}，{len(data)} 字节）")
    cache.stamp(session)
    session.commit()
    return row


def remove_logo(session: Session, actor: Person | None, now: datetime) -> None:
    """Go back to showing the school's short name instead of a logo; raises NotAllowed."""
    ensure_admin(actor)
    row = _saved(session)
    row.logo, row.logo_type, row.updated_at = None, "", now
    audit.record(session, actor, "school.logo_removed", now, object_type="school", object_id="school",
                 summary="删除了学校标志")
    cache.stamp(session)
    session.commit()
