"""Who calls the API: a bearer token (personal or service) acting as its person, within its scope; a per-token
rate limit; every write audited with the token's name."""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from flask import current_app, g, request
from flask_babel import gettext as _

from engine import ApiToken, Person, audit, authenticate, token_allows

from .. import clock
from ..extensions import db
from .problems import problem


class RateLimiter:
    """A sliding window of calls per token, in this process (each web process counts its own)."""

    def __init__(self) -> None:
        self._calls: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, token_id: int, per_minute: int) -> bool:
        """Count a call; False when the token made `per_minute` calls in the last minute already."""
        now = time.monotonic()
        with self._lock:
            calls = self._calls.setdefault(token_id, deque())
            while calls and calls[0] <= now - 60:
                calls.popleft()
            if len(calls) >= per_minute:
                return False
            calls.append(now)
            return True


LIMITER = RateLimiter()


def sign_in():  # type: ignore[no-untyped-def]
    """Before every API request: the bearer token, its scope for the method, its rate; a problem otherwise."""
    if request.endpoint in ("api-docs.openapi_json", "api_docs.page") or request.method == "OPTIONS":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return problem(401, _("请在请求头 Authorization: Bearer <令牌> 中提供 API 令牌（在“我的设置”中创建）"),
                       headers={"WWW-Authenticate": 'Bearer realm="spiral"'})
    token = authenticate(db.session, secret.strip(), clock.now())
    if token is None:
        return problem(401, _("令牌无效、已撤销或其账号已停用"), headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    if not LIMITER.allow(token.id, int(current_app.config["API_RATE_PER_MINUTE"])):
        return problem(429, _("请求过于频繁：每个令牌每分钟最多 %(n)s 次，请稍后再试", n=current_app.config["API_RATE_PER_MINUTE"]),
                       headers={"Retry-After": "60"})
    needed = "read" if request.method in ("GET", "HEAD") else "write"
    if not token_allows(token, needed):
        return problem(403, _("这个令牌只能读取（权限范围 read），不能修改"), code="insufficient_scope")
    g.api_token, g.api_person = token, token.person
    db.session.info[audit.VIA] = f"API 令牌“{token.name}”"
    return None


def forget(_response_or_error: Any = None) -> None:
    """After every request: the session no longer writes the token's name into the audit log."""
    db.session.info.pop(audit.VIA, None)


def person() -> Person:
    """The person the request's token acts as."""
    found: Person = g.api_person
    return found


def token() -> ApiToken:
    """The request's token."""
    found: ApiToken = g.api_token
    return found


def require_scope(needed: str) -> Any:
    """None when the request's token covers `needed`; else the 403 problem to answer."""
    if token_allows(token(), needed):
        return None
    return problem(403, _("需要权限范围为 %(scope)s 的令牌", scope=needed), code="insufficient_scope")
