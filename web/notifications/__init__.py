"""消息通知: the bell and the delivery log."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from . import routes  # noqa: E402,F401  (their views register on bp)
