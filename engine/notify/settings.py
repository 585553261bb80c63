"""What outgoing notifications need from whoever runs Spiral: the mail server, the robot prefixes, the address
links point to. One per assembled engine (engine/assembly.py)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.parts import part

OFFICIAL_ROBOTS = ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?", "https://oapi.dingtalk.com/robot/send?")


@dataclass(frozen=True)
class MailSettings:
    """SMTP and link settings; no host means no email is queued."""

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    public_url: str = ""
    send_timeout: float = 10.0
    webhook_prefixes: tuple[str, ...] = OFFICIAL_ROBOTS


def mail_settings(session: Session) -> MailSettings:
    """The mail settings of the session's engine."""
    found: MailSettings = part(session, "mail")
    return found
