"""How a room reaches the engine's parts: the session factory built by engine/assembly.py carries them.

The engine is assembled once per app (or CLI, or test) and bound to its session factory, so a service that
takes a session also has the runtime, the forms and the upload store of *its* app: two apps in one process
never share them, and nothing is module-global.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

KEY = "spiral"


class NotAssembled(RuntimeError):
    """The session was not made by a factory of an assembled engine (engine.assembly.session_factory)."""


def part(session: Session, name: str) -> Any:
    """The engine part `name` carried by the session's factory; raises NotAssembled."""
    engine = session.info.get(KEY)
    if engine is None:
        raise NotAssembled("this session carries no engine: make it with engine.assembly.session_factory "
                           "(or Flask's db.session inside a Spiral app)")
    return getattr(engine, name)


def engine_of(session: Session) -> Any:
    """The assembled engine the session carries (to open sibling sessions with the same parts)."""
    engine = session.info.get(KEY)
    if engine is None:
        raise NotAssembled("this session carries no engine")
    return engine
