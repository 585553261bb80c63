"""Database plumbing for the Flask-free side: engines, sessions, schema creation."""
from __future__ import annotations

from sqlalchemy import Column, Engine, create_engine, event, inspect, literal, text
from sqlalchemy.orm import Session, sessionmaker

from . import notifications as _notifications  # noqa: F401  (declares its tables on Base)
from . import tallies
from .models import Base


def make_engine(url: str) -> Engine:
    """Create an SQLAlchemy engine; SQLite gets foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Turn on foreign keys and WAL (readers don't block the writer) on each SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects survive commit (views render after the service commits)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def create_schema(engine: Engine) -> None:
    """Create every table that does not exist yet (including those declared beside their services), and the
    columns and indexes added since an existing table was made (a database from an earlier Spiral upgrades)."""
    from . import drafts, org_cache  # noqa: F401  (declare process_draft and cache_token on Base)
    Base.metadata.create_all(engine)
    added = _add_missing_columns(engine)
    if {f"process_instance.{column}" for column in tallies.COLUMNS} & added:
        with engine.begin() as conn:
            tallies.recount(conn)
    for table in Base.metadata.sorted_tables:
        for index in table.indexes:
            index.create(engine, checkfirst=True)
    with engine.begin() as connection:  # a first stamp, so the org snapshot is cached from the start
        org_cache.bump(connection)


def _add_missing_columns(engine: Engine) -> set[str]:
    """Add the columns an existing table lacks; return them as `table.column`."""
    added: set[str] = set()
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have:
                with engine.begin() as conn:
                    conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {_column_ddl(column, engine)}"))
                added.add(f"{table.name}.{column.name}")
    return added


def _column_ddl(column: Column, engine: Engine) -> str:  # type: ignore[type-arg]
    """`name TYPE [DEFAULT x]`; a column without a plain default is added nullable (old rows hold NULL)."""
    ddl = f"{column.name} {column.type.compile(dialect=engine.dialect)}"
    default = getattr(column.default, "arg", None)
    if default is not None and not callable(default):
        rendered = literal(default, column.type).compile(dialect=engine.dialect,
                                                          compile_kwargs={"literal_binds": True})
        ddl += f" DEFAULT {rendered}"
    return ddl
