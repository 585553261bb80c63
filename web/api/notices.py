"""/api/v1/notices: the 督办单 the token's person may see, and the supervisors' actions on them."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine import InvalidInput, find_person
from engine import notices as sv

from .. import clock
from ..extensions import db
from . import auth
from .schemas import Strict

blp = Blueprint("api_notices", __name__, url_prefix="/api/v1", description="督办单：查询、催办、改派、延期、约谈、办结")
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


class ReassignIn(Strict):
    person = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "改派给谁（工号）"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ExtendIn(Strict):
    new_due = fields.Date(data_key="newDue", required=True, metadata={"description": "新的期限（日期）"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class TalkIn(Strict):
    talked_on = fields.Date(data_key="talkedOn", required=True, metadata={"description": "约谈日期"})
    with_whom = fields.String(data_key="withWhom", load_default="", validate=validate.Length(max=200))
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000), metadata={"description": "约谈记录"})


@blp.route("/notices/<int:notice_id>/reassign")
class Reassign(MethodView):
    @blp.arguments(ReassignIn)
    @blp.response(200, NoticeOut)
    def post(self, body: dict[str, Any], notice_id: int) -> dict[str, Any]:
        """改派：把督办单的任务交给另一位可以办理的人，写明原因"""
        target = find_person(db.session, body["person"])
        if target is None:
            raise InvalidInput("找不到这个工号", {"person": ["请填写要改派给的人的工号"]})
        sv.reassign(db.session, auth.person(), [notice_id], target.id, body["reason"], clock.now())
        return _dict(sv.get_notice(db.session, auth.person(), notice_id))


@blp.route("/notices/<int:notice_id>/extend")
class Extend(MethodView):
    @blp.arguments(ExtendIn)
    @blp.response(200, NoticeOut)
    def post(self, body: dict[str, Any], notice_id: int) -> dict[str, Any]:
        """延期：把任务的期限延到新的日期，写明原因；督办阶梯按新期限重算"""
        sv.extend(db.session, auth.person(), notice_id, body["new_due"], body["reason"], clock.now())
        return _dict(sv.get_notice(db.session, auth.person(), notice_id))


@blp.route("/notices/<int:notice_id>/talk")
class Talk(MethodView):
    @blp.arguments(TalkIn)
    @blp.response(200, NoticeOut)
    def post(self, body: dict[str, Any], notice_id: int) -> dict[str, Any]:
        """约谈：记录与责任人的约谈及商定的事项"""
        sv.record_talk(db.session, auth.person(), notice_id, body["talked_on"], body["with_whom"], body["note"],
                       clock.now())
        return _dict(sv.get_notice(db.session, auth.person(), notice_id))
