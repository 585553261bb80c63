"""Alembic's environment for Spiral. Run through engine/db/migrate.py, which passes the caller's connection (inside
its transaction) and the metadata of every Spiral table; there is no alembic.ini and no offline mode."""
from alembic import context

config = context.config
connection = config.attributes.get("connection")
if context.is_offline_mode() or connection is None:
    raise RuntimeError("run Spiral's migrations through engine.db.migrate (spiral db upgrade / spiral db revision)")

context.configure(
    connection=connection,
    target_metadata=config.attributes["metadata"],
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it (batch mode)
    compare_type=True,
)
with context.begin_transaction():  # joins the caller's transaction
    context.run_migrations()
