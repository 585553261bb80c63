"""The organisation's tables: units of the org tree, people, roles, who holds which role where, substitutes,
the subjects cycles are about, and the API tokens people and other systems sign in with. Models never commit."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.db.cache import Cached

LEVELS = ("school", "major", "course", "teacher", "student")
# The org sheet's 类型 → unit.kind; 类别 → person.kind; 层面 → subject.level.
UNIT_KINDS = {"学校": "school", "处室": "department", "专业部": "division", "教研室": "office", "专业": "major",
              "课程": "course", "班级": "class", "委员会": "committee"}
PERSON_KINDS = {"教职工": "staff", "学生": "student"}
LEVEL_NAMES = {"学校": "school", "专业": "major", "课程": "course", "教师": "teacher", "学生": "student"}


class Unit(Cached, Base):
    """A node of the org tree: the school, a department (处室/专业部), a 教研室, a major, a course, a class."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    aliases: Mapped[str] = mapped_column(String(500), default="", server_default="")  # 简称, 、-separated
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # False: closed

    def alias_list(self) -> list[str]:
        """The unit's short names (简称)."""
        return [part.strip() for part in (self.aliases or "").split("、") if part.strip()]

class Person(Cached, Base):
    """Somebody who logs in: staff, teachers, students."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    email: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(16), default="staff", server_default="staff")  # PERSON_KINDS
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # A one-time password (an import, an admin's reset) must be replaced at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Part of the id Flask-Login keeps: raising it (logout, a password change) ends every session and
    # remember-me cookie of this person.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unit: Mapped[Unit | None] = relationship()
    holdings: Mapped[list[RoleHolding]] = relationship(back_populates="person",
                                                       foreign_keys="RoleHolding.person_id")

    # The user protocol Flask-Login reads; plain properties keep the engine free of Flask.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Inactive people cannot log in."""
        return self.active

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and the remember-me cookie: “id:session_version”."""
        return f"{self.id}:{self.session_version or 0}"

class Role(Cached, Base):
    """A role of the org (课程负责人, 教研室主任…); `receives_unroutable` marks the quality office."""

    __tablename__ = "role"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    receives_unroutable: Mapped[bool] = mapped_column(Boolean, default=False)
    heads_unit: Mapped[bool] = mapped_column(Boolean, default=False)  # 部门负责人, 专业部主任…: the ladder's unit head

class RoleHolding(Cached, Base):
    """Person P holds role R for unit U (and, by the walk up the tree, for everything below U)."""

    __tablename__ = "role_holding"
    __table_args__ = (UniqueConstraint("person_id", "role_id", "unit_id"),
                      Index("ix_role_holding_role_unit", "role_id", "unit_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    # A holding with dates counts only between them, both days included (next term's 课程负责人 loaded ahead).
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    person: Mapped[Person] = relationship(back_populates="holdings", foreign_keys=[person_id])
    role: Mapped[Role] = relationship()
    unit: Mapped[Unit] = relationship()

class Substitution(Cached, Base):
    """While away (leave, training) a person's new tasks go to a substitute, dates inclusive."""

    __tablename__ = "substitution"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    substitute_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")
    substitute: Mapped[Person] = relationship(foreign_keys=[substitute_id])

class SignInThrottle(Base):
    """Failed sign-ins counted per account (kind "account", key the username typed) or per client address
    (kind "address"), in a window that starts at the first failure; `locked_until` refuses sign-ins until then."""

    __tablename__ = "sign_in_throttle"
    __table_args__ = (UniqueConstraint("kind", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)

class Subject(Cached, Base):
    """What one cycle is about: the school, a major, a course, a teacher or a student (watched: reports map
    subjects to their departments and levels from the org snapshot)."""

    __tablename__ = "subject"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    unit: Mapped[Unit] = relationship()
    person: Mapped[Person | None] = relationship()


class School(Base):
    """The school's own settings (one row): its name and short name in notices and reports, its logo, the
    language new people and the sign-in page start in."""

    __tablename__ = "school"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    short_name: Mapped[str] = mapped_column(String(100), default="")
    default_locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)


class PasswordReset(Base):
    """A one-time link to set a new password (forgotten password): only the token's hash is kept."""

    __tablename__ = "password_reset"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


TOKEN_SCOPES = ("read", "write", "admin")


class ApiToken(Base):
    """A token another system (or a person's script) calls the JSON API with: it acts as its person, within its
    scope (read < write < admin). Only the secret's hash is kept; `prefix` is what lists show."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default="personal")  # personal | service (made by the admin)
    scope: Mapped[str] = mapped_column(String(16), default="read")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class ApiIdempotency(Base):
    """An API write sent with an Idempotency-Key: what it answered, so that a retry gets the same answer and
    never does the work twice (a second cycle, a second value)."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("token_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"))
    key: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))  # method, path and body, hashed
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
