"""Schema migrations: Alembic, driven from Python. The scripts live in `migrations/` beside this module and are
found through this file, so no alembic.ini is needed and the folder moves with the module.

`upgrade(engine)` brings any Spiral database to the newest revision, in one of three ways:
- an empty database runs every script, from the baseline on (they build what `create_all` would: the tests
  compare the two);
- a database made before there were migrations (Spiral 0.1 and earlier: our tables, no `alembic_version`) is
  first brought to the baseline the way 0.1 upgraded itself (missing tables, columns and indexes; the kept
  cycle counts recounted when their columns were added), then stamped at the baseline and migrated from there;
- any other database runs the scripts after its revision.
Every upgrade ends with a new cache token: a migration is a plain-SQL change (see engine/db/cache.py).
The metadata of every room's tables is passed in (engine/tables.py): this room knows no room above it.
"""
from __future__ import annotations

import re
import runpy
import tempfile
from argparse import Namespace
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, Engine, Index, MetaData, Table, create_engine, inspect, literal, text

from .cache import bump

MIGRATIONS = Path(__file__).parent / "migrations"
BASELINE = "0001"  # the schema of Spiral 0.1, the last release without migrations
_PG_LOCK = 0x5350_4952_414C  # any constant of our own: the advisory lock one migration at a time holds


LegacyHook = Callable[[Connection, set[str]], None]  # told which `table.column`s a legacy upgrade added


def upgrade(engine: Engine, metadata: MetaData, to: str = "head", legacy_added: LegacyHook | None = None) -> None:
    """Bring the database to the newest revision (from nothing, from Spiral 0.1, or from an earlier revision);
    `to` stops at an earlier one (tests build older schemas so). `legacy_added` hears which columns a database
    from before migrations was given (the workflow recounts its kept counts then)."""
    with _migration_connection(engine) as connection:
        config = _config(connection, metadata)
        tables = set(inspect(connection).get_table_names())
        legacy = "alembic_version" not in tables and bool(tables & set(metadata.tables))  # made before migrations
        if legacy:
            added = _bring_legacy_to_baseline(connection, metadata)
            if legacy_added is not None:
                legacy_added(connection, added)
            command.stamp(config, BASELINE)
        before = MigrationContext.configure(connection).get_current_revision()
        command.upgrade(config, to)
        if legacy or MigrationContext.configure(connection).get_current_revision() != before:
            _check_foreign_keys(connection)
        bump(connection)  # a first or a fresh stamp, so no process keeps a snapshot of the old schema


def downgrade(engine: Engine, metadata: MetaData, to: str) -> None:
    """Take the database back to an earlier revision by the scripts' downgrades (tests build older schemas so)."""
    with _migration_connection(engine) as connection:
        command.downgrade(_config(connection, metadata), to)
        _check_foreign_keys(connection)
        bump(connection)


