"""The campus directory (统一身份认证 over LDAP, with ldap3): checking a password by binding as the person, and
reading people (工号, 姓名, 邮箱, 手机, 类别) and their units for `spiral ldap-sync`.

A person is found by `user_attribute` (uid) = 工号 under `base_dn` with the service account, or their DN is
written from `user_dn` ("uid={username},ou=people,dc=school,dc=example"). Every wait is short: a directory that
does not answer raises Unavailable within `timeout` seconds, it never hangs a sign-in."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.errors import Unavailable

if TYPE_CHECKING:  # ldap3 is loaded when the directory is asked, not at start-up
    from ldap3 import Connection, Server

UNAVAILABLE = "统一身份认证服务器（LDAP）暂时无法连接，请稍后再试，或联系管理员"
STUDENT_VALUES = frozenset({"学生", "student", "students"})
# What talking to a directory may raise: ldap3's own errors, and its decoder's when something that is not an
# LDAP server answers (KeyError, IndexError…). Each means "the directory cannot be asked".
FAILURES = (Exception,)


@dataclass(frozen=True)
class LdapSettings:
    """Where the directory is and how its entries are read (config SPIRAL_LDAP_*)."""

    url: str
    base_dn: str = ""
    bind_dn: str = ""
    bind_password: str = field(default="", repr=False)
    user_attribute: str = "uid"
    user_dn: str = ""  # a DN template with {username}; empty: search under base_dn with the service account
    people_filter: str = "(objectClass=inetOrgPerson)"
    name_attribute: str = "cn"
    mail_attribute: str = "mail"
    phone_attribute: str = "mobile"
    kind_attribute: str = "employeeType"  # 学生/student → 学生, anything else → 教职工
    unit_attribute: str = "ou"  # the person's unit: a unit code, name or 简称 (departmentNumber holds a code)
    timeout: int = 3  # seconds, for connecting and for each answer (ldap3 takes whole seconds)


@dataclass(frozen=True)
class DirectoryPerson:
    """One person as the directory knows them."""

    username: str
    name: str
    email: str = ""
    phone: str = ""
    kind: str = ""  # 教职工 or 学生; "" when the directory does not say
    unit: str = ""


def _server(settings: LdapSettings) -> Server:
    from ldap3 import NONE, Server
    return Server(settings.url, connect_timeout=int(settings.timeout), get_info=NONE)


def _connection(settings: LdapSettings, user: str | None, password: str | None) -> Connection:
    from ldap3 import Connection
    return Connection(_server(settings), user=user, password=password, receive_timeout=int(settings.timeout),
                      read_only=True, raise_exceptions=False, auto_referrals=False)


def _service(settings: LdapSettings) -> Connection:
    """A connection bound as the service account (anonymous when none is configured)."""
    try:
        connection = _connection(settings, settings.bind_dn or None, settings.bind_password or None)
        bound = connection.bind()
    except FAILURES as exc:
        raise Unavailable(UNAVAILABLE) from exc
    if not bound:
        raise Unavailable("统一身份认证服务账号（SPIRAL_LDAP_BIND_DN）登录失败，请管理员检查配置")
    return connection


def _user_dn(settings: LdapSettings, username: str) -> str | None:
    """The DN of the entry whose user attribute is `username` (None when there is none or several)."""
    from ldap3 import SUBTREE
    from ldap3.utils.conv import escape_filter_chars
    from ldap3.utils.dn import escape_rdn
    if settings.user_dn:
        return settings.user_dn.format(username=escape_rdn(username))
    connection = _service(settings)
    try:
        connection.search(settings.base_dn, f"(&{settings.people_filter}({settings.user_attribute}="
                                            f"{escape_filter_chars(username)}))",
                          SUBTREE, attributes=[], size_limit=2, time_limit=max(1, int(settings.timeout)))
        found = [entry["dn"] for entry in connection.response or [] if entry.get("type") == "searchResEntry"]
    except FAILURES as exc:
        raise Unavailable(UNAVAILABLE) from exc
    finally:
        connection.unbind()
    return found[0] if len(found) == 1 else None


def check_password(settings: LdapSettings, username: str, password: str) -> bool:
    """Whether the directory accepts `password` for the person whose 工号 is `username` (a bind as their DN).
    An empty password is never sent (LDAP would take it for an anonymous bind). Raises Unavailable."""
    if not username or not password:
        return False
    dn = _user_dn(settings, username)
    if dn is None:
        return False
    try:
        connection = _connection(settings, dn, password)
        accepted = bool(connection.bind())
        result = (connection.result or {}).get("result")
        connection.unbind()
    except FAILURES as exc:
        raise Unavailable(UNAVAILABLE) from exc
    if not accepted and result not in (32, 49, 50, 53):  # no such entry, wrong password, no right, unwilling
        raise Unavailable(UNAVAILABLE)
    return accepted


def _first(attributes: dict[str, Any], name: str) -> str:
    value = attributes.get(name) if name else None
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value).strip() if value is not None else ""


def read_people(settings: LdapSettings) -> list[DirectoryPerson]:
    """Everyone under base_dn who matches the people filter and has a 工号, ordered by it. Raises Unavailable."""
    wanted = [a for a in (settings.user_attribute, settings.name_attribute, settings.mail_attribute,
                          settings.phone_attribute, settings.kind_attribute, settings.unit_attribute) if a]
    connection = _service(settings)
    people: dict[str, DirectoryPerson] = {}
    try:
        for entry in _entries(connection, settings, wanted):
            attributes = entry.get("attributes") or {}
            username = _first(attributes, settings.user_attribute)
            if not username:
                continue
            kind = _first(attributes, settings.kind_attribute)
            people[username] = DirectoryPerson(
                username=username, name=_first(attributes, settings.name_attribute) or username,
                email=_first(attributes, settings.mail_attribute), phone=_first(attributes, settings.phone_attribute),
                kind=("学生" if kind.lower() in STUDENT_VALUES else "教职工") if kind else "",
                unit=_first(attributes, settings.unit_attribute))
    except FAILURES as exc:
        raise Unavailable(UNAVAILABLE) from exc
    finally:
        connection.unbind()
    return [people[key] for key in sorted(people)]


def _entries(connection: Connection, settings: LdapSettings, attributes: list[str]) -> Iterator[dict[str, Any]]:
    """The matching entries, 500 a page (directories cap a plain search's answer, often at 500 or 1000)."""
    from ldap3 import SUBTREE
    for entry in connection.extend.standard.paged_search(settings.base_dn, settings.people_filter, SUBTREE,
                                                         attributes=attributes, paged_size=500, generator=True):
        if entry.get("type") == "searchResEntry":
            yield entry
