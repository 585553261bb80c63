"""The message bus: a lower room says what happened (an event) and the higher rooms' handlers, wired once in
engine/assembly.py, act on it in the same transaction (cosmicpython's message bus, chapters 8–9)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from .parts import part

Handler = Callable[[Session, Any], None]


class MessageBus:
    """Handlers by event type, run in the order they were subscribed."""

    def __init__(self) -> None:
        self._handlers: defaultdict[type, list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type, handler: Handler) -> None:
        """Run `handler(session, event)` for every event of `event_type`."""
        self._handlers[event_type].append(handler)

    def handle(self, session: Session, event: object) -> None:
        """Run the handlers of `event`'s type; an error propagates (the caller's transaction rolls back)."""
        for handler in self._handlers.get(type(event), ()):
            handler(session, event)


def publish(session: Session, event: object) -> None:
    """Tell the session's engine that `event` happened."""
    bus: MessageBus = part(session, "bus")
    bus.handle(session, event)
