"""Errors raised by the forms package.

    LookupError
     └── FormNotFound          no form with that id in the registry
    ValueError
     └── FormDefinitionError   a .form file is not valid JSON or not a form-js form
"""

from __future__ import annotations


class FormNotFound(LookupError):
    """No form definition with the requested id exists."""

    def __init__(self, form_id: str, directory: str = "") -> None:
        where = f" in {directory}" if directory else ""
        super().__init__(f"form {form_id!r} not found{where}")
        self.form_id = form_id


class FormDefinitionError(ValueError):
    """A form definition is malformed; the message names the source and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
