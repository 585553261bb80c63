"""驾驶舱: the leaders' dashboard (charts fed by JSON, every figure a link to its list) and a subject's 画像."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from . import routes  # noqa: E402,F401  (its views register on bp)
