"""The load generator for item 3, run as its own process: people log in and complete their tasks over HTTP.

Each virtual user is one demo person with their own login session. It does what the browser does: GET the
login page for the CSRF token, POST the login, then for each task assigned to them POST the task form to
/tasks/<id>/complete exactly as the task page submits it: multipart with the evidence file when the form has a
file field, URL-encoded otherwise. Which task to complete next is read from the database (what the inbox link
would give) by one thread after completions, for everybody at once (OpenTasks): the load generator shares the two
cores with the server, so it does not poll per person. Only the POST is timed.

`python -m bench.driver URL DB_URL SECONDS USERS` prints one JSON line: latencies and counts.
"""
from __future__ import annotations

import json
import queue
import re
import socket
import sys
import threading
import time
import uuid
from typing import Any
from urllib.parse import urlencode, urlsplit

from sqlalchemy import create_engine, text

from engine.workflow.sample import SAMPLE_PDF, sample_answers
from forms import default_registry, encode_form_post

APPROVE = {"decision": "approve", "verdict": "passed"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One person's browser: a cookie jar and a connection to the server, speaking just enough HTTP/1.1 (the
    standard library's client parses every response's headers with the email package: a third of this process's
    CPU, which shares the two cores with the server)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.sock: socket.socket | None = None

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str | None = None) -> tuple[int, str]:
        body = body or b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept-Language: zh-CN",
                f"Content-Length: {len(body)}"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if content_type:
            head.append(f"Content-Type: {content_type}")
        message = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        for attempt in (1, 2):
            if self.sock is None:
                self.sock = socket.create_connection((self.host, self.port), timeout=120)
            try:
                self.sock.sendall(message)
                status, headers, data = self._response()
                break
            except OSError:
                self.sock.close()
                self.sock = None
                if attempt == 2:
                    raise
        for header, value in headers:
            if header == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if dict(headers).get("connection", "").lower() == "close":  # gunicorn's sync workers close each one
            assert self.sock is not None
            self.sock.close()
            self.sock = None
        return status, data.decode("utf-8", "replace")

    def _response(self) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, headers (names lower-cased) and body of the answer on the connection."""
        assert self.sock is not None
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection before answering")
            buffer += chunk
        head, _, data = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = [(name.strip().lower(), value.strip()) for name, _, value in
                   (line.partition(":") for line in lines[1:])]
        length = next((int(value) for name, value in headers if name == "content-length"), None)
        if any(name == "transfer-encoding" for name, _ in headers):
            raise ConnectionError("a chunked answer: not expected from these pages")
        while length is None or len(data) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                if length is None:  # no length: the body runs to the end of the connection
                    break
                raise ConnectionError("the server closed the connection in the middle of an answer")
            data += chunk
        return int(lines[0].split()[1]), headers, data

    def login(self, username: str) -> str:
        """Log in as `username`; the CSRF token the pages carry."""
        _, page = self.request("GET", "/login")
        token = _CSRF.search(page).group(1)
        body = urlencode({"username": username, "password": "demo123", "csrf_token": token}).encode()
        status, _ = self.request("POST", "/login", body, "application/x-www-form-urlencoded")
        assert status in (302, 303), f"login of {username} answered {status}"
        _, page = self.request("GET", "/inbox")
        return _CSRF.search(page).group(1)


class OpenTasks:
    """Who has which open task, read from the database by one thread after completions and handed to each person
    in id order (what their inbox link would give): one query for everybody, not one per person and poll."""

    WINDOW = 500  # ids read again below the highest seen: a transaction that commits late still shows its task
    EVERY = 0.02  # s between reads at most: the completions of that time are read together

    def __init__(self, db: Any, ids: dict[str, int]) -> None:
        self.db, self.person_ids = db, set(ids.values())
        self.queues: dict[int, queue.SimpleQueue[tuple[int, str | None]]] = {
            pid: queue.SimpleQueue() for pid in self.person_ids}
        self.seen: set[int] = set()
        self.top = 0
        self.changed = threading.Event()
        self.changed.set()

    def refresh(self) -> None:
        """Hand out the open tasks not handed out yet."""
        self.changed.clear()
        with self.db.connect() as conn:
            rows = conn.execute(text("SELECT id, assignee_id, form_id FROM human_task WHERE status = 'open' "
                                     "AND assignee_id IS NOT NULL AND id > :floor ORDER BY id"),
                                {"floor": self.top - self.WINDOW}).all()
        for task_id, person_id, form_id in rows:
            if task_id in self.seen or person_id not in self.person_ids:
                continue
            self.seen.add(task_id)
            self.top = max(self.top, task_id)
            self.queues[person_id].put((task_id, form_id))

    def watch(self, until: list[float]) -> None:
        """Refresh after each completion (several that land during one read are read together)."""
        while time.perf_counter() < until[0]:
            if self.changed.wait(0.05):
                self.refresh()
                time.sleep(self.EVERY)


def run(base: str, db_url: str, seconds: float, usernames: list[str]) -> dict[str, Any]:
    """Every user completes their open tasks until `seconds` have passed; latencies of the POSTs."""
    registry = default_registry()
    db = create_engine(db_url, pool_size=4) if db_url.startswith("postgres") else \
        create_engine(db_url, connect_args={"timeout": 30})
    with db.connect() as conn:
        ids = {name: pid for name, pid in conn.execute(text("SELECT username, id FROM person")).all()
               if name in usernames}
    work = OpenTasks(db, ids)
    bodies: dict[str | None, tuple[list[tuple[str, str]], list[tuple[str, str, bytes]], bool]] = {}
    latencies: list[tuple[float, float]] = []  # (finished at, ms)
    errors: dict[str, int] = {}
    lock = threading.Lock()
    start = threading.Barrier(len(usernames) + 1)
    stop_at = [0.0]

    def answers(form_id: str | None) -> tuple[list[tuple[str, str]], list[tuple[str, str, bytes]], bool]:
        """The form's fields as the page posts them, its evidence files, and whether it posts multipart."""
        found = bodies.get(form_id)
        if found is None:
            form = registry.get(form_id) if form_id else None
            fields = encode_form_post(form, sample_answers(form, APPROVE)) if form else []
            files = [(c.key, "佐证材料.pdf", SAMPLE_PDF) for c in form.fields
                     if c.type == "filepicker" and c.required and c.key] if form else []
            # the page sends multipart only when it has a file field
            found = bodies.setdefault(form_id, (fields, files, form is not None and bool(form.file_fields)))
        return found

    def user(username: str) -> None:
        browser = Browser(base)
        token = browser.login(username)
        mine = work.queues[ids[username]]
        start.wait()
        while time.perf_counter() < stop_at[0]:
            try:
                task_id, form_id = mine.get(timeout=0.1)
            except queue.Empty:
                continue  # nothing to do until a colleague's completion routes a task here
            fields, files, with_files = answers(form_id)
            if with_files:
                body, ctype = multipart([("csrf_token", token), *fields], files)
            else:
                body, ctype = urlencode([("csrf_token", token), *fields]).encode(), "application/x-www-form-urlencoded"
            t0 = time.perf_counter()
            try:
                status, _ = browser.request("POST", f"/tasks/{task_id}/complete", body, ctype)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                status = type(exc).__name__
            t1 = time.perf_counter()
            work.changed.set()
            with lock:
                if status in (302, 303):
                    latencies.append((t1, (t1 - t0) * 1000))
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1

    threads = [threading.Thread(target=user, args=(u,), daemon=True) for u in usernames]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + 3600
    watcher = threading.Thread(target=work.watch, args=(stop_at,), daemon=True)
    work.refresh()
    start.wait()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    watcher.start()
    for thread in threads:
        thread.join(timeout=seconds + 180)
    elapsed = time.perf_counter() - began
    busy = max((at for at, _ in latencies), default=began) - began  # until the last completion
    return {"elapsed": elapsed, "busy": busy, "ms": [ms for _, ms in latencies], "errors": errors,
            "users": len(usernames)}


if __name__ == "__main__":
    base_url, database_url, duration, names = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4].split(",")
    print(json.dumps(run(base_url, database_url, duration, names)))
