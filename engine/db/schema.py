"""Schema plumbing that knows no room: bringing an existing database's tables up to a metadata's columns."""
from __future__ import annotations

from sqlalchemy import Column, Engine, MetaData, inspect, literal, text


def add_missing_columns(engine: Engine, metadata: MetaData) -> set[str]:
    """Add the columns an existing table lacks; return them as `table.column`."""
    added: set[str] = set()
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
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
