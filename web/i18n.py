"""Language choice (zh_CN default, en available) and on-demand compilation of the catalogs."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, request, session
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

LANGUAGES = {"zh_CN": "中文", "en": "English"}
TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale() -> str:
    """The session's choice, else the user's setting, else the school's default language (school settings;
    zh_CN until set), never the browser's guess; the JSON API answers in its caller's Accept-Language."""
    if request and request.path.startswith("/api/"):
        asked = request.accept_languages.best_match(LANGUAGES) if request.accept_languages else None
        return asked or school_locale()
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    if request and request.args.get("lang") in LANGUAGES:
        return request.args["lang"]
    return school_locale()


def school_locale() -> str:
    """The school's default language (read once per request), else the app's configured default."""
    if "school_locale" not in g:
        from engine import school_info

        from .extensions import db
        try:
            g.school_locale = school_info(db.session).default_locale
        except SQLAlchemyError:  # no schema yet (a fresh database before init-db)
            db.session.rollback()
            g.school_locale = ""
    chosen = g.school_locale
    return chosen if chosen in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]


def selected_locale() -> Locale:
    """`select_locale` as a parsed Locale for Flask-Babel (parsing a code reads the locale data folder)."""
    return _parsed(select_locale())


@cache
def _parsed(code: str) -> Locale:
    return Locale.parse(code)


def compile_catalogs(fallback: Path | None = None) -> Path:
    """Compile every messages.po whose .mo is missing or older (so a fresh clone just works); returns the folder
    holding the compiled catalogs. Where the package folder cannot be written (an installed Spiral run by a
    user who does not own it), they are compiled into `fallback` instead."""
    try:
        _compile_into(TRANSLATIONS)
        return TRANSLATIONS
    except OSError:
        if fallback is None:
            raise
        _compile_into(fallback)
        return fallback


def _compile_into(folder: Path) -> None:
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = folder / po_path.relative_to(TRANSLATIONS).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
