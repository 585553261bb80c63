"""Reading the admin forms: dates, ids, check boxes; the query kept in the URL for paging."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import make_response, render_template, request
from flask_babel import gettext as _

from engine import InvalidInput

from ..views_helpers import number


def form_date(name: str, required: bool = False) -> date | None:
    """The date `name` of the posted form (None when blank); InvalidInput when it is not a date."""
    text = request.form.get(name, "").strip()
    if not text:
        if required:
            raise InvalidInput(_("请填写日期，格式如 2025-10-09。"), {name: _("请填写日期")})
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(_("“%(text)s”不是日期，请按 2025-10-09 的格式填写。", text=text),
                           {name: _("请填写日期")}) from exc


def form_id(name: str) -> int | None:
    """The whole number `name` of the posted form (None when blank)."""
    return number(request.form, name)


def checked(name: str) -> bool:
    """Whether the check box `name` was ticked."""
    return request.form.get(name) in ("1", "on", "yes")


def page_number() -> int:
    """The page asked for in the URL (1 when absent)."""
    return number(request.args, "page", 1, low=1) or 1


def kept_query() -> dict[str, Any]:
    """The URL's filters without the page number (the pager adds its own)."""
    return {k: v for k, v in request.args.items() if k != "page" and v}


def secret_page(template: str, **context: Any) -> Any:
    """A page showing a one-time password: never cached, never kept in the browser's history cache."""
    response = make_response(render_template(template, **context))
    response.headers["Cache-Control"] = "no-store"
    return response
