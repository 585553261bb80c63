"""A local server speaking the CAS 3.0 protocol, for the campus sign-in tests: /login sends the browser back to
the service with a fresh ticket for the user the test chose; /p3/serviceValidate answers the XML
cas:serviceResponse (success with attributes, or failure for an unknown, reused or other service's ticket);
/logout records the call. Real HTTP on 127.0.0.1 at a free port, in a thread."""
from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest


@dataclass
class CasServer:
    """What the CAS server knows: who signs in next, the tickets it issued, the validations and logouts seen."""

    url: str = ""
    user: str = "chenxiaoyu"
    attributes: dict[str, str] = field(default_factory=dict)
    tickets: dict[str, tuple[str, str, dict[str, str]]] = field(default_factory=dict)  # ticket → service, user, …
    validations: list[dict[str, str]] = field(default_factory=list)
    logouts: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def response(self, ticket: str, service: str) -> str:
        with self.lock:
            issued = self.tickets.pop(ticket, None)  # a ticket validates once
        if issued is None or issued[0] != service:
            return ('<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationFailure '
                    f'code="INVALID_TICKET">Ticket {escape(ticket)} not recognized</cas:authenticationFailure>'
                    '</cas:serviceResponse>')
        attributes = "".join(f"<cas:{k}>{escape(v)}</cas:{k}>" for k, v in issued[2].items())
        return ('<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess>'
                f'<cas:user>{escape(issued[1])}</cas:user><cas:attributes>{attributes}</cas:attributes>'
                '</cas:authenticationSuccess></cas:serviceResponse>')


@pytest.fixture
def cas_server() -> Iterator[CasServer]:
    state = CasServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/cas/login":
                ticket = "ST-" + secrets.token_urlsafe(16)
                with state.lock:
                    state.tickets[ticket] = (query["service"], state.user, dict(state.attributes))
                glue = "&" if "?" in query["service"] else "?"
                self._answer(302, "", {"Location": f"{query['service']}{glue}{urlencode({'ticket': ticket})}"})
            elif parts.path == "/cas/p3/serviceValidate":
                with state.lock:
                    state.validations.append(query)
                self._answer(200, state.response(query.get("ticket", ""), query.get("service", "")),
                             {"Content-Type": "application/xml; charset=utf-8"})
            elif parts.path == "/cas/logout":
                with state.lock:
                    state.logouts.append(query.get("service", ""))
                self._answer(200, "logged out", {"Content-Type": "text/plain"})
            else:
                self._answer(404, "not found", {"Content-Type": "text/plain"})

        def _answer(self, status: int, body: str, headers: dict[str, str]) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/cas"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
