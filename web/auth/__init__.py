"""Signing in and out (a local password, the campus directory, CAS), and passwords."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import cas, passwords, routes  # noqa: E402,F401  (their views register on bp)
