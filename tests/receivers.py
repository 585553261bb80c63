"""Local stand-ins for the outside world of notifications: an SMTP server (aiosmtpd) and a group-robot
webhook receiver (http.server), both on 127.0.0.1, plus a fixture pointing engine settings at them."""
from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from engine.notify.settings import OFFICIAL_ROBOTS, MailSettings
from engine.parts import engine_of


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"


@dataclass
class Robot:
    """What the webhook receiver got, and what it answers next (a list of (HTTP status, JSON))."""

    url: str
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def smtp_server():
    """A real SMTP server on localhost; `.messages` holds what it received."""
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    mailbox.port = controller.port  # type: ignore[attr-defined]
    yield mailbox
    controller.stop()


@pytest.fixture
def robot():
    """A local group-robot webhook: records each POSTed JSON; answers errcode 0 unless told otherwise."""
    state = Robot(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            length = int(self.headers.get("Content-Length", 0))
            payload = json.loads(self.rfile.read(length).decode("utf-8"))
            with state.lock:
                state.received.append((self.path, payload))
                status, answer = state.answers.pop(0) if state.answers else (200, {"errcode": 0, "errmsg": "ok"})
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def outbound(session, smtp_server, robot):
    """The test engine's mail settings send to the local SMTP server and accept the local robot's address."""
    assembled = engine_of(session)
    assembled.mail = MailSettings(smtp_host="127.0.0.1", smtp_port=smtp_server.port, smtp_from="spiral@school.example",
                                  public_url="https://zg.school.example",
                                  webhook_prefixes=(*OFFICIAL_ROBOTS, robot.url), send_timeout=5.0)
    yield smtp_server, robot
