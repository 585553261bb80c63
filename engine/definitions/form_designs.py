"""The form designer's use cases: check a form-js schema, preview it, save it where processes find it."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

import engine.audit as audit
from engine.definitions.specs import form_registry
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office
from engine.org.models import Person
from forms import FormDef, FormDefinitionError, check_definition
from forms.registry import ID_RE

MAX_CHARS = 1024 * 1024


FORM_ID_CHARS = 64  # a file name of its own (<id>.form) on every file system, in bytes too


def checked_form(session: Session, schema: Any, form_id: str = "designer") -> FormDef:
    """The schema parsed as a form; raises InvalidInput listing every problem (errors: {"1": …, "2": …})."""
    if isinstance(schema, str):
        if len(schema) > MAX_CHARS:
            raise InvalidInput("表单太大（超过 1 MB），请拆分后再保存。")
        try:
            schema = json.loads(schema)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"表单不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）。") from exc
    problems = check_definition(schema)
    if problems:
        raise InvalidInput("表单有以下问题，请修改后再试：" + "；".join(problems),
                           {str(i): p for i, p in enumerate(problems, start=1)})
    try:
        return form_registry(session).load_text(json.dumps(schema, ensure_ascii=False), f"<{form_id}>")
    except FormDefinitionError as exc:
        raise InvalidInput(f"表单有问题，请修改后再试：{exc.reason}", {"1": exc.reason}) from exc


def form_text(session: Session, form_id: str) -> str:
    """The stored .form file of a form (shipped or designed); raises NotFound."""
    path = form_registry(session).source(form_id)
    if path is None:
        raise NotFound(f"没有找到表单“{form_id}”，请从表单列表中选择。")
    return path.read_text(encoding="utf-8-sig")


def save_form(session: Session, actor: Person | None, form_id: str, schema: Any, now: datetime,
              title: str = "", *, new: bool = False) -> FormDef:
    """Check and store a designed form under instance/forms as <form_id>.form; audited, commits once.

    A shipped form saved here is overridden by the designed copy (the shipped file stays untouched).
    `new` refuses an id that is taken. Raises NotAllowed, InvalidInput, Conflict (nothing is saved then).
    """
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以设计表单")
    form_id = (form_id or "").strip()
    if not ID_RE.match(form_id) or "." in form_id:
        raise InvalidInput("表单编号只能包含字母、数字、下划线、连字符或汉字，例如 course_review。",
                           {"form_id": "表单编号无效"})
    if len(form_id) > FORM_ID_CHARS:
        raise InvalidInput(f"表单编号最长 {FORM_ID_CHARS} 个字符，请改短一些。", {"form_id": "表单编号过长"})
    form = checked_form(session, schema, form_id)
    raw = dict(form.raw, id=form_id)
    if title.strip():
        raw["title"] = title.strip()[:100]
    registry = form_registry(session)
    existed, designed = registry.source(form_id) is not None, registry.is_designed(form_id)
    if new and existed:
        raise Conflict(f"已有编号为“{form_id}”的表单；请换一个编号，或打开那个表单修改它。")
    try:
        registry.write(form_id, json.dumps(raw, ensure_ascii=False, indent=2) + "\n")
    except FormDefinitionError as exc:
        raise InvalidInput("表单编号只能包含字母、数字、下划线、连字符或汉字，例如 course_review。",
                           {"form_id": "表单编号无效"}) from exc
    action = "form.updated" if existed else "form.created"
    what = "更新" if existed else "新建"
    audit.record(session, actor, action, now, object_type="form", object_id=form_id,
                 summary=f"{what}表单“{raw.get('title') or form_id}”（{len(form.fields)} 个字段）",
                 before={"existed": existed, "designed": designed},
                 after={"fields": [f.key for f in form.fields]})
    session.commit()
    return registry.get(form_id)
