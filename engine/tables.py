"""Every room's tables, imported by name in one place: what the schema and the migrations are made of.

Rooms declare their tables in their own `models.py`; nothing registers a table by a side-effect import
elsewhere.
"""
from __future__ import annotations

from sqlalchemy import Engine, MetaData

from . import audit, tick
from .calendar import models as calendar_models
from .db import cache
from .db.base import Base
from .db.schema import add_missing_columns
from .definitions import models as definitions_models
from .notify import models as notify_models
from .org import models as org_models
from .supervision import models as supervision_models
from .workflow import cycle_counts
from .workflow import models as workflow_models

MODULES = (org_models, calendar_models, definitions_models, workflow_models, supervision_models, notify_models,
           audit, tick, cache)


def metadata() -> MetaData:
    """The metadata holding every table of every room."""
    assert MODULES  # the imports above declared them on Base
    return Base.metadata


def create_schema(engine: Engine) -> None:
    """Create every table that does not exist yet, and the columns and indexes added since an existing table
    was made (a database from an earlier Spiral upgrades)."""
    meta = metadata()
    meta.create_all(engine)
    added = add_missing_columns(engine, meta)
    if {f"process_instance.{column}" for column in cycle_counts.COLUMNS} & added:
        with engine.begin() as conn:
            cycle_counts.recount(conn)
    for table in meta.sorted_tables:
        for index in table.indexes:
            index.create(engine, checkfirst=True)
    with engine.begin() as connection:  # a first stamp, so the caches are filled from the start
        cache.bump(connection)
