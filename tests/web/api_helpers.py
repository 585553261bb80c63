"""Tokens and calls for the API tests."""
from __future__ import annotations

from typing import Any

from engine.org.people import find_person
from engine.org.tokens import create_token
from web.extensions import db


def token_for(spiral: Any, username: str, scope: str = "write") -> str:
    """A new personal token of `username`'s (made from the shell, as `spiral token create` does)."""
    with spiral.app.app_context():
        person = find_person(db.session, username)
        _token, secret = create_token(db.session, None, person, f"{username} 的脚本", scope, spiral.now())
        return secret


class Caller:
    """A test client that sends a bearer token on every call."""

    def __init__(self, spiral: Any, username: str, scope: str = "write") -> None:
        self.client = spiral.app.test_client()
        self.headers = {"Authorization": f"Bearer {token_for(spiral, username, scope)}"}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.client.post(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)