def current(engine: Engine) -> str | None:
    """The database's revision; None before its first upgrade."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def drop_all(engine: Engine, metadata: MetaData) -> None:
    """Drop every Spiral table and the version table, so the next upgrade starts from nothing (tests, benchmarks)."""
    metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def head() -> str:
    """The newest revision among the scripts."""
    revision = ScriptDirectory.from_config(_config(None, MetaData())).get_current_head()
    assert revision is not None, "no migration scripts"
    return revision


def revision(metadata: MetaData, message: str, autogenerate: bool = True) -> str:
    """Write a new migration script into `migrations/versions/`; return its path.

    With `autogenerate`, its operations are what the models have that the scripts do not yet build: they are
    compared with a scratch SQLite database migrated to head. Always read the script before committing it.
    """
    with tempfile.TemporaryDirectory() as folder:
        scratch = create_engine(f"sqlite:///{Path(folder) / 'head.sqlite'}")
        try:
            with scratch.begin() as connection:
                command.upgrade(_config(connection, metadata), "head")
            with scratch.begin() as connection:
                config = _config(connection, metadata)
                script = command.revision(config, message=message, autogenerate=autogenerate,
                                          rev_id=_next_revision_id(config))
        finally:
            scratch.dispose()
    assert script is not None and not isinstance(script, list)
    return str(script.path)


def _config(connection: Connection | None, metadata: MetaData) -> Config:
    """The Alembic configuration, built here; env.py reads the connection and metadata from its attributes."""
    config = Config(cmd_opts=Namespace(quiet=True))  # no chatter of Alembic's own: the callers say what happened
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.set_main_option("truncate_slug_length", "60")
    config.attributes["connection"] = connection
    config.attributes["metadata"] = metadata
    return config


def _next_revision_id(config: Config) -> str:
    """Revisions are numbered 0001, 0002…: the next number after the highest one."""
    numbers = [int(s.revision) for s in ScriptDirectory.from_config(config).walk_revisions()
               if re.fullmatch(r"\d+", s.revision)]
    return f"{max(numbers, default=0) + 1:04d}"


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction for the migration.

    On PostgreSQL the transaction first takes an advisory lock, so processes that start together migrate one
    after the other (the later ones find nothing to do). On SQLite, foreign keys are off meanwhile (a batch
    migration copies a table, drops the old one and renames the copy, which the referencing rows would forbid;
    the pragma only works outside a transaction): `_check_foreign_keys` checks them once something changed.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
                yield connection
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _check_foreign_keys(connection: Connection) -> None:
    """On SQLite (migrated with foreign keys off), refuse to commit rows whose foreign keys point nowhere."""
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left rows whose foreign keys point nowhere: {broken[:5]}")


# --- Spiral 0.1 and earlier: no alembic_version; each release added what it lacked at start-up -----------------

def _bring_legacy_to_baseline(connection: Connection, metadata: MetaData) -> set[str]:
    """Give a database from before migrations the baseline's tables, columns and indexes, as 0.1 did for itself.

    The baseline's own script says what to add (a table a later revision creates is not created here, or that
    revision would fail); the models give an added column the default old rows take. Returns the columns added.
    """
    baseline = baseline_metadata()
    baseline.create_all(connection)  # the tables an older release did not have yet, with their indexes
    added = _add_missing_columns(connection, baseline, metadata)
    for table in baseline.sorted_tables:
        for index in table.indexes:
            index.create(connection, checkfirst=True)
    return added


def _add_missing_columns(connection: Connection, baseline: MetaData, models: MetaData) -> set[str]:
    """Add the baseline columns an existing table lacks; return them as `table.column`."""
    added: set[str] = set()
    inspector = inspect(connection)
    for table in baseline.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have:
                model = models.tables.get(table.name)
                default_from = model.c[column.name] if model is not None and column.name in model.c else column
                connection.execute(text(f"ALTER TABLE {table.name} ADD COLUMN "
                                        f"{_column_ddl(column, default_from, connection)}"))
                added.add(f"{table.name}.{column.name}")
    return added


def _column_ddl(column: Column[Any], default_from: Column[Any], connection: Connection) -> str:
    """`name TYPE [DEFAULT x]`; a column without a plain default is added nullable (old rows hold NULL)."""
    ddl = f"{column.name} {column.type.compile(dialect=connection.dialect)}"
    default = getattr(default_from.default, "arg", None)
    if default is not None and not callable(default):
        rendered = literal(default, column.type).compile(dialect=connection.dialect,
                                                          compile_kwargs={"literal_binds": True})
        ddl += f" DEFAULT {rendered}"
    elif column.server_default is not None:
        compiler = connection.dialect.ddl_compiler(connection.dialect, None)  # type: ignore[arg-type]
        ddl += f" DEFAULT {compiler.get_column_default_string(column)}"
    return ddl


def baseline_metadata() -> MetaData:
    """The baseline's tables and indexes as a MetaData: its script's `upgrade()`, run against a recorder."""
    path = next((MIGRATIONS / "versions").glob(f"{BASELINE}_*.py"))
    script = runpy.run_path(str(path))  # run afresh in a namespace of its own: nothing shared is patched
    recorder = _Recorder()
    script["upgrade"].__globals__["op"] = recorder
    script["upgrade"]()
    return recorder.metadata


class _Recorder:
    """Stands in for Alembic's `op` in the baseline script; knows only the operations a baseline uses."""

    def __init__(self) -> None:
        self.metadata = MetaData()

    def create_table(self, name: str, *elements: Any, **kwargs: Any) -> Table:
        return Table(name, self.metadata, *elements, **kwargs)

    def create_index(self, name: str, table: str, columns: list[str], unique: bool = False, **kwargs: Any) -> Index:
        return Index(name, *(self.metadata.tables[table].c[c] for c in columns), unique=unique, **kwargs)

    f: Callable[[str], str] = staticmethod(lambda name: name)
