"""学年计划: the school calendar (years, terms, official days), scheduled cycles, the year view and its dry run."""
from flask import Blueprint

bp = Blueprint("planning", __name__, url_prefix="/planning")

from . import calendar_routes, schedule_routes, year_routes  # noqa: E402,F401  (their views register on bp)
