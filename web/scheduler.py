"""APScheduler inside the app: one short periodic tick."""
from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

log = logging.getLogger(__name__)


def start_scheduler(app: Flask) -> BackgroundScheduler:
    """Start the background tick every TICK_SECONDS."""
    scheduler = BackgroundScheduler(daemon=True)

    def tick() -> None:
        from engine.timers import run_tick
        from . import clock
        from .extensions import db
        with app.app_context():
            try:
                run_tick(db.session, clock.now())
            except Exception:  # noqa: BLE001 - a failing tick is logged and retried next time
                log.exception("scheduler tick failed")
                db.session.rollback()

    scheduler.add_job(tick, "interval", seconds=app.config["TICK_SECONDS"], id="spiral-tick",
                      max_instances=1, coalesce=True)
    scheduler.start()
    app.extensions["spiral_scheduler"] = scheduler
    return scheduler
