"""A database made by an earlier Spiral gains the columns and indexes added since, keeping its rows."""
from __future__ import annotations

from sqlalchemy import inspect, text

from engine.db import create_schema, make_engine


def test_an_older_database_gains_the_new_columns_with_their_defaults(tmp_path):
    db_engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    create_schema(db_engine)
    with db_engine.begin() as conn:  # make it look like the previous release's tables
        conn.execute(text("DROP INDEX ix_task_follow_up"))
        conn.execute(text("DROP INDEX ix_task_next_rung"))
        for column in ("follow_up_at", "next_rung_at", "next_rung_index", "ladder", "working_days"):
            conn.execute(text(f"ALTER TABLE human_task DROP COLUMN {column}"))
        conn.execute(text("ALTER TABLE role DROP COLUMN heads_unit"))
        conn.execute(text("INSERT INTO role (code, name, receives_unroutable) VALUES ('x', '某角色', 0)"))

    create_schema(db_engine)

    columns = {c["name"] for c in inspect(db_engine).get_columns("human_task")}
    assert {"follow_up_at", "next_rung_at", "next_rung_index", "ladder", "working_days"} <= columns
    assert "ix_task_next_rung" in {i["name"] for i in inspect(db_engine).get_indexes("human_task")}
    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT heads_unit FROM role WHERE code = 'x'")).scalar() == 0
    db_engine.dispose()
