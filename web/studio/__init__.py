"""The quality office's studio: processes, modeler, forms, versions, dry run, launch."""
from flask import Blueprint

bp = Blueprint("studio", __name__, url_prefix="/studio")

from . import dryrun, form_designer, launch, modeler, routes, versions  # noqa: E402,F401  (their views register on bp)
