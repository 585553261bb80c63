"""The help pages, and the top bar's 帮助 link that points at the help of the area the user is in."""
from __future__ import annotations

from pathlib import Path

from flask import abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from . import bp

AREAS = {"inbox": _l("待办"), "cycles": _l("诊改周期"), "supervision": _l("督办"), "studio": _l("流程管理"),
         "dashboard": _l("驾驶舱"), "appraisal": _l("考核")}
# the blueprint a page belongs to -> the area whose help the top bar offers on it
AREA_OF_BLUEPRINT = {"inbox": "inbox", "cycles": "cycles", "supervision": "supervision", "studio": "studio",
                     "dashboard": "dashboard", "appraisal": "appraisal"}
SHOTS = Path(__file__).resolve().parent.parent / "static" / "help"


def _language() -> str:
    return "en" if str(get_locale()).startswith("en") else "zh"


def shots(area: str) -> list[str]:
    """The screenshots of the area's pages the browser test wrote (web/static/help/<area>-*.png), in name order."""
    return sorted(p.name for p in SHOTS.glob(f"{area}-*.png"))


@bp.get("")
@login_required
def index():  # type: ignore[no-untyped-def]
    return render_template("help/index.html", areas=AREAS, language=_language())


@bp.get("/<area>")
@login_required
def area(area: str):  # type: ignore[no-untyped-def]
    if area not in AREAS:
        abort(404)
    return render_template("help/area.html", area=area, areas=AREAS, title=AREAS[area], shots=shots(area),
                           body=f"help/{_language()}/{area}.html")


@bp.app_context_processor
def help_link() -> dict[str, str]:
    """`help_url`: the help of the area the current page is in (the overview elsewhere), for the top bar."""
    found = AREA_OF_BLUEPRINT.get(request.blueprint or "")
    return {"help_url": url_for("help.area", area=found) if found else url_for("help.index")}
