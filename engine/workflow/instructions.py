"""Task instructions: Jinja in a sandbox, autoescaped, rendered with the task's data."""
from __future__ import annotations

from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

_env = ImmutableSandboxedEnvironment(autoescape=True)


def render_instructions(template: str, data: dict[str, Any]) -> Markup:
    """Render a task's instructions; on a template error show the raw text rather than fail."""
    if not template:
        return Markup("")
    try:
        html = _env.from_string(template).render(**data)
    except (TemplateError, TypeError, ValueError):
        html = str(escape(template))
    return Markup(html.replace("\n", Markup("<br>")))
