"""Send the queued notifications: email over SMTP, WeCom and DingTalk group robots over HTTPS.

Each due `Delivery` is first claimed with a conditional UPDATE (status and next_attempt_at must still be what
this process read), committed, then sent: two tick processes never send the same message. A failed send is
retried after 1 min, 5 min, 30 min, 2 h, then marked failed for the admin (/admin/deliveries). A process
that dies while sending leaves the row `sending` with a lease; after the lease it is tried again.
"""
from __future__ import annotations

import json
import smtplib
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, object_session

import engine.audit as audit
from engine.db.session import rowcount
from engine.errors import Conflict, NotAllowed, NotFound
from engine.org.models import Person

from .models import Delivery, Notification
from .settings import MailSettings, mail_settings

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = timedelta(minutes=15)

Sender = Callable[[Delivery, Notification], None]


class SendError(Exception):
    """A channel refused or failed a message (the text is kept as the delivery's last_error)."""


def _text(notification: Notification, public_url: str) -> tuple[str, str]:
    """Subject and plain text of a message; links are absolute when `public_url` is set."""
    link = notification.link
    if link and not link.startswith("http"):
        link = public_url.rstrip("/") + link if public_url else ""
    body = notification.body + (f"\n\n查看：{link}" if link else "")
    return f"【Spiral 诊改】{notification.title}", body


def send_email(delivery: Delivery, notification: Notification, config: MailSettings) -> None:
    """Send one message through the configured SMTP server."""
    subject, body = _text(notification, config.public_url)
    send_mail(config, delivery.target, subject, body)


def send_mail(config: MailSettings, to: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail through the configured SMTP server (raises SendError without one)."""
    if not config.smtp_host:
        raise SendError("未配置邮件服务器（SMTP_HOST）")
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr(("Spiral 诊改", config.smtp_from or config.smtp_user))
    message["To"] = to
    message.set_content(body)
    smtp_class = smtplib.SMTP_SSL if config.smtp_ssl else smtplib.SMTP
    with smtp_class(config.smtp_host, config.smtp_port, timeout=config.send_timeout) as smtp:
        if config.smtp_starttls and not config.smtp_ssl:
            smtp.starttls()
        if config.smtp_user:
            smtp.login(config.smtp_user, config.smtp_password)
        smtp.send_message(message)


def robot_payload(channel: str, notification: Notification, public_url: str = "") -> dict[str, object]:
    """The JSON a WeCom or DingTalk group robot expects for a markdown message."""
    subject, body = _text(notification, public_url)
    text = f"### {subject}\n\n" + body.replace("\n", "\n\n")
    if channel == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": text}}
    return {"msgtype": "markdown", "markdown": {"title": subject, "text": text}}


def send_robot(delivery: Delivery, notification: Notification, config: MailSettings) -> None:
    """POST one markdown message to a group robot; a non-zero errcode in its answer is a failure."""
    payload = robot_payload(delivery.channel, notification, config.public_url)
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(delivery.target, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=config.send_timeout) as response:  # noqa: S310
        answer = response.read(65536)
    try:
        parsed = json.loads(answer or b"{}")
    except ValueError as exc:
        raise SendError(f"机器人返回的不是 JSON：{answer[:100]!r}") from exc
    if isinstance(parsed, dict) and parsed.get("errcode", 0) != 0:
        raise SendError(f"机器人拒绝了消息：errcode={parsed.get('errcode')} {parsed.get('errmsg', '')}")


def default_sender(delivery: Delivery, notification: Notification, config: MailSettings | None = None) -> None:
    """Send by the delivery's channel, with the settings of the engine whose session loaded the delivery."""
    if config is None:
        session = object_session(delivery)
        assert session is not None, "a delivery to send is loaded by a session"
        config = mail_settings(session)
    if delivery.channel == "email":
        send_email(delivery, notification, config)
    elif delivery.channel in ("wecom", "dingtalk"):
        send_robot(delivery, notification, config)
    else:
        raise SendError(f"未知的通知渠道：{delivery.channel}")


def _claim(session: Session, delivery_id: int, status: str, due: datetime | None, now: datetime) -> bool:
    """Take one due row for this process; False when another process took it first."""
    result = session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status == status,
                               Delivery.next_attempt_at == due)
        .values(status="sending", next_attempt_at=now + LEASE, attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False))
    session.commit()
    return rowcount(result) == 1


def deliver_pending(session: Session, now: datetime, *, sender: Sender | None = None,
                    limit: int = 200) -> dict[str, int]:
    """Send the due deliveries once each; retry failures with backoff; never raises for a channel; commits."""
    send = sender or default_sender
    due = session.execute(select(Delivery.id, Delivery.status, Delivery.next_attempt_at)
                          .where(Delivery.next_attempt_at <= now,
                                 or_(Delivery.status == "pending", Delivery.status == "sending"))
                          .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)).all()
    session.commit()  # end the read before claiming (SQLite cannot upgrade a stale read to a write)
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    for delivery_id, status, due_at in due:
        if not _claim(session, delivery_id, status, due_at, now):
            counts["skipped"] += 1
            continue
        delivery = session.get(Delivery, delivery_id, populate_existing=True)
        if delivery is None:  # deleted since it was claimed: nothing left to send
            counts["skipped"] += 1
            continue
        try:
            send(delivery, delivery.notification)
        except Exception as exc:  # noqa: BLE001 - any channel failure is recorded and retried, never raised
            outcome = _failed(delivery, exc, now)
        else:
            delivery.status, delivery.sent_at, delivery.next_attempt_at, delivery.last_error = \
                "sent", now, None, ""
            outcome = "sent"
        counts[outcome] += 1
        session.commit()
    return counts


def _failed(delivery: Delivery, exc: Exception, now: datetime) -> str:
    delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = "failed", None
        return "failed"
    delivery.status, delivery.next_attempt_at = "pending", now + BACKOFF[delivery.attempts - 1]
    return "retry"


def deliveries(session: Session, actor: Person, statuses: tuple[str, ...] = ("failed", "pending", "sending"),
               limit: int = 200) -> list[Delivery]:
    """Sends not (yet) done, newest first, for the admin page; raises NotAllowed for others."""
    _require_office(session, actor)
    return list(session.scalars(select(Delivery).where(Delivery.status.in_(statuses))
                                .order_by(Delivery.id.desc()).limit(limit)))


def retry_delivery(session: Session, actor: Person, delivery_id: int, now: datetime) -> Delivery:
    """Queue a failed (or waiting) send again now, attempts reset; commits."""
    _require_office(session, actor)
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound("该发送记录不存在")
    if delivery.status not in ("failed", "pending"):
        raise Conflict("该消息正在发送或已发送，无需重试")
    before = {"status": delivery.status, "attempts": delivery.attempts, "error": delivery.last_error}
    delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, now
    audit.record(session, actor, "delivery.retried", now, object_type="delivery", object_id=delivery.id,
                 summary=f"重新发送通知“{delivery.notification.title}”（{delivery.channel}）", before=before,
                 after={"status": "pending"})
    session.commit()
    return delivery


def _require_office(session: Session, actor: Person) -> None:
    from engine.org.access import is_quality_office
    if not is_quality_office(session, actor):
        raise NotAllowed("只有管理员和质量办可以查看通知发送情况")
