"""Parsed specs, cached per definition version (a spec is parsed once per process), and the form registry: the
parts of the assembled engine that definitions read."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from engine.errors import InvalidProcess, NotFound, Problem
from engine.parts import part
from forms import FormDef, FormDefinitionError, FormNotFound, FormRegistry

from .loading import LoadedProcess, load_process

if TYPE_CHECKING:
    from .models import ProcessDefinition


class SpecCache:
    """Parsed processes by (definition id, sha256)."""

    def __init__(self) -> None:
        self._specs: dict[tuple[int, str], LoadedProcess] = {}
        self._lock = threading.Lock()

    def loaded(self, definition_id: int, sha256: str, xml: Callable[[], str], filename: str) -> LoadedProcess:
        """The parsed process for one definition version, parsed once (`xml` read then)."""
        key = (definition_id, sha256)
        found = self._specs.get(key)
        if found is None:
            found = load_process(xml(), filename, role_exists=lambda _: True, form_exists=lambda _: True)
            with self._lock:
                found = self._specs.setdefault(key, found)
        return found


def loaded_for(session: Session, definition: ProcessDefinition) -> LoadedProcess:
    """The cached parsed spec of a definition version."""
    specs: SpecCache = part(session, "specs")
    return specs.loaded(definition.id, definition.sha256, lambda: definition.xml, definition.filename)


def form_registry(session: Session) -> FormRegistry:
    """The forms the session's engine knows (shipped and designed)."""
    found: FormRegistry = part(session, "forms")
    return found


def get_form(session: Session, form_id: str) -> FormDef:
    """The form a process uses, read through the engine boundary: the forms package's own errors become
    NotFound (no such form) or InvalidProcess (the .form file is broken), the original kept as the cause."""
    try:
        return form_registry(session).get(form_id)
    except FormNotFound as exc:
        raise NotFound(f"流程使用的表单“{form_id}”不存在：请在表单设计中创建它，或在流程中改选已有的表单。") from exc
    except FormDefinitionError as exc:
        raise InvalidProcess([Problem(f"表单“{form_id}”无法读取：{exc.reason}", file=exc.source)]) from exc
