"""The JSON API under /api/v1 (flask-smorest on marshmallow): tasks, cycles, notices and indicator values,
for the school's other systems. It calls the same engine services as the pages; a bearer token acts as its
person. OpenAPI at /api/v1/openapi.json, documentation at /api/v1/docs; errors are Problem Details."""
from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields

from ..extensions import csrf
from . import auth, cycles, docs, notices, org, tasks, values
from .problems import PROBLEM_TYPE

BLUEPRINTS = (tasks.blp, cycles.blp, notices.blp, values.blp, org.blp)


class Problem(Schema):
    """Problem Details (RFC 9457)."""

    type = fields.String(metadata={"description": "about:blank"})
    title = fields.String(metadata={"description": "错误类别"})
    status = fields.Integer(metadata={"description": "HTTP 状态码"})
    detail = fields.String(metadata={"description": "说明（按请求的语言）"})
    code = fields.String(metadata={"description": "稳定的错误代码，如 invalid_input、not_found、conflict"})
    errors = fields.Dict(metadata={"description": "各字段的错误：字段 → 说明列表"})


class SpiralApi(Api):  # type: ignore[misc]
    """flask-smorest's Api whose documented errors are Problem Details (application/problem+json)."""

    ERROR_SCHEMA = Problem

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, object] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "错误（Problem Details）", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def register(app: Flask) -> None:
    """Mount the API on the app (after the pages' blueprints; the error handlers come after it)."""
    app.config.setdefault("API_TITLE", "Spiral 诊改 API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_RATE_PER_MINUTE", 600)
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "Spiral 诊改平台的接口：任务、诊改周期、督办单和指标值。每个请求带 Authorization: Bearer <令牌>"
                                "（在“我的设置 → API 令牌”中创建）；令牌以其账号的权限办理。"},
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}})
    api = SpiralApi(app)
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.register_blueprint(docs.bp)
    app.teardown_request(auth.forget)
    app.extensions["spiral_api"] = api
