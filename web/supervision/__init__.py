"""督办: the supervisors' workspace, ladders and the working calendar."""
from flask import Blueprint

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

from . import routes, settings_routes  # noqa: E402,F401  (their views register on bp)
