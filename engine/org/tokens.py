"""API tokens: personal ones (made, listed and revoked by their owner on 我的设置) and service ones (made by the
admin for another system's account). A token is shown once; only its SHA-256 is kept; it acts as its person
with that person's permissions, within its scope (read < write < admin)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound

from .access import is_quality_office
from .models import TOKEN_SCOPES, ApiIdempotency, ApiToken, Person

PREFIX = "spiral_"
SCOPE_LABELS = {"read": "只读", "write": "读写", "admin": "管理"}
MAX_TOKENS = 20  # per person: a forgotten script's tokens are revoked, not piled up
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often (not on every call)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(session: Session, actor: Person | None, owner: Person, name: str, scope: str, now: datetime,
                 *, service: bool = False) -> tuple[ApiToken, str]:
    """A new token for `owner` and its secret (shown once); commits. A person makes their own; the admin (or the
    shell, actor None) makes service tokens for anyone. Raises NotAllowed, InvalidInput."""
    if actor is not None and (service or actor.id != owner.id) and not actor.is_admin:
        raise NotAllowed("只有管理员可以为他人或其他系统创建令牌")
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 100:
        errors["name"] = ["请填写令牌名称（用途，100 字以内），例如“教务系统同步”"]
    if scope not in TOKEN_SCOPES:
        errors["scope"] = [f"权限范围只能是 {', '.join(TOKEN_SCOPES)}"]
    elif scope == "admin" and not (owner.is_admin or is_quality_office(session, owner)):
        errors["scope"] = ["只有管理员和质量管理办公室的账号可以使用管理权限的令牌"]
    if not owner.active:
        errors["person"] = ["该账号已停用"]
    live = session.scalars(select(ApiToken.id).where(ApiToken.person_id == owner.id, ApiToken.revoked_at.is_(None)))
    if len(list(live)) >= MAX_TOKENS:
        errors["name"] = [f"每人最多 {MAX_TOKENS} 个有效令牌，请先撤销不用的"]
    if errors:
        raise InvalidInput("令牌设置有误", errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(person_id=owner.id, name=name, kind="service" if service else "personal", scope=scope,
                     token_hash=_hash(secret), prefix=secret[:12], created_at=now,
                     created_by_id=actor.id if actor else None)
    session.add(token)
    session.flush()
    audit.record(session, actor, "token.created", now, object_type="api_token", object_id=token.id,
                 summary=f"为{owner.name}创建{'服务' if service else '个人'}令牌“{name}”（{SCOPE_LABELS[scope]}）",
                 after={"person": owner.username, "scope": scope, "kind": token.kind})
    session.commit()
    return token, secret


def revoke_token(session: Session, actor: Person, token_id: int, now: datetime) -> ApiToken:
    """Revoke a token (its owner or the admin); commits. Raises NotFound, NotAllowed."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("令牌不存在")
    if token.person_id != actor.id and not actor.is_admin:
        raise NotAllowed("只能撤销自己的令牌")
    if token.revoked_at is None:
        token.revoked_at = now
        audit.record(session, actor, "token.revoked", now, object_type="api_token", object_id=token.id,
                     summary=f"撤销令牌“{token.name}”", before={"scope": token.scope})
        session.commit()
    return token


def tokens_of(session: Session, person: Person) -> list[ApiToken]:
    """A person's tokens, live first, newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.person_id == person.id)
                                .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def service_tokens(session: Session) -> list[ApiToken]:
    """Every service token (the admin's list)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.kind == "service").order_by(ApiToken.id.desc())))


def authenticate(session: Session, secret: str, now: datetime) -> ApiToken | None:
    """The live token whose secret this is, its person active; None otherwise. Notes when it was last used."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == _hash(secret))).first()
    if token is None or token.revoked_at is not None or not token.person.active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
                        .execution_options(synchronize_session=False))
        session.commit()
    return token


def allows(token: ApiToken, needed: str) -> bool:
    """Whether the token's scope covers `needed` (read < write < admin)."""
    return TOKEN_SCOPES.index(token.scope) >= TOKEN_SCOPES.index(needed)


def fingerprint(*parts: str | bytes) -> str:
    """A request's identity for an idempotency key: its method, path and body."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def replay(session: Session, token: ApiToken, key: str, print_: str) -> ApiIdempotency | None:
    """What an earlier request with this key answered, or None when it is new. Raises Conflict when the key was
    used for a different request."""
    found = session.scalars(select(ApiIdempotency).where(ApiIdempotency.token_id == token.id,
                                                         ApiIdempotency.key == key[:100])).first()
    if found is not None and found.fingerprint != print_:
        raise Conflict("这个 Idempotency-Key 已用于另一个请求，请为新请求换一个键")
    return found


def remember(session: Session, token: ApiToken, key: str, print_: str, status: int, response: dict[str, Any],
             now: datetime) -> None:
    """Keep a write's answer under its key, in the write's own transaction (a concurrent twin fails on the
    unique key and is rolled back whole). Does not commit."""
    session.add(ApiIdempotency(token_id=token.id, key=key[:100], fingerprint=print_, status=status,
                               response=response, created_at=now))
    session.flush()
