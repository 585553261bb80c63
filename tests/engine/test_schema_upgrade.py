"""A database made by a Spiral older than 0.1 (no migrations yet, and fewer columns) gains the columns and indexes
added since, keeping its rows, before it is stamped at the baseline and migrated (engine/db/migrate.py)."""
from __future__ import annotations

from sqlalchemy import inspect, select, text

from engine.assembly import build_engine, session_factory
from engine.db import migrate
from engine.db.migrate import current, head
from engine.db.session import make_engine
from engine.definitions.specs import form_registry
from engine.demo.school import deploy_shipped, seed_org
from engine.tables import create_schema, metadata
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers
from engine.workflow.tasks import complete_task
from tests.conftest import T0


def back_to_the_baseline(db_engine) -> None:  # type: ignore[no-untyped-def]
    """The scripts' downgrades, back to the schema of 0.1 (the starting point of a database older still)."""
    migrate.downgrade(db_engine, metadata(), migrate.BASELINE)


def test_an_older_database_gains_the_new_columns_with_their_defaults(tmp_path):
    db_engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    create_schema(db_engine)
    back_to_the_baseline(db_engine)
    with db_engine.begin() as conn:  # make it look like the previous release's tables
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("DROP INDEX ix_task_follow_up"))
        conn.execute(text("DROP INDEX ix_task_next_rung"))
        for column in ("follow_up_at", "next_rung_at", "next_rung_index", "ladder", "working_days"):
            conn.execute(text(f"ALTER TABLE human_task DROP COLUMN {column}"))
        conn.execute(text("ALTER TABLE role DROP COLUMN heads_unit"))
        conn.execute(text("INSERT INTO role (code, name, receives_unroutable) VALUES ('x', '某角色', 0)"))

    create_schema(db_engine)

    assert current(db_engine) == head()
    columns = {c["name"] for c in inspect(db_engine).get_columns("human_task")}
    assert {"follow_up_at", "next_rung_at", "next_rung_index", "ladder", "working_days"} <= columns
    assert "ix_task_next_rung" in {i["name"] for i in inspect(db_engine).get_indexes("human_task")}
    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT heads_unit FROM role WHERE code = 'x'")).scalar() == 0
    db_engine.dispose()


def test_an_older_database_gains_each_cycles_deadline_counts_counted_from_its_tasks(tmp_path, upload_dir):
    db_engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    create_schema(db_engine)
    session = session_factory(db_engine, build_engine(upload_dir=upload_dir))()
    seed_org(session)
    deploy_shipped(session, T0)
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    goal = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    complete_task(session, goal.assignee, goal.id, sample_answers(form_registry(session).get(goal.form_id)), T0)
    session.close()
    back_to_the_baseline(db_engine)
    with db_engine.begin() as conn:  # the previous release: no counts, the narrower index
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("DROP INDEX ix_instance_subject_period_due"))
        for column in ("due_tasks_open", "due_tasks_done", "due_tasks_on_time"):
            conn.execute(text(f"ALTER TABLE process_instance DROP COLUMN {column}"))

    create_schema(db_engine)

    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT due_tasks_open, due_tasks_done, due_tasks_on_time FROM process_instance"
                                 )).one() == (1, 1, 1)  # the review is open; the goal was done on time
    db_engine.dispose()
