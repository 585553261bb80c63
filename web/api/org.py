"""/api/v1/org/sync: the 统一身份认证 or 人事 system sends the whole organisation (units, people, holdings,
subjects) and Spiral applies it as an import of the org workbook: all or nothing, the same checks, every problem
named by its list, item and field. A list left out is left alone; a list sent is the whole of it (people not in
`people` are deactivated, as for the workbook)."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine import InvalidInput, InvalidWorkbook, import_org

from .. import clock
from ..extensions import db
from . import auth
from .schemas import Strict

blp = Blueprint("api_org", __name__, url_prefix="/api/v1", description="组织数据：单位、人员、任职、诊改对象的同步")
blp.before_request(auth.sign_in)

# list → (sheet, {json key: header})
LISTS: dict[str, tuple[str, dict[str, str]]] = {
    "units": ("单位", {"code": "代码", "name": "名称", "kind": "类型", "parent": "上级代码", "aliases": "简称"}),
    "people": ("人员", {"username": "工号", "name": "姓名", "unit": "所属单位代码", "kind": "类别", "email": "邮箱",
                      "phone": "手机"}),
    "holdings": ("任职", {"username": "工号", "role": "角色", "unit": "单位代码", "startsOn": "开始日期",
                        "endsOn": "结束日期"}),
    "subjects": ("诊改对象", {"level": "层面", "code": "代码", "name": "名称", "unit": "所属单位代码",
                          "person": "本人工号"}),
}
MAX_ITEMS = 50_000


def _item(name: str, keys: dict[str, str]) -> type[Strict]:
    """The schema of one list's items: each key a text cell of its sheet column."""
    described = {key: fields.String(allow_none=True, validate=validate.Length(max=500),
                                    metadata={"description": f"工作表列“{header}”"}) for key, header in keys.items()}
    return type(name, (Strict,), described)


class OrgIn(Strict):
    units = fields.List(fields.Nested(_item("OrgUnit", LISTS["units"][1])), validate=validate.Length(max=MAX_ITEMS))
    people = fields.List(fields.Nested(_item("OrgPerson", LISTS["people"][1])), validate=validate.Length(max=MAX_ITEMS))
    holdings = fields.List(fields.Nested(_item("OrgHolding", LISTS["holdings"][1])), validate=validate.Length(max=MAX_ITEMS))
    subjects = fields.List(fields.Nested(_item("OrgSubject", LISTS["subjects"][1])), validate=validate.Length(max=MAX_ITEMS))
    dry_run = fields.Boolean(data_key="dryRun", load_default=False, truthy={True}, falsy={False},
                             metadata={"description": "只检查，不写入（true 或 false）"})


class ChangeOut(Strict):
    sheet = fields.String()
    action = fields.String()
    key = fields.String()
    text = fields.String()


class OrgOut(Strict):
    dry_run = fields.Boolean(data_key="dryRun")
    summary = fields.String()
    counts = fields.Dict()
    changes = fields.List(fields.Nested(ChangeOut))
    notes = fields.List(fields.String())


def _sheets(body: dict[str, Any]) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    sheets = {}
    for name, (sheet, keys) in LISTS.items():
        if name in body:
            sheets[sheet] = [(index + 2, {keys[k]: (v.strip() if isinstance(v, str) else v) for k, v in item.items()})
                             for index, item in enumerate(body[name])]
    return sheets


def _json_errors(error: InvalidWorkbook) -> dict[str, list[str]]:
    """Each workbook problem under the list, item and field the caller sent."""
    by_sheet = {sheet: (name, {h: k for k, h in keys.items()}) for name, (sheet, keys) in LISTS.items()}
    found: dict[str, list[str]] = {}
    for p in error.problems:
        name, headers = by_sheet.get(p.sheet, (p.sheet, {}))
        where = name + (f"[{p.row - 2}]" if p.row and p.row >= 2 else "") + \
            (f".{headers.get(p.column, p.column)}" if p.column else "")
        found.setdefault(where, []).append(p.message)
    return found


@blp.route("/org/sync")
class Sync(MethodView):
    @blp.arguments(OrgIn)
    @blp.response(200, OrgOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """同步组织数据（admin 令牌，管理员账号）：与导入组织工作簿相同，全部成功或全部不写入"""
        denied = auth.require_scope("admin")
        if denied is not None:
            return denied  # type: ignore[return-value]
        sheets = _sheets(body)
        if not sheets:
            raise InvalidInput("请至少提供 units、people、holdings、subjects 之一", {"body": ["没有任何列表"]})
        try:
            report = import_org(db.session, auth.person(), sheets, clock.now(), dry_run=body["dry_run"],
                                passwords=False)
        except InvalidWorkbook as exc:
            raise InvalidInput(f"组织数据有 {len(exc.problems)} 个问题，未写入任何内容", _json_errors(exc)) from exc
        return {"dry_run": report.dry_run, "summary": report.summary(), "counts": report.counts(),
                "changes": [{"sheet": c.sheet, "action": c.action, "key": c.key, "text": c.text}
                            for c in report.changes], "notes": report.notes}
