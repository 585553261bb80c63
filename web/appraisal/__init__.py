"""考核: the appraisal by department and person for a period, its .xlsx for 绩效, and the quality office's weights."""
from flask import Blueprint

bp = Blueprint("appraisal", __name__)

from . import routes  # noqa: E402,F401  (its views register on bp)
