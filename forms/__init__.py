"""Spiral forms: form-js definitions (forms/library/<level>/<id>.form) validated with marshmallow and rendered with Jinja.

Plain Python: never imports flask, engine or web, so the engine can validate task data with it.
"""

from __future__ import annotations

from .check import check_definition
from .definition import Component, FormDef, Option
from .errors import FormDefinitionError, FormNotFound
from .post import encode_form_post, parse_form_post
from .registry import LIBRARY, FormRegistry, default_registry
from .render import TEMPLATE_DIR, render_form_html, ui_text
from .schema import build_schema, validate_submission
from .uploads import check_upload

__all__ = [
    "LIBRARY",
    "Component",
    "FormDef",
    "FormDefinitionError",
    "FormNotFound",
    "FormRegistry",
    "Option",
    "TEMPLATE_DIR",
    "build_schema",
    "check_definition",
    "check_upload",
    "default_registry",
    "encode_form_post",
    "parse_form_post",
    "render_form_html",
    "ui_text",
    "validate_submission",
]
