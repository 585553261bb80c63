"""诊改周期: the cycles a person may see, each with its spiral and timeline."""
from flask import Blueprint

bp = Blueprint("cycles", __name__)

from . import routes  # noqa: E402,F401  (their views register on bp)
