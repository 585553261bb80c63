"""Spiral's Flask front end: create_app() wires the engine, the extensions and the blueprints."""
from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, redirect, url_for
from jinja2 import ChoiceLoader, FileSystemLoader
from sqlalchemy import event
from werkzeug.routing import IntegerConverter, Map

import forms
from engine import JSON_OPTIONS, MailSettings, Person, build_engine, person_by_id, settle, sqlite_pragmas

from .campus import campus_config
from .extensions import babel, csrf, db, login_manager
from .i18n import LANGUAGES, TRANSLATIONS, compile_catalogs, selected_locale
from .views_helpers import landing_url

__all__ = ["create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides defaults (tests pass a temporary database and a fixed clock)."""
    app = Flask(__name__, instance_path=os.environ.get("SPIRAL_INSTANCE", str(Path.cwd() / "instance")),
                instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY") or _instance_secret(app.instance_path),
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL")
        or f"sqlite:///{Path(app.instance_path) / 'spiral.sqlite'}",
        SQLALCHEMY_ENGINE_OPTIONS={},
        BABEL_DEFAULT_LOCALE="zh_CN",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        TIMEZONE="Asia/Shanghai",
        MAX_UPLOAD_MB=20,
        UPLOAD_DIR=str(Path(app.instance_path) / "uploads"),
        FORMS_DIR=str(Path(app.instance_path) / "forms"),  # forms saved by the studio's form designer
        SCHEDULER_ENABLED=False,
        TICK_SECONDS=60,
        SCRIPT_SECONDS=2.0,
        SCRIPT_MEMORY_MB=256,
        STATE_MB=5.0,
        FORM_VALUE_MB=1.0,
        SPIRAL_NOW=None,
        SETTLE_HEAP=True,  # engine/heap.py: what start-up loaded is kept out of the collector's full passes
        SIGN_IN_ACCOUNT_FAILURES=5,  # failures of one account within the window that lock it
        SIGN_IN_ADDRESS_FAILURES=20,  # failures from one client address within the window that lock it
        SIGN_IN_WINDOW_MINUTES=15,
        SIGN_IN_LOCK_MINUTES=15,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=None,  # None: Secure when PREFERRED_URL_SCHEME is https
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_DURATION=timedelta(days=14),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        PROXY_FIX=os.environ.get("SPIRAL_PROXY_FIX", "0"),  # how many reverse proxies set X-Forwarded-*
        **_notification_config(),
        **campus_config(),
    )
    app.config.from_pyfile("config.py", silent=True)
    if config:
        app.config.update(config)
    _session_cookies(app)
    app.config["MAX_CONTENT_LENGTH"] = (app.config["MAX_UPLOAD_MB"] + 5) * 1024 * 1024
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault("connect_args", {"timeout": 30})
    for key, value in JSON_OPTIONS.items():  # the engine's own sessions write JSON the same way
        app.config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault(key, value)
    app.extensions["spiral"] = build_engine(
        upload_dir=Path(app.config["UPLOAD_DIR"]), max_upload_mb=app.config["MAX_UPLOAD_MB"],
        forms=forms.FormRegistry(app.config["FORMS_DIR"], forms.LIBRARY),
        mail=MailSettings(**{key.lower(): app.config[key] for key in _notification_config()}),
        clock=lambda: _configured_now(app), script_seconds=float(app.config["SCRIPT_SECONDS"]),
        script_memory_mb=int(app.config["SCRIPT_MEMORY_MB"]), state_mb=float(app.config["STATE_MB"]),
        value_mb=float(app.config["FORM_VALUE_MB"]))
    translations = compile_catalogs(Path(app.instance_path) / "translations")
    if translations != TRANSLATIONS:  # the package folder is read-only here (an installed Spiral)
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    _init_extensions(app)
    app.url_map.converters["int"] = BoundedInt  # before any rule is added
    _register_blueprints(app)
    _jinja(app)
    from . import api, cli, errors, security
    api.register(app)
    errors.register(app)
    security.register(app)
    cli.register(app)
    _trust_proxies(app)
    if app.config["SCHEDULER_ENABLED"]:
        from .scheduler import start_scheduler
        start_scheduler(app)
    if app.config["SETTLE_HEAP"]:
        settle()
    return app


class BoundedInt(IntegerConverter):
    """`<int:…>` up to the largest id a database column holds (PostgreSQL's integer): a longer number is a 404,
    never an overflow in the database driver."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 - werkzeug's names
                 max: int | None = 2**31 - 1, signed: bool = False) -> None:  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _trust_proxies(app: Flask) -> None:
    """Behind `PROXY_FIX` reverse proxies, read the visitor's address, scheme and host from their X-Forwarded-*
    headers (werkzeug's ProxyFix); with none (the default) those headers are ignored, as anyone can send them."""
    value = str(app.config["PROXY_FIX"]).strip().lower()
    count = {"true": 1, "yes": 1, "on": 1, "false": 0, "no": 0, "off": 0, "": 0}.get(value)
    if count is None:
        if not value.isdigit() or int(value) > 10:
            raise ValueError(f"SPIRAL_PROXY_FIX 应为 0–10 的整数（反向代理的层数），而不是 {value!r}")
        count = int(value)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]


def _session_cookies(app: Flask) -> None:
    """Secure cookies when served over HTTPS (or when config says so); lifetimes may be given as hours/days."""
    secure = app.config["SESSION_COOKIE_SECURE"]
    if secure is None:
        secure = app.config.get("PREFERRED_URL_SCHEME") == "https"
    app.config["SESSION_COOKIE_SECURE"] = bool(secure)
    if app.config.get("REMEMBER_COOKIE_SECURE") is None:
        app.config["REMEMBER_COOKIE_SECURE"] = bool(secure)
    for key, unit in (("PERMANENT_SESSION_LIFETIME", "hours"), ("REMEMBER_COOKIE_DURATION", "days")):
        value = app.config[key]
        if isinstance(value, int | float):
            app.config[key] = timedelta(**{unit: value})
    if app.config["REMEMBER_COOKIE_DURATION"] > timedelta(days=14):
        app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=14)


