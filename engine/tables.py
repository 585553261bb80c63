"""Every room's tables, imported by name in one place: what the schema and the migrations are made of.

Rooms declare their tables in their own `models.py`; nothing registers a table by a side-effect import
elsewhere.
"""
from __future__ import annotations

from sqlalchemy import Connection, Engine, MetaData

from . import audit, tick
from .calendar import models as calendar_models
from .db import cache, migrate
from .db.base import Base
from .definitions import models as definitions_models
from .notify import models as notify_models
from .org import models as org_models
from .planning import models as planning_models
from .planning.activities import models as activity_models
from .planning.plans import models as plan_models
from .quality import models as quality_models
from .reporting import models as reporting_models
from .supervision import models as supervision_models
from .workflow import cycle_counts
from .workflow import models as workflow_models

MODULES = (org_models, calendar_models, definitions_models, workflow_models, supervision_models, notify_models,
           quality_models, planning_models, plan_models, activity_models, reporting_models, audit, tick, cache)


def metadata() -> MetaData:
    """The metadata holding every table of every room."""
    assert MODULES  # the imports above declared them on Base
    return Base.metadata


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest schema with the Alembic migrations (engine/db/migrate.py): an empty
    one, one made by Spiral 0.1 or earlier (no migrations then), or one at an earlier revision."""
    migrate.upgrade(engine, metadata(), legacy_added=_recount_if_counts_added)


def _recount_if_counts_added(connection: Connection, added: set[str]) -> None:
    """A 0.1 database given the kept cycle counts' columns gets them counted from its tasks."""
    if {f"process_instance.{column}" for column in cycle_counts.COLUMNS} & added:
        cycle_counts.recount(connection)


def schema_revision(engine: Engine) -> str | None:
    """The database's migration revision (None before its first upgrade)."""
    return migrate.current(engine)


def new_migration(message: str, autogenerate: bool = True) -> str:
    """Write a migration script for what the models have that the scripts do not build yet; its path."""
    return migrate.revision(metadata(), message, autogenerate)


def drop_schema(engine: Engine) -> None:
    """Drop every table and the migration version (tests, benchmarks): the next upgrade starts from nothing."""
    migrate.drop_all(engine, metadata())
