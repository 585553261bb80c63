"""活动 (家长学校 and the like): plans and events for their keepers and audience under /activities, and the
public sign-in and feedback pages under /s/<token> that need no account."""
from flask import Blueprint

bp = Blueprint("activities", __name__, url_prefix="/activities")
public_bp = Blueprint("activity_public", __name__)

from . import events, public, routes  # noqa: E402,F401  (their views register on bp and public_bp)