def _configured_now(app: Flask) -> datetime:
    """Naive school-local now; config SPIRAL_NOW (an ISO time or a callable) fixes it, for tests and time travel."""
    fixed = app.config.get("SPIRAL_NOW")
    if fixed:
        return fixed() if callable(fixed) else datetime.fromisoformat(str(fixed))  # type: ignore[no-any-return]
    return datetime.now(ZoneInfo(app.config["TIMEZONE"])).replace(tzinfo=None)


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes", "on")


def _notification_config() -> dict[str, Any]:
    """SMTP and link settings for outgoing notifications, from the environment (config.py may override)."""
    env = os.environ.get
    return {"SMTP_HOST": env("SMTP_HOST", ""), "SMTP_PORT": int(env("SMTP_PORT") or (465 if _flag("SMTP_SSL") else 25)),
            "SMTP_USER": env("SMTP_USER", ""), "SMTP_PASSWORD": env("SMTP_PASSWORD", ""),
            "SMTP_FROM": env("SMTP_FROM", ""), "SMTP_STARTTLS": _flag("SMTP_STARTTLS"), "SMTP_SSL": _flag("SMTP_SSL"),
            "PUBLIC_URL": env("PUBLIC_URL", "")}


def _instance_secret(instance_path: str) -> str:
    """The instance's session key, created readable by its owner only (0600); an older file is narrowed."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker created it first
            pass
        else:
            with os.fdopen(descriptor, "w") as out:
                out.write(os.urandom(32).hex())
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return path.read_text().strip()


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=selected_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(user_id: str) -> Person | None:
        """“id:session_version”: a session or remember-me cookie from before a logout no longer loads anyone."""
        person_id, _, version = user_id.partition(":")
        if not person_id.isdigit() or not version.isdigit():
            return None
        person = person_by_id(db.session, int(person_id))
        if person is None or not person.active or (person.session_version or 0) != int(version):
            return None
        return person

    with app.app_context():
        if db.engine.url.get_backend_name() == "sqlite":
            event.listen(db.engine, "connect", sqlite_pragmas)


def _register_blueprints(app: Flask) -> None:
    from .activities import bp as activities_bp
    from .activities import public_bp as activity_public_bp
    from .admin import bp as admin_bp
    from .appraisal import bp as appraisal_bp
    from .auth import bp as auth_bp
    from .cycles import bp as cycles_bp
    from .dashboard import bp as dashboard_bp
    from .help import bp as help_bp
    from .inbox import bp as inbox_bp
    from .me import bp as me_bp
    from .notifications import bp as notifications_bp
    from .planning import bp as planning_bp
    from .plans import bp as plans_bp
    from .quality import bp as quality_bp
    from .reports import bp as reports_bp
    from .studio import bp as studio_bp
    from .supervision import bp as supervision_bp
    from .vendor import bp as vendor_bp
    for blueprint in (auth_bp, inbox_bp, cycles_bp, studio_bp, supervision_bp, notifications_bp, me_bp,
                      quality_bp, plans_bp, admin_bp, vendor_bp, activities_bp, activity_public_bp, planning_bp,
                      help_bp, reports_bp, dashboard_bp, appraisal_bp):
        app.register_blueprint(blueprint)

    @app.get("/")
    def index():  # type: ignore[no-untyped-def]
        return redirect(landing_url())

    @app.get("/favicon.ico")
    def favicon():  # type: ignore[no-untyped-def]
        return redirect(url_for("static", filename="favicon.svg"), code=301)  # browsers ask here first


def _jinja(app: Flask) -> None:
    forms_templates = Path(forms.__file__).parent / "templates"
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(Path(__file__).parent / "templates")),
                                     FileSystemLoader(str(forms_templates))])
    from . import views_helpers
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, **views_helpers.template_globals())
    app.jinja_env.filters.update(views_helpers.template_filters())
    app.context_processor(views_helpers.context)
