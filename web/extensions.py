"""Flask extensions, created unbound and initialised by create_app()."""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf import CSRFProtect
from sqlalchemy.orm import Session

from engine import KEY, Base, watch


class SpiralSession(FlaskSession):
    """Flask-SQLAlchemy's session, carrying the current app's assembled engine (engine/parts.py)."""

    def __init__(self, db: SQLAlchemy, **kwargs: Any) -> None:
        super().__init__(db, **kwargs)
        self.info[KEY] = current_app.extensions["spiral"]


class SpiralSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy, with `session` typed as the Session the engine's functions take."""

    # At runtime db.session is a scoped_session, which proxies every Session method to the request's session.
    session: Session  # type: ignore[assignment]

    def request_session(self) -> Session:
        """The request's session itself, not the proxy: for a view that hands it to an engine service that
        reaches it dozens of times (each reach through the proxy looks the request up again)."""
        found: Session = self.__dict__["session"]()  # the scoped_session, called
        return found


watch(SpiralSession)
db = SpiralSQLAlchemy(model_class=Base, session_options={"expire_on_commit": False, "class_": SpiralSession})
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
