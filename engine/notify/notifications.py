"""Notifications: the in-app list (the bell), the outgoing sends queued per channel, each person's channels.

`notify_all()` adds in-app notifications and one queued `Delivery` per channel each person chose, inside the
caller's transaction, in a few statements however many there are (`notify()` adds one); delivery.py
sends the queue. A `dedupe_key` makes every notice happen once.
Channels: in-app always; email (Person.email, when the school configured SMTP); a WeCom and/or a DingTalk
group robot whose webhook address the person pastes on 我的设置 (the robot of their 教研室 group, or a group
of their own). Robot addresses are accepted only under the official prefixes (MailSettings.webhook_prefixes):
the server never posts to an address a user made up.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.db.cache import snapshot
from engine.db.prepared import Prepared
from engine.db.session import rowcount
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.org.models import Person
from engine.workflow.models import HumanTask, ProcessInstance

from .models import ChannelPreference, Delivery, Notification
from .settings import mail_settings

CHANNELS = ("email", "wecom", "dingtalk")
STATUSES = ("pending", "sending", "sent", "failed")


@dataclass(frozen=True)
class Message:
    """One in-app notice to add: to whom, what, and the key that makes it happen once."""

    person_id: int
    kind: str
    title: str
    body: str
    link: str
    dedupe_key: str


def notify_all(session: Session, messages: list[Message], now: datetime) -> list[int]:
    """Add in-app notices and queue their sends, in order; a used `dedupe_key` is skipped.

    Returns the new notifications' ids. Two statements for any number of messages; never commits.
    """
    rows: dict[str, dict[str, object]] = {}
    for m in messages:
        rows.setdefault(m.dedupe_key[:200], {
            "person_id": m.person_id, "kind": m.kind[:32], "title": m.title[:200], "body": m.body,
            "link": m.link[:300], "created_at": now, "dedupe_key": m.dedupe_key[:200]})
    made = _insert_new(session, list(rows.values()))
    choices = channel_choices(session) if made else {}
    smtp = bool(mail_settings(session).smtp_host)
    sends = [{"notification_id": new_id, "channel": channel, "target": target, "status": "pending",
              "attempts": 0, "next_attempt_at": now, "last_error": ""}
             for new_id, person_id in made for channel, target in _channels(choices.get(person_id), smtp)]
    if sends:
        session.execute(insert(Delivery.__table__), sends)
    return [new_id for new_id, _person_id in made]


@functools.cache
def _insert_once(dialect: str) -> tuple[Any, Prepared] | None:
    """The dialect's INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING, built once, and prepared for one row
    (a new task's holder, at nearly every completion); None: the dialect has no such form."""
    dialect_insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}.get(dialect)
    if dialect_insert is None:
        return None
    table = Notification.__table__
    # attr-defined: the dict of the two dialects' insert() loses their Insert types, which both have this
    statement = dialect_insert(table).on_conflict_do_nothing(  # type: ignore[attr-defined]
        index_elements=["dedupe_key"]).returning(table.c.id, table.c.person_id)
    return statement, Prepared(statement, by_columns=True)


def _insert_new(session: Session, rows: list[dict[str, object]]) -> list[tuple[int, int]]:
    """Insert the notifications whose dedupe_key is unused; (id, person_id) of the new ones, by id."""
    if not rows:
        return []
    found = _insert_once(session.get_bind().dialect.name)
    if found is not None:  # ON CONFLICT DO NOTHING: no exception, no savepoint, safe for racing ticks
        statement, one = found
        if len(rows) == 1:
            return [(new_id, person_id) for new_id, person_id in one.run(session, rows[0]).rows]
        return sorted((row.id, row.person_id) for row in session.connection().execute(statement, rows))
    made = []
    for values in rows:
        try:
            with session.begin_nested():
                row = Notification(**values)
                session.add(row)
            made.append((row.id, row.person_id))
        except IntegrityError:
            pass
    return made


