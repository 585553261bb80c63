"""Signing in is limited per account and per client address; unknown usernames are treated like known ones."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.audit import AuditEvent
from engine.org.sign_in import SignInPolicy, sign_in
from tests.conftest import T0


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("auth.%"))
                                .order_by(AuditEvent.id)))


def test_five_failures_lock_the_account_for_fifteen_minutes_and_it_opens_again(org_session):
    results = [sign_in(org_session, "chenxiaoyu", "wrong", "10.0.0.1", T0 + timedelta(seconds=i)) for i in range(5)]

    assert [r.retry_at is not None for r in results] == [False] * 4 + [True]
    until = results[-1].retry_at
    assert until == T0 + timedelta(seconds=4, minutes=15)
    refused = sign_in(org_session, "chenxiaoyu", "demo123", "10.0.0.2", T0 + timedelta(minutes=10))
    assert refused.person is None and refused.retry_at == until
    assert sign_in(org_session, "chenxiaoyu", "demo123", "10.0.0.2", until).person.username == "chenxiaoyu"
    assert actions(org_session) == ["auth.failed"] * 4 + ["auth.failed", "auth.locked", "auth.signed_in"]


def test_an_unknown_username_is_counted_and_locked_like_a_known_one(org_session):
    results = [sign_in(org_session, "nobody", "x", "10.0.0.1", T0) for _ in range(6)]

    assert [r.person for r in results] == [None] * 6
    assert results[4].retry_at is not None and results[5].retry_at == results[4].retry_at


def test_twenty_failures_from_one_address_lock_that_address_for_every_account(org_session):
    policy = SignInPolicy(account_failures=100)
    for i in range(20):
        sign_in(org_session, f"guess{i}", "x", "10.0.0.9", T0, policy)

    assert sign_in(org_session, "chenxiaoyu", "demo123", "10.0.0.9", T0, policy).retry_at is not None
    assert sign_in(org_session, "chenxiaoyu", "demo123", "10.0.0.8", T0, policy).person is not None
    assert "auth.locked" in actions(org_session)


def test_failures_spread_wider_than_the_window_never_lock(org_session):
    for i in range(12):
        assert sign_in(org_session, "chenxiaoyu", "wrong", "10.0.0.1", T0 + timedelta(minutes=4 * i)).retry_at is None


def test_a_success_starts_the_account_count_again(org_session):
    for _ in range(4):
        sign_in(org_session, "chenxiaoyu", "wrong", "10.0.0.1", T0)
    assert sign_in(org_session, "chenxiaoyu", "demo123", "10.0.0.1", T0).person is not None
    assert sign_in(org_session, "chenxiaoyu", "wrong", "10.0.0.1", T0).retry_at is None


def test_an_unknown_username_costs_one_password_hash_like_a_known_one(org_session, monkeypatch):
    import engine.org.sign_in as module
    checked: list[str] = []
    real = module.check_password_hash
    monkeypatch.setattr(module, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))

    sign_in(org_session, "nobody", "demo123", "10.0.0.1", T0)
    sign_in(org_session, "chenxiaoyu", "wrong", "10.0.0.1", T0)

    assert len(checked) == 2 and checked[0].split("$")[0] == checked[1].split("$")[0]  # the same method and cost
