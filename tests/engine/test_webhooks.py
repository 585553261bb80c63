"""Webhooks out: an admin's address hears of tasks created and completed, notices issued, warnings raised and
cycles finished; each delivery is signed, sent once by the tick, retried with backoff and logged."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.definitions.specs import form_registry
from engine.errors import InvalidInput, NotAllowed
from engine.notify.models import WebhookDelivery
from engine.notify.webhooks import deliver_webhooks, save_webhook, set_webhook_active
from engine.org.people import find_person
from engine.tick import run_tick
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0


class Receiver:
    """A stand-in for the other system: records what was posted, answers the statuses it is given."""

    def __init__(self, *statuses: int) -> None:
        self.calls: list[tuple[str, bytes, dict[str, str]]] = []
        self.statuses = list(statuses)

    def __call__(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        self.calls.append((url, body, headers))
        return self.statuses.pop(0) if self.statuses else 200


def test_a_new_task_is_pushed_once_signed_with_the_webhooks_secret(session):
    hook = save_webhook(session, None, "数据中心", "https://data.example/spiral", ["task.created"], T0)
    start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    receiver = Receiver()
    assert deliver_webhooks(session, T0, poster=receiver)["sent"] == 1
    assert deliver_webhooks(session, T0 + timedelta(minutes=1), poster=receiver)["sent"] == 0
    (url, body, headers), = receiver.calls
    payload = json.loads(body)
    assert url == "https://data.example/spiral" and payload["event"] == "task.created"
    assert payload["data"]["title"] == "制定课程建设目标" and payload["data"]["subject"] == "C-WDYY"
    expected = "sha256=" + hmac.new(hook.secret.encode(), headers["X-Spiral-Timestamp"].encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
    assert headers["X-Spiral-Signature"] == expected and headers["X-Spiral-Event"] == "task.created"


def test_a_refusing_receiver_is_retried_with_backoff_then_the_delivery_fails(session):
    save_webhook(session, None, "数据中心", "https://data.example/spiral", ["task.created"], T0)
    start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    receiver = Receiver(500, 503, 500, 500, 500)
    at = T0
    for _ in range(5):
        deliver_webhooks(session, at, poster=receiver)
        at += timedelta(hours=3)
    delivery = session.scalars(select(WebhookDelivery)).one()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 5, 500)
    assert "HTTP 500" in delivery.last_error and len(receiver.calls) == 5


def test_task_completed_cycle_finished_and_notices_reach_the_addresses_that_asked(session):
    save_webhook(session, None, "教务", "https://jw.example/hook", ["task.completed", "notice.issued"], T0)
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    run_tick(session, T0 + timedelta(days=30))  # the goal task went late: notices issued
    form = form_registry(session).get(task.form_id)
    complete_task(session, find_person(session, "chenxiaoyu"), task.id, sample_answers(form),
                  T0 + timedelta(days=30, hours=1), uploads=sample_uploads(form))
    events = [d.event for d in session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))]
    assert "notice.issued" in events and "task.completed" in events and "task.created" not in events


def test_only_the_admin_registers_and_a_paused_webhook_waits(session):
    with pytest.raises(NotAllowed):
        save_webhook(session, find_person(session, "zhaohong"), "x", "https://x.example", ["task.created"], T0)
    with pytest.raises(InvalidInput):
        save_webhook(session, None, "x", "ftp://x.example", ["task.eaten"], T0)
    hook = save_webhook(session, None, "数据中心", "https://data.example/spiral", ["task.created"], T0)
    start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    set_webhook_active(session, None, hook.id, False, T0)
    receiver = Receiver()
    assert deliver_webhooks(session, T0, poster=receiver)["sent"] == 0
    set_webhook_active(session, None, hook.id, True, T0)
    assert deliver_webhooks(session, T0, poster=receiver)["sent"] == 1


def test_a_delivery_goes_over_http_to_a_real_receiver(session, robot):
    save_webhook(session, None, "数据中心", robot.url + "spiral", ["task.created"], T0)
    start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    assert deliver_webhooks(session, T0)["sent"] == 1
    (path, payload), = robot.received
    assert path == "/spiral" and payload["event"] == "task.created"
