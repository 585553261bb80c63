"""行动计划: import a plan workbook, follow its progress by section, department and phase, export it, and issue
its 工作通报 (bulletins of the late items by department)."""
from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plans")

from . import routes  # noqa: E402,F401  (its views register on bp)
