"""Idempotency keys on the API's writes that must not happen twice (starting a cycle, pushing values): a retry
with the same key and the same request gets the first answer; the key and the work commit together."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, json, request
from sqlalchemy.exc import IntegrityError

from engine import Conflict, fingerprint, remember, replay

from .. import clock
from ..extensions import db
from . import auth

HEADER = "Idempotency-Key"


def once(status: int, work: Callable[[], dict[str, Any]]) -> Response:
    """Run `work` (which must not commit) and answer its result with `status`; under an Idempotency-Key, a
    repeated request answers what the first one did and does nothing. Raises Conflict (the key was used for
    another request, or its twin is being processed right now)."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        body = work()
        db.session.commit()
        return _json(status, body)
    if len(key) > 100:
        raise Conflict("Idempotency-Key 最长 100 个字符")
    print_ = fingerprint(request.method, request.path, request.get_data())
    earlier = replay(db.session, auth.token(), key, print_)
    if earlier is not None:
        response = _json(earlier.status, earlier.response)
        response.headers["Idempotent-Replayed"] = "true"
        return response
    body = work()
    try:
        remember(db.session, auth.token(), key, print_, status, body, clock.now())
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict("同一个 Idempotency-Key 的请求正在处理，请稍后用同一个键重试以取得结果") from exc
    return _json(status, body)


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
