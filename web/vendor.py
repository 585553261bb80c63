"""Serves the front-end libraries (bpmn-js, form-js, ECharts) straight from node_modules, installed by `make setup`.

Only the built files under each package's dist/ are reachable; nothing third-party lives in the repository.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from flask_babel import gettext as _

bp = Blueprint("vendor", __name__, url_prefix="/vendor")
PACKAGES = {"bpmn-js": "bpmn-js/dist", "form-js": "@bpmn-io/form-js/dist", "echarts": "echarts/dist"}


def node_modules() -> Path:
    """Where `npm ci` put the packages (config NODE_MODULES, default: the repository's node_modules)."""
    configured = current_app.config.get("NODE_MODULES")
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "node_modules"


@bp.get("/<package>/<path:filename>")
def asset(package: str, filename: str):  # type: ignore[no-untyped-def]
    if package not in PACKAGES:
        abort(404)
    folder = node_modules() / PACKAGES[package]
    if not folder.is_dir():
        abort(404, description=_("前端组件未安装，请运行 make setup（npm ci）。"))
    response = send_from_directory(folder, filename, max_age=86400)
    return response
