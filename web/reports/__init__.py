"""Generated reports: a cycle's 自我诊断报告 as a page and a .docx, the diagnosis task's 生成草稿, and the quality
office's Word templates."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import routes  # noqa: E402,F401  (their views register on bp)
