"""待办: the task inbox and the task page."""
from flask import Blueprint

bp = Blueprint("inbox", __name__)

from . import routes  # noqa: E402,F401  (their views register on bp)
