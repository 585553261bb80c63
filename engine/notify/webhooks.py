"""Webhooks out: the admin registers addresses of other systems for Spiral's events; each event is queued in the
transaction that made it happen (one row per subscribed webhook), then POSTed by the tick as JSON signed with
HMAC-SHA256, and retried like a notification (1 min, 5 min, 30 min, 2 h, then failed, in the admin's log).

Headers of a delivery: X-Spiral-Event, X-Spiral-Delivery (its id, the same on every retry), X-Spiral-Timestamp and
X-Spiral-Signature: sha256=<hex HMAC of "<timestamp>.<body>" under the webhook's secret>.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.db.cache import snapshot
from engine.db.session import rowcount
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.org.models import Person

from .delivery import BACKOFF, LEASE, MAX_ATTEMPTS
from .models import Webhook, WebhookDelivery
from .settings import mail_settings

EVENTS = {"task.created": "任务创建", "task.completed": "任务完成", "notice.issued": "督办单发出",
          "warning.raised": "监测预警", "cycle.finished": "周期结束"}
Poster = Callable[[str, bytes, dict[str, str], float], int]  # (url, body, headers, timeout) → HTTP status


def _subscribed(session: Session) -> dict[str, list[int]]:
    """Event → ids of the active webhooks that want it (cached under the change token: no query per event)."""
    def load(s: Session) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for hook_id, events in s.execute(select(Webhook.id, Webhook.events).where(Webhook.active.is_(True))):
            for event in events or []:
                found.setdefault(str(event), []).append(hook_id)
        return found
    return snapshot(session).section("notify.webhooks", session, load)


def wanted(session: Session, event: str) -> bool:
    """Whether any active webhook wants `event` (callers build a payload only then)."""
    return bool(_subscribed(session).get(event))


def queue_event(session: Session, event: str, payload: dict[str, Any], key: str, now: datetime) -> int:
    """Queue `event` for every webhook that wants it, once per `key`; in the caller's transaction; returns how
    many deliveries were queued."""
    hooks = _subscribed(session).get(event, [])
    if not hooks:
        return 0
    body = {"event": event, "at": now.isoformat(), "data": payload}
    rows = [{"webhook_id": hook_id, "event": event, "payload": body, "dedupe_key": f"{hook_id}:{event}:{key}"[:200],
             "status": "pending", "attempts": 0, "next_attempt_at": now, "last_error": "", "created_at": now}
            for hook_id in hooks]
    keys = [r["dedupe_key"] for r in rows]
    seen = set(session.scalars(select(WebhookDelivery.dedupe_key).where(WebhookDelivery.dedupe_key.in_(keys))))
    rows = [r for r in rows if r["dedupe_key"] not in seen]
    if rows:
        session.execute(insert(WebhookDelivery.__table__), rows)
    return len(rows)


def _office(session: Session, actor: Person | None) -> None:
    if actor is not None and not actor.is_admin:
        raise NotAllowed("只有系统管理员可以管理 Webhook")


def save_webhook(session: Session, actor: Person | None, name: str, url: str, events: list[str], now: datetime,
                 webhook_id: int | None = None) -> Webhook:
    """Register (or change) a webhook; a new one gets its signing secret; commits. Raises NotAllowed, NotFound,
    InvalidInput."""
    _office(session, actor)
    name, url = name.strip(), url.strip()
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 100:
        errors["name"] = ["请填写名称（100 字以内），如“数据中心”"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        errors["url"] = ["地址应以 https:// 或 http:// 开头，例如 https://data.school.example/spiral/events"]
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        errors["events"] = [f"请选择要推送的事件：{'、'.join(EVENTS.values())}"]
    if errors:
        raise InvalidInput("Webhook 设置有误", errors)
    hook = session.get(Webhook, webhook_id) if webhook_id else None
    if webhook_id and hook is None:
        raise NotFound("这个 Webhook 不存在")
    if hook is None:
        hook = Webhook(secret=secrets.token_hex(32), created_at=now, created_by_id=actor.id if actor else None,
                       active=True)
        session.add(hook)
    hook.name, hook.url, hook.events = name, url, sorted(set(events))
    session.flush()
    audit.record(session, actor, "webhook.saved", now, object_type="webhook", object_id=hook.id,
                 summary=f"设置 Webhook“{name}”：{url}（{'、'.join(EVENTS[e] for e in hook.events)}）")
    session.commit()
    return hook


def set_webhook_active(session: Session, actor: Person | None, webhook_id: int, active: bool,
                       now: datetime) -> Webhook:
    """Pause or resume a webhook (its queued deliveries wait while paused); commits."""
    _office(session, actor)
    hook = session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound("这个 Webhook 不存在")
    hook.active = active
    audit.record(session, actor, "webhook.resumed" if active else "webhook.paused", now, object_type="webhook",
                 object_id=hook.id, summary=f"{'恢复' if active else '暂停'} Webhook“{hook.name}”")
    session.commit()
    return hook


def webhooks(session: Session) -> list[Webhook]:
    """Every webhook, by name."""
    return list(session.scalars(select(Webhook).order_by(Webhook.name, Webhook.id)))


def webhook_log(session: Session, limit: int = 100) -> list[WebhookDelivery]:
    """The latest deliveries, newest first."""
    return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)))


def retry_webhook_delivery(session: Session, actor: Person | None, delivery_id: int, now: datetime) -> None:
    """Send a failed delivery again on the next tick; commits."""
    _office(session, actor)
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound("这条推送记录不存在")
    delivery.status, delivery.next_attempt_at, delivery.attempts = "pending", now, 0
    audit.record(session, actor, "webhook.retry", now, object_type="webhook_delivery", object_id=delivery.id,
                 summary=f"重新推送 {delivery.event}（Webhook #{delivery.webhook_id}）")
    session.commit()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Spiral-Signature of a body sent at `timestamp`."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `body`; the HTTP status (an error status too); raises OSError when nothing answers."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the admin's address
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def deliver_webhooks(session: Session, now: datetime, *, poster: Poster | None = None,
                     limit: int = 200) -> dict[str, int]:
    """Send the due webhook deliveries once each (claimed by a conditional UPDATE), retry failures with
    backoff; never raises for an address; commits."""
    send = poster or post_json
    due = session.execute(select(WebhookDelivery.id, WebhookDelivery.status, WebhookDelivery.next_attempt_at)
                          .join(Webhook).where(WebhookDelivery.next_attempt_at <= now, Webhook.active.is_(True),
                                               or_(WebhookDelivery.status == "pending",
                                                   WebhookDelivery.status == "sending"))
                          .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)).all()
    session.commit()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    timeout = mail_settings(session).send_timeout
    for delivery_id, status, due_at in due:
        claimed = session.execute(update(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.status == status,
            WebhookDelivery.next_attempt_at == due_at).values(
            status="sending", next_attempt_at=now + LEASE, attempts=WebhookDelivery.attempts + 1)
            .execution_options(synchronize_session=False))
        session.commit()
        if rowcount(claimed) != 1:
            continue
        delivery = session.get(WebhookDelivery, delivery_id, populate_existing=True)
        if delivery is None:
            continue
        counts[_send(session, delivery, send, timeout, now)] += 1
    return counts


def _send(session: Session, delivery: WebhookDelivery, send: Poster, timeout: float, now: datetime) -> str:
    body = json.dumps(delivery.payload, ensure_ascii=False).encode("utf-8")
    stamp = str(int(now.timestamp()))
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Spiral-Webhook/1",
               "X-Spiral-Event": delivery.event, "X-Spiral-Delivery": str(delivery.id),
               "X-Spiral-Timestamp": stamp, "X-Spiral-Signature": signature(delivery.webhook.secret, stamp, body)}
    try:
        status = send(delivery.webhook.url, body, headers, timeout)
        error = "" if 200 <= status < 300 else f"对方返回 HTTP {status}"
    except (OSError, ValueError) as exc:
        status, error = 0, f"无法送达：{type(exc).__name__}: {exc}"[:500]
    delivery.response_status = status or None
    if not error:
        delivery.status, delivery.sent_at, delivery.next_attempt_at, delivery.last_error = "sent", now, None, ""
        outcome = "sent"
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at, delivery.last_error = "failed", None, error
        outcome = "failed"
    else:
        delivery.status, delivery.last_error = "pending", error
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
        outcome = "retry"
    session.commit()
    return outcome
