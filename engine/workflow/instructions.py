"""Task instructions: Jinja in a sandbox, autoescaped, rendered with the task's data, then cleaned by an
allow-list (nh3): a BPMN file's instructions or documentation may format text, never run script."""
from __future__ import annotations

from typing import Any

import nh3
from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

_env = ImmutableSandboxedEnvironment(autoescape=True)
ALLOWED_TAGS = {"a", "b", "blockquote", "br", "code", "em", "h3", "h4", "hr", "i", "li", "ol", "p", "pre",
                "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "u", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> Markup:
    """`html` with only the allowed tags, attributes and link schemes left (no script, style or handlers)."""
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                            link_rel="noopener noreferrer"))


def render_instructions(template: str, data: dict[str, Any]) -> Markup:
    """Render a task's instructions, then sanitise them; on a template error show the raw text rather than fail."""
    if not template:
        return Markup("")
    try:
        html = _env.from_string(template).render(**data)
    except (TemplateError, TypeError, ValueError):
        html = str(escape(template))
    return clean_html(html.replace("\n", "<br>"))
