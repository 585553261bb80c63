"""APScheduler runs the tick inside the app (the embedded default); `spiral scheduler` runs it standalone in a
plain loop that no failing tick can end."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

log = logging.getLogger(__name__)


def _tick_job(app: Flask) -> Callable[[], None]:
    def tick() -> None:
        from engine import run_tick

        from . import clock
        from .extensions import db
        with app.app_context():
            try:
                result = run_tick(db.session, clock.now())
                if any(result.get(k) for k in ("timers", "plan_tasks", "rungs", "follow_ups", "activity_reminders",
                                               "sent", "failed")):
                    log.info("tick: %s", result)
            except (Exception, SystemExit, GeneratorExit):  # noqa: BLE001 - logged, retried next time
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


def tick_forever(tick: Callable[[], None], seconds: float, stop: threading.Event) -> None:
    """Call `tick` every `seconds` until `stop` is set; a tick that fails in any way (SystemExit included) is
    logged with its traceback and the next one runs. Only Ctrl+C (KeyboardInterrupt here) ends the loop."""
    while not stop.is_set():
        try:
            tick()
        except KeyboardInterrupt:
            raise
        except BaseException:  # noqa: BLE001 - the scheduler must outlive every failing tick
            log.exception("scheduler tick failed; ticking again in %s s", seconds)
        stop.wait(seconds)


def run_blocking(app: Flask, seconds: int | None = None) -> None:
    """Tick every `seconds` (default TICK_SECONDS) in the foreground until interrupted."""
    interval = seconds or app.config["TICK_SECONDS"]
    print(f"Spiral 调度器已启动：每 {interval} 秒执行一次 tick（Ctrl+C 退出）", flush=True)
    try:
        tick_forever(_tick_job(app), interval, threading.Event())
    except KeyboardInterrupt:
        print("Spiral 调度器已停止", flush=True)
