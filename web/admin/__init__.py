"""管理: the school's own data (units, people, roles, holdings, subjects, substitutes, imports, settings), for
administrators; the quality office reads it."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import holdings, imports, people, roles, routes, school, subjects, units, webhooks  # noqa: E402,F401  (their views register on bp)