def _channels(choice: tuple[bool, str, str, str, bool] | None, smtp: bool) -> list[tuple[str, str]]:
    """(channel, target) for each outside channel a person chose and the school can send on."""
    if choice is None:
        return []
    email_chosen, email, wecom, dingtalk, active = choice
    if not active:
        return []
    return [(channel, target) for channel, target, on in (
        ("email", email, email_chosen and bool(email) and smtp),
        ("wecom", wecom, bool(wecom)), ("dingtalk", dingtalk, bool(dingtalk))) if on]


def notify(session: Session, person_id: int, *, kind: str, title: str, body: str, link: str, now: datetime,
           dedupe_key: str) -> int | None:
    """Add an in-app notice and queue its sends; its id, or None if `dedupe_key` was used already. Never commits."""
    made = notify_all(session, [Message(person_id, kind, title, body, link, dedupe_key)], now)
    return made[0] if made else None


def notify_new_task(session: Session, task: HumanTask, instance: ProcessInstance, person_id: int,
                    now: datetime, sent_back: str = "") -> int | None:
    """Tell a person a task is theirs (assigned, offered to claim, or handed over; `sent_back` says who returned it
    for rework, and why); once per task and person."""
    claim = task.assignee_id is None
    due = f"，期限 {task.due_at:%Y-%m-%d %H:%M}" if task.due_at else ""
    title = ("退回修改：" if sent_back else "待认领：" if claim else "新任务：") + task.title
    body = (f"{sent_back}。" if sent_back else "") + f"{instance.subject.name}（{instance.period}）{due}。" + (
        "该任务同时派给了多位老师，先认领者办理。" if claim else "请按时办理。")
    if task.unroutable:
        title, body = "无法路由的任务：" + task.title, body + "流程中找不到办理人，已转质量办。"
    return notify(session, person_id, kind="task.assigned", title=title, body=body, link=f"/tasks/{task.id}",
                  now=now, dedupe_key=f"task:{task.id}:assigned:{person_id}")


def sent_back(session: Session, task: HumanTask) -> str:
    """For a task whose step was done before in its cycle (TaskOpened.repeats): when another step sent it back (a
    review), who returned it, in which step, and their comment (the review form's `comment` field); "" otherwise."""
    last = session.scalars(select(HumanTask).where(HumanTask.instance_id == task.instance_id,
                                                   HumanTask.status == "done")
                           .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc()).limit(1)).first()
    if last is None or last.bpmn_id == task.bpmn_id:
        return ""  # the step repeats itself (the next progress report), nobody sent it back
    who = last.completed_by.name if last.completed_by else "审核人"
    why = str((last.data or {}).get("comment") or "").strip()
    return f"{who}在“{last.title}”中退回修改" + (f"：{why[:300]}" if why else "")


def unread_count(session: Session, person: Person) -> int:
    """How many of the person's notifications are unread (the bell's number)."""
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.person_id == person.id, Notification.read_at.is_(None))) or 0


