"""Generated reports: a cycle's 自我诊断报告 as a page and a .docx, the diagnosis task's 生成草稿, the quality
office's Word templates, and the 质量年报 (annual_routes)."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import annual_routes, routes  # noqa: E402,F401  (their views register on bp)
