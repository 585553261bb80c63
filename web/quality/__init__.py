"""质量监测: the indicator library, values, a subject's status and the warning centre (预警中心)."""
from flask import Blueprint

bp = Blueprint("quality", __name__, url_prefix="/quality")

from . import goals_routes, routes, values_routes  # noqa: E402,F401  (their views register on bp)
