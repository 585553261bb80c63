"""/api/v1/notices: the 督办单 the token's person may see, and the supervisors' actions on them."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine import notices as sv

from .. import clock
from ..extensions import db
from . import auth
from .schemas import Strict

blp = Blueprint("api_notices", __name__, url_prefix="/api/v1", description="督办单：查询、催办、办结")
blp.before_request(auth.sign_in)


class NoticeList(Strict):
    colour = fields.String(validate=validate.OneOf(["yellow", "orange", "red"]))
    status = fields.String(load_default="active", validate=validate.OneOf(
        ["active", "all", "open", "extended", "completed", "closed", "escalated"]))
    first_result = fields.Integer(data_key="firstResult", load_default=0, validate=validate.Range(min=0, max=10**9))
    max_results = fields.Integer(data_key="maxResults", load_default=50, validate=validate.Range(min=1, max=200))


class NoticeOut(Strict):
    id = fields.Integer()
    number = fields.String(metadata={"description": "督办单编号"})
    colour = fields.String()
    kind = fields.String()
    status = fields.String()
    task_id = fields.Integer()
    task = fields.String()
    subject = fields.String()
    period = fields.String()
    level = fields.String()
    department = fields.String(allow_none=True)
    responsible_unit = fields.String(allow_none=True)
    responsible = fields.String(allow_none=True)
    responsible_name = fields.String(allow_none=True)
    supervisor = fields.String(allow_none=True)
    supervisor_name = fields.String(allow_none=True)
    issuing_unit = fields.String(allow_none=True)
    matter = fields.String()
    deadline = fields.String(allow_none=True)
    issued_at = fields.String()
    reminders = fields.Integer()
    negative_list = fields.Boolean()


class NoticePage(Strict):
    items = fields.List(fields.Nested(NoticeOut))
    total = fields.Integer()


class ActionIn(Strict):
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000), metadata={"description": "催办语或办结结论"})


def _dict(notice: Any) -> dict[str, Any]:
    return {"id": notice.id, **sv.notice_to_dict(notice)}


@blp.route("/notices")
class Notices(MethodView):
    @blp.arguments(NoticeList, location="query")
    @blp.response(200, NoticePage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """督办单列表（督导和校领导看全部，其他人看自己督办的），红色在前"""
        first, most = args.pop("first_result"), args.pop("max_results")
        flt = sv.NoticeFilter(**args)
        now = clock.now()
        items = sv.list_notices(db.session, auth.person(), flt, now, limit=most, offset=first)
        return {"items": [_dict(n) for n in items], "total": sv.count_notices(db.session, auth.person(), flt, now)}


@blp.route("/notices/<int:notice_id>")
class OneNotice(MethodView):
    @blp.response(200, NoticeOut)
    def get(self, notice_id: int) -> dict[str, Any]:
        """一张督办单"""
        return _dict(sv.get_notice(db.session, auth.person(), notice_id))


@blp.route("/notices/<int:notice_id>/remind")
class Remind(MethodView):
    @blp.arguments(ActionIn)
    @blp.response(200, NoticeOut)
    def post(self, body: dict[str, Any], notice_id: int) -> dict[str, Any]:
        """催办：再次通知责任人"""
        sv.remind(db.session, auth.person(), [notice_id], body["note"], clock.now())
        return _dict(sv.get_notice(db.session, auth.person(), notice_id))


@blp.route("/notices/<int:notice_id>/close")
class Close(MethodView):
    @blp.arguments(ActionIn)
    @blp.response(200, NoticeOut)
    def post(self, body: dict[str, Any], notice_id: int) -> dict[str, Any]:
        """办结：任务完成后由督办人销号"""
        sv.close(db.session, auth.person(), [notice_id], body["note"], clock.now())
        return _dict(sv.get_notice(db.session, auth.person(), notice_id))
