"""APScheduler runs the tick: inside the app (the embedded default) or standalone (`spiral scheduler`)."""
from __future__ import annotations

import contextlib
import logging
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

log = logging.getLogger(__name__)


def _tick_job(app: Flask) -> Any:
    def tick() -> None:
        from engine import run_tick

        from . import clock
        from .extensions import db
        with app.app_context():
            try:
                result = run_tick(db.session, clock.now())
                if any(result.get(k) for k in ("timers", "rungs", "follow_ups", "sent", "failed")):
                    log.info("tick: %s", result)
            except Exception:  # noqa: BLE001 - a failing tick is logged and retried next time
                log.exception("scheduler tick failed")
                db.session.rollback()
            finally:
                db.session.remove()  # type: ignore[attr-defined]  # scoped_session (web/extensions.py)
    return tick


def start_scheduler(app: Flask) -> BackgroundScheduler:
    """Start the background tick every TICK_SECONDS."""
    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(_tick_job(app), "interval", seconds=app.config["TICK_SECONDS"], id="spiral-tick",
                      max_instances=1, coalesce=True)
    scheduler.start()
    app.extensions["spiral_scheduler"] = scheduler
    return scheduler


def run_blocking(app: Flask, seconds: int | None = None) -> None:
    """Tick every `seconds` (default TICK_SECONDS) in the foreground until interrupted."""
    interval = seconds or app.config["TICK_SECONDS"]
    scheduler = BlockingScheduler()
    scheduler.add_job(_tick_job(app), "interval", seconds=interval, id="spiral-tick", max_instances=1,
                      coalesce=True)
    print(f"Spiral 调度器已启动：每 {interval} 秒执行一次 tick（Ctrl+C 退出）", flush=True)
    _tick_job(app)()
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
