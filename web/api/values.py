"""/api/v1/values: push one indicator value or many (the data centre, 教务): all or none, like an import; a
预警/不合格 value starts its improvement once (the small loop), even when a retried request sends it again."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine import ValueInput, record_values

from .. import clock
from ..extensions import db
from . import auth
from .idempotent import once
from .schemas import PERIOD_FORMAT, Strict

blp = Blueprint("api_values", __name__, url_prefix="/api/v1", description="指标值：推送（触发监测预警）")
blp.before_request(auth.sign_in)


class ValueIn(Strict):
    indicator = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "指标代码"})
    subject = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "诊改对象代码"})
    period = fields.String(required=True, validate=PERIOD_FORMAT, metadata={"description": "周期"})
    value = fields.Float(required=True, allow_nan=False, metadata={"description": "值（百分比写 82，不写 82%）"})
    measured_on = fields.Date(data_key="measuredOn", required=True, metadata={"description": "采集日期"})
    source = fields.String(load_default="", validate=validate.Length(max=100), metadata={"description": "来源"})


class ValuesIn(Strict):
    values = fields.List(fields.Nested(ValueIn), required=True, validate=validate.Length(min=1, max=5000))


class ValuesOut(Strict):
    recorded = fields.Integer(metadata={"description": "新录入的值"})
    unchanged = fields.Integer(metadata={"description": "与最新值相同、未重复录入的"})
    improvements_started = fields.List(fields.Integer(), metadata={"description": "因此发起的整改周期 id"})
    improvements_joined = fields.List(fields.Integer(), metadata={"description": "并入的进行中整改周期 id"})


@blp.route("/values")
class Values(MethodView):
    @blp.arguments(ValuesIn)
    @blp.response(201, ValuesOut)
    @blp.doc(parameters=[{"in": "header", "name": "Idempotency-Key", "schema": {"type": "string", "maxLength": 100},
                          "description": "重试时带上同一个键：值不会重复录入，整改不会重复发起"}])
    def post(self, body: dict[str, Any]) -> Any:
        """推送指标值（质量办的令牌）：全部录入或全部不录入；预警值发起整改，与导入相同"""
        inputs = [ValueInput(v["indicator"], v["subject"], v["period"], v["value"], v["measured_on"], v["source"],
                             where=f"values[{i}]") for i, v in enumerate(body["values"])]

        def push() -> dict[str, Any]:
            result = record_values(db.session, auth.person(), inputs, clock.now(), origin="api")
            db.session.flush()
            return {"recorded": len(result.values), "unchanged": result.unchanged,
                    "improvements_started": [i.id for i in result.started],
                    "improvements_joined": [i.id for i in result.joined]}
        return once(201, push)
