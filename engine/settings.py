"""Settings the engine needs from whoever runs it (the Flask app, the CLI, tests)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from forms import FormRegistry, default_registry

from .runtime import Runtime


@dataclass
class Settings:
    """Where uploads go, how large they may be, where forms live; one per process."""

    upload_dir: Path = Path("instance/uploads")
    max_upload_mb: int = 20
    forms: FormRegistry = field(default_factory=default_registry)
    runtime: Runtime = field(default_factory=Runtime)
    # Outgoing notifications (engine/delivery.py): SMTP, robot webhooks, the address links point to.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    public_url: str = ""
    send_timeout: float = 10.0
    webhook_prefixes: tuple[str, ...] = ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?",
                                         "https://oapi.dingtalk.com/robot/send?")


_current = Settings()


def configure(**values: object) -> Settings:
    """Replace the process-wide settings (called once by create_app or the CLI)."""
    global _current
    base = {f.name: getattr(_current, f.name) for f in fields(Settings)}
    base.update(values)
    _current = Settings(**base)  # type: ignore[arg-type]
    return _current


def get() -> Settings:
    """The current settings."""
    return _current
