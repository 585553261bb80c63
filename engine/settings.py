"""Settings the engine needs from whoever runs it (the Flask app, the CLI, tests)."""
from __future__ import annotations

from dataclasses import dataclass, field
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


_current = Settings()


def configure(**values: object) -> Settings:
    """Replace the process-wide settings (called once by create_app or the CLI)."""
    global _current
    base = {k: getattr(_current, k) for k in ("upload_dir", "max_upload_mb", "forms", "runtime")}
    base.update(values)
    _current = Settings(**base)  # type: ignore[arg-type]
    return _current


def get() -> Settings:
    """The current settings."""
    return _current
