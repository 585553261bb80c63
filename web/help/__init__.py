"""帮助: a short help page per area (待办, 诊改周期, 督办, 流程管理), in the page's language, with screenshots of
the real pages that the browser tests take (tests/e2e/test_help_screenshots_browser.py)."""
from flask import Blueprint

bp = Blueprint("help", __name__, url_prefix="/help")

from . import routes  # noqa: E402,F401  (their views register on bp)
