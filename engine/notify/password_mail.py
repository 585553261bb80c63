"""The forgotten-password e-mail: sent at once (never queued: the link must not sit in a table in clear), to the
address the school registered for the person, with the same answer whether or not the account exists."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from engine.errors import NotAllowed
from engine.org.resets import LIFETIME, find_account, issue_reset, may_ask

from .delivery import send_mail
from .settings import mail_settings

log = logging.getLogger(__name__)


def resets_by_mail(session: Session) -> bool:
    """Whether forgotten passwords can be reset by e-mail here (an SMTP server is configured)."""
    return bool(mail_settings(session).smtp_host)


def send_reset_link(session: Session, login: str, address: str, now: datetime,
                    link_for: Callable[[str], str]) -> None:
    """Mail a one-time link (built by `link_for(token)`) to the active person whose 工号 or e-mail is `login`,
    when they have an e-mail and have not asked too often. Says nothing about whether anyone was found; raises
    NotAllowed only when no SMTP server is configured. Commits."""
    config = mail_settings(session)
    if not config.smtp_host:
        raise NotAllowed("学校尚未配置邮件服务器，无法通过邮件重设密码，请联系管理员重设")
    allowed = may_ask(session, login, address, now)
    person = find_account(session, login) if allowed else None
    if person is None or not person.email:
        session.commit()
        return
    token = issue_reset(session, person, address, now)
    session.commit()
    minutes = int(LIFETIME.total_seconds() // 60)
    body = (f"{person.name}，您好：\n\n有人（希望是您本人）申请重设您在 Spiral 诊改平台的密码（工号 {person.username}）。"
            f"请在 {minutes} 分钟内打开下面的链接设置新密码，链接只能使用一次：\n\n{link_for(token)}\n\n"
            "如果不是您本人申请，请忽略这封邮件，您的密码不会改变。")
    try:
        send_mail(config, person.email, "【Spiral 诊改】重设密码", body)
    except Exception:  # noqa: BLE001 - the answer must not tell whether a mail went out; the log keeps why
        log.exception("the password reset mail to person %s could not be sent", person.id)
