"""Render a form as HTML outside Flask, through the same Jinja macros the web app imports."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .definition import FormDef
from .i18n import language

TEMPLATE_DIR = Path(__file__).parent / "templates"
MACROS = "forms/macros.html"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # StrictUndefined here keeps the macros honest; Flask's lenient environment then cannot differ.
    return Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=True, undefined=StrictUndefined)


def ui_text(locale: Any = "zh_CN") -> dict[str, str]:
    """The macro's UI words (add row, remove, …) for a locale: pass as `t=` to render_form."""
    module: Any = _environment().get_template(MACROS).module
    return dict(module.UI_TEXT[language(locale)])


def render_form_html(
    form: FormDef,
    values: dict[str, Any] | None = None,
    errors: Mapping[str, list[str] | str] | None = None,
    *,
    locale: str = "zh_CN",
    readonly: bool = False,
    extra_rows: dict[str, int] | None = None,
    evidence_base: str = "/evidence/",
) -> Markup:
    """The form's fields as escaped HTML (no <form> tag, CSRF or submit button), via the render_form macro."""
    module: Any = _environment().get_template(MACROS).module
    return Markup(module.render_form(
        form, values, errors or {}, readonly=readonly, extra_rows=extra_rows or {},
        t=ui_text(locale), evidence_base=evidence_base,
    ))