def notifications_of(session: Session, person: Person, limit: int = 100) -> list[Notification]:
    """The person's notifications, newest first."""
    return list(session.scalars(select(Notification).where(Notification.person_id == person.id)
                                .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def mark_read(session: Session, actor: Person, notification_id: int | None, now: datetime) -> int:
    """Mark one notification (or, with None, all of them) read; returns how many changed; commits."""
    query = update(Notification).where(Notification.person_id == actor.id, Notification.read_at.is_(None))
    if notification_id is not None:
        found = session.get(Notification, notification_id)
        if found is None or found.person_id != actor.id:
            raise NotFound("该通知不存在")
        query = query.where(Notification.id == notification_id)
    changed = rowcount(session.execute(query.values(read_at=now).execution_options(synchronize_session=False)))
    session.commit()
    return changed


def preference_of(session: Session, person: Person) -> ChannelPreference:
    """The person's channel choice (defaults when never saved; not added to the session)."""
    return session.get(ChannelPreference, person.id) or ChannelPreference(
        person_id=person.id, email=False, wecom_webhook="", dingtalk_webhook="")


def _check_webhook(session: Session, field: str, url: str) -> str:
    url = url.strip()
    if url and not any(url.startswith(prefix) for prefix in mail_settings(session).webhook_prefixes):
        raise InvalidInput("机器人地址不正确：请粘贴群机器人的 Webhook 地址（以 https://qyapi.weixin.qq.com/"
                           "cgi-bin/webhook/send? 或 https://oapi.dingtalk.com/robot/send? 开头）",
                           {field: "请粘贴群机器人的 Webhook 地址"})
    if len(url) > 500:
        raise InvalidInput("机器人地址过长", {field: "机器人地址过长"})
    return url


def set_channels(session: Session, actor: Person, person_id: int, *, email: bool, wecom_webhook: str,
                 dingtalk_webhook: str, now: datetime) -> ChannelPreference:
    """Save which outside channels a person is told on (themself, or an admin for anyone); commits."""
    if actor.id != person_id and not actor.is_admin:
        raise NotAllowed("只能修改自己的通知方式")
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("该用户不存在")
    wecom, dingtalk = _check_webhook(session, "wecom_webhook", wecom_webhook), _check_webhook(session, "dingtalk_webhook",
                                                                                   dingtalk_webhook)
    if email and not person.email:
        raise InvalidInput("您的账号没有登记电子邮箱，请联系管理员登记后再开启邮件通知",
                           {"email": "账号没有登记电子邮箱"})
    pref, new = _preference_row(session, person_id)
    before = None if new else {"email": pref.email, "wecom": bool(pref.wecom_webhook),
                               "dingtalk": bool(pref.dingtalk_webhook)}
    pref.email, pref.wecom_webhook, pref.dingtalk_webhook = email, wecom, dingtalk
    audit.record(session, actor, "notification.channels", now, object_type="person", object_id=person_id,
                 summary=f"{person.name}的通知方式已更新", before=before,
                 after={"email": email, "wecom": bool(wecom), "dingtalk": bool(dingtalk)})
    session.commit()
    return pref


def _preference_row(session: Session, person_id: int) -> tuple[ChannelPreference, bool]:
    """The person's preference row and whether this call inserted it. A first save inserts in a savepoint, so
    that when another first save inserted the row a moment before, its unique-key error is taken here and
    that row is the one this save updates (the last save wins, as with any two saves)."""
    for _attempt in range(3):
        found = session.get(ChannelPreference, person_id, populate_existing=True)
        if found is not None:
            return found, False
        mine = ChannelPreference(person_id=person_id, email=False, wecom_webhook="", dingtalk_webhook="")
        try:
            with session.begin_nested():
                session.add(mine)
            return mine, True
        except IntegrityError:
            continue  # the other save's row is there now: read it
    raise Conflict("通知方式正被同时修改，请稍后再试")


def channel_choices(session: Session) -> dict[int, tuple[bool, str, str, str, bool]]:
    """person id → (email chosen, email address, WeCom webhook, DingTalk webhook, active), for those who chose;
    cached under the change token (engine/db/cache.py)."""
    def load(s: Session) -> dict[int, tuple[bool, str, str, str, bool]]:
        query = (select(ChannelPreference.person_id, ChannelPreference.email, Person.email,
                        ChannelPreference.wecom_webhook, ChannelPreference.dingtalk_webhook, Person.active)
                 .join(Person, Person.id == ChannelPreference.person_id))
        return {row[0]: (bool(row[1]), row[2] or "", row[3] or "", row[4] or "", bool(row[5]))
                for row in s.execute(query)}
    return snapshot(session).section("notify.channels", session, load)


def notify_people(session: Session, person_ids: list[int], *, kind: str, title: str, body: str, link: str,
                  now: datetime, dedupe_key: str) -> int:
    """Queue one notification per person (in-app plus their chosen channels); returns how many were new."""
    messages = [Message(person_id, kind, title, body, link, f"{dedupe_key}:{person_id}")
                for person_id in dict.fromkeys(person_ids)]
    return len(notify_all(session, messages, now))
