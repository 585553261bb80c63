"""我的设置: a person's own settings (channels, substitutes)."""
from flask import Blueprint

bp = Blueprint("me", __name__)

from . import routes, tokens  # noqa: E402,F401  (their views register on bp)
