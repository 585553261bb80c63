"""/api/v1/cycles: list and filter like the cockpit, one cycle with its stage, tasks and timeline, start (with an
Idempotency-Key), cancel."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine import (
    CycleFilter,
    NotAllowed,
    ProcessInstance,
    can_view_instance,
    cancel_cycle,
    get_instance,
    instance_tasks,
    open_cycle,
    task_to_dict,
    timeline,
    visible_cycles,
)

from .. import clock
from ..extensions import db
from . import auth
from .idempotent import once
from .schemas import PERIOD_FORMAT, Strict, Task

blp = Blueprint("api_cycles", __name__, url_prefix="/api/v1", description="诊改周期：查询、启动、取消")
blp.before_request(auth.sign_in)


class CycleList(Strict):
    level = fields.String(validate=validate.OneOf(["school", "major", "course", "teacher", "student"]))
    process_id = fields.String(data_key="processDefinitionKey", validate=validate.Length(max=100))
    version = fields.Integer(validate=validate.Range(min=1, max=10**6))
    subject = fields.String(validate=validate.Length(max=64))
    period = fields.String(validate=PERIOD_FORMAT)
    stage = fields.String(validate=validate.Length(max=32))
    status = fields.String(validate=validate.OneOf(["running", "completed", "cancelled"]))
    lateness = fields.String(validate=validate.OneOf(["late", "on_time", "incident"]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6))
    per_page = fields.Integer(data_key="perPage", load_default=50, validate=validate.Range(min=1, max=200))


class CycleOut(Strict):
    id = fields.Integer()
    process = fields.String(metadata={"description": "流程 id"})
    process_name = fields.String()
    version = fields.Integer()
    subject = fields.String(metadata={"description": "诊改对象代码"})
    subject_name = fields.String()
    period = fields.String()
    status = fields.String(metadata={"description": "running、completed、cancelled"})
    stage = fields.String(metadata={"description": "当前螺旋阶段"})
    stages_done = fields.List(fields.String())
    started = fields.String()
    completed = fields.String(allow_none=True)
    incident = fields.String()


class CyclePage(Strict):
    items = fields.List(fields.Nested(CycleOut))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()


class Event(Strict):
    at = fields.String()
    action = fields.String()
    actor = fields.String(allow_none=True)
    summary = fields.String()
    via = fields.String()


class CycleDetail(CycleOut):
    tasks = fields.List(fields.Nested(Task))
    timeline = fields.List(fields.Nested(Event))


class StartIn(Strict):
    process = fields.String(data_key="processDefinitionKey", required=True, validate=validate.Length(min=1, max=100))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=64))
    period = fields.String(required=True, validate=PERIOD_FORMAT)
    data = fields.Dict(keys=fields.String(), load_default=dict, metadata={"description": "启动数据（有启动表单时按其校验）"})


class CancelIn(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


def cycle_dict(instance: ProcessInstance) -> dict[str, Any]:
    """A cycle's JSON shape."""
    return {"id": instance.id, "process": instance.definition.process_id, "process_name": instance.definition.name,
            "version": instance.definition.version, "subject": instance.subject.code,
            "subject_name": instance.subject.name, "period": instance.period, "status": instance.status,
            "stage": instance.current_stage, "stages_done": list(instance.stages_done or []),
            "started": instance.started_at.isoformat(),
            "completed": instance.completed_at.isoformat() if instance.completed_at else None,
            "incident": instance.incident or ""}


@blp.route("/cycles")
class Cycles(MethodView):
    @blp.arguments(CycleList, location="query")
    @blp.response(200, CyclePage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """诊改周期列表（与“诊改周期”页的筛选相同；只列令牌所属账号可见的周期）"""
        page, per_page = args.pop("page"), args.pop("per_page")
        found = visible_cycles(db.session, auth.person(), CycleFilter(**args), clock.now(), page=page,
                               per_page=per_page)
        return {"items": [cycle_dict(i) for i in found.items], "total": found.total, "page": found.page,
                "pages": found.pages}

    @blp.arguments(StartIn)
    @blp.response(201, CycleDetail)
    @blp.doc(parameters=[{"in": "header", "name": "Idempotency-Key", "schema": {"type": "string", "maxLength": 100},
                          "description": "重试时带上同一个键：不会启动第二个周期"}])
    def post(self, body: dict[str, Any]) -> Any:
        """启动一个诊改周期（质量办）；带 Idempotency-Key 重试不会重复启动"""
        def start() -> dict[str, Any]:
            instance = open_cycle(db.session, auth.person(), body["process"], body["subject"], body["period"],
                                  clock.now(), body["data"])
            db.session.flush()
            return detail(instance)
        return once(201, start)


def detail(instance: ProcessInstance) -> dict[str, Any]:
    """A cycle with its tasks and timeline."""
    return {**cycle_dict(instance), "tasks": [task_to_dict(t) for t in instance_tasks(db.session, instance)],
            "timeline": [{"at": e.at.isoformat(), "action": e.action, "actor": e.actor.username if e.actor else None,
                          "summary": e.summary, "via": e.via} for e in timeline(db.session, instance)]}


@blp.route("/cycles/<int:instance_id>")
class OneCycle(MethodView):
    @blp.response(200, CycleDetail)
    def get(self, instance_id: int) -> dict[str, Any]:
        """一个周期：当前阶段、任务和时间线"""
        instance = get_instance(db.session, instance_id)
        if not can_view_instance(db.session, auth.person(), instance):
            raise NotAllowed("您无权查看该诊改周期")
        return detail(instance)


@blp.route("/cycles/<int:instance_id>/cancel")
class Cancel(MethodView):
    @blp.arguments(CancelIn)
    @blp.response(200, CycleOut)
    def post(self, body: dict[str, Any], instance_id: int) -> dict[str, Any]:
        """取消一个进行中的周期（质量办），须写明原因"""
        return cycle_dict(cancel_cycle(db.session, auth.person(), instance_id, body["reason"], clock.now()))
