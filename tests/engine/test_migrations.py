"""The schema is Alembic's (engine/db/migrate.py): a database of the previous release upgrades in place and keeps
working, on SQLite and on PostgreSQL; the scripts build exactly what the models declare; later scripts run on an
upgraded database, SQLite's copy-the-table alterations included.

`fixtures/release-0.1.sql.gz` is a database made by Spiral 0.1 (the last release without migrations): see
`fixtures/README.md` for how it was made.
"""
from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, String, Table, func, inspect, select, text

from engine.assembly import build_engine, session_factory
from engine.audit import AuditEvent
from engine.db import migrate
from engine.db.migrate import current, head
from engine.db.session import make_engine
from engine.definitions.specs import form_registry
from engine.demo.school import deploy_shipped, seed_org
from engine.org.people import find_person
from engine.supervision.notices import NoticeFilter, list_notices
from engine.tables import create_schema
from engine.tables import drop_schema as drop_all
from engine.tables import metadata as all_metadata
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0

FIXTURES = Path(__file__).parent / "fixtures"
RELEASE_0_1 = FIXTURES / "release-0.1.sql.gz"
SEEDED_AT = datetime(2025, 11, 24, 10)  # `spiral demo --now` of the fixture
POSTGRES_URL = os.environ.get("SPIRAL_TEST_POSTGRES_URL")


def load_release_0_1(path: Path) -> Engine:
    """A fresh SQLite file holding the 0.1 demo school, exactly as that release left it."""
    with sqlite3.connect(path) as raw:
        raw.executescript(gzip.decompress(RELEASE_0_1.read_bytes()).decode())
    raw.close()
    return make_engine(f"sqlite:///{path}")


def row_counts(db_engine: Engine) -> dict[str, int]:
    """The rows of each Spiral table the database has."""
    have = set(inspect(db_engine).get_table_names())
    with db_engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in all_metadata().tables.items() if name in have}


def upgrade(engine: Engine, to: str = "head") -> None:
    """Migrate with every room's tables (what create_schema does), optionally only to an earlier revision."""
    migrate.upgrade(engine, all_metadata(), to=to)


def downgrade(engine: Engine, to: str) -> None:
    """Migrate back to an earlier revision (the scripts' downgrades)."""
    migrate.downgrade(engine, all_metadata(), to)


# Tables a migration fills with every school's defaults (the seven 中职 diagnosis items, 0004).
SEEDED_BY_MIGRATIONS = {"diagnosis_item"}


def same_rows(db_engine: Engine, before: dict[str, int]) -> bool:
    """The tables counted `before` hold as many rows as then, and every table added since is empty (but for the
    defaults a migration writes)."""
    after = row_counts(db_engine)
    return {n: c for n, c in after.items() if n in before} == before and not any(
        c for n, c in after.items() if n not in before and n not in SEEDED_BY_MIGRATIONS)


def sessions(db_engine: Engine):  # type: ignore[no-untyped-def]
    """Sessions of an engine assembled for the test (its uploads in a temporary folder)."""
    import tempfile
    return session_factory(db_engine, build_engine(upload_dir=Path(tempfile.mkdtemp()) / "uploads"))


def schema_differences(db_engine: Engine) -> list[object]:
    """What autogenerate would write if the models were compared with this database (`alembic check`)."""
    with db_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, all_metadata()))


def assert_it_goes_on(db_engine: Engine, now: datetime) -> None:
    """An open task is completed as its assignee; the cycle moves on; the supervisors' notices are listed."""
    with sessions(db_engine)() as session:
        task = session.scalars(select(HumanTask).where(HumanTask.status == "open", HumanTask.assignee_id.is_not(None))
                               .order_by(HumanTask.id)).first()
        assert task is not None
        instance_id, version = task.instance_id, task.instance.version
        form = form_registry(session).get(task.form_id)
        complete_task(session, task.assignee, task.id, sample_answers(form, {"decision": "approve"}), now,
                      uploads=sample_uploads(form))
        done = session.get(HumanTask, task.id)
        assert done.status == "done" and done.completed_at == now
        assert session.get(ProcessInstance, instance_id).version > version
        assert session.scalars(select(AuditEvent).where(AuditEvent.task_id == task.id,
                                                        AuditEvent.action == "task.completed")).one()
        notices = list_notices(session, find_person(session, "zhouqiang"), NoticeFilter(status="all"), now)
        assert notices and all(n.number for n in notices)


def test_a_database_of_release_0_1_upgrades_in_place_and_its_cycles_go_on(tmp_path, upload_dir):
    db_engine = load_release_0_1(tmp_path / "spiral.sqlite")
    before = row_counts(db_engine)
    assert current(db_engine) is None and before["human_task"] and before["supervision_notice"]

    create_schema(db_engine)

    assert current(db_engine) == head()
    assert same_rows(db_engine, before)
    assert schema_differences(db_engine) == []
    assert_it_goes_on(db_engine, SEEDED_AT.replace(hour=15))
    create_schema(db_engine)  # again: nothing to do
    assert current(db_engine) == head()
    db_engine.dispose()


@pytest.mark.skipif(not POSTGRES_URL, reason="set SPIRAL_TEST_POSTGRES_URL to run against PostgreSQL")
def test_a_postgresql_database_of_release_0_1_upgrades_in_place_and_its_cycles_go_on(upload_dir):
    from engine.demo.school import seed_demo
    db_engine = make_engine(POSTGRES_URL)
    drop_all(db_engine)
    try:
        upgrade(db_engine)  # the demo seeded by today's models, then taken back to the 0.1 schema
        with sessions(db_engine)() as session:
            seed_demo(session, SEEDED_AT)
        downgrade(db_engine, migrate.BASELINE)
        with db_engine.begin() as conn:  # as 0.1 made it: no alembic_version
            conn.execute(text("DROP TABLE alembic_version"))
        before = row_counts(db_engine)
        assert current(db_engine) is None

        create_schema(db_engine)

        assert current(db_engine) == head()
        assert same_rows(db_engine, before)
        assert schema_differences(db_engine) == []
        assert_it_goes_on(db_engine, SEEDED_AT.replace(hour=15))
    finally:
        drop_all(db_engine)
        db_engine.dispose()


@pytest.mark.skipif(not POSTGRES_URL, reason="set SPIRAL_TEST_POSTGRES_URL to run against PostgreSQL")
def test_processes_that_start_together_on_postgresql_migrate_one_after_the_other():
    """Web processes of a school start at once: one migrates, the others wait for it and find nothing to do."""
    db_engine = make_engine(POSTGRES_URL)
    drop_all(db_engine)
    at = str(time.time() + 4)  # the moment every child has imported Spiral and upgrades
    code = ("import sys, time; from engine import create_schema; from engine.db import make_engine; "
            "time.sleep(max(0, float(sys.argv[2]) - time.time())); create_schema(make_engine(sys.argv[1]))")
    try:
        children = [subprocess.Popen([sys.executable, "-c", code, POSTGRES_URL, at], stderr=subprocess.PIPE,
                                     text=True) for _ in range(3)]
        outcomes = [(child.communicate(timeout=120)[1], child.returncode) for child in children]
        assert outcomes == [("", 0)] * 3
        assert current(db_engine) == head()
    finally:
        drop_all(db_engine)
        db_engine.dispose()


def test_the_migrations_build_exactly_what_the_models_declare(tmp_path):
    db_engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite'}")
    create_schema(db_engine)

    assert current(db_engine) == head()
    assert schema_differences(db_engine) == []
    db_engine.dispose()


def test_the_baseline_is_the_schema_of_release_0_1(tmp_path):
    """Table by table, column by column, index by index: what the baseline builds is what 0.1 made."""
    old = load_release_0_1(tmp_path / "old.sqlite")
    new = make_engine(f"sqlite:///{tmp_path / 'new.sqlite'}")
    upgrade(new, to=migrate.BASELINE)
    assert _described(old) == _described(new)
    old.dispose()
    new.dispose()


def _described(db_engine: Engine) -> dict[str, object]:
    inspector = inspect(db_engine)
    tables = sorted(set(inspector.get_table_names()) - {"alembic_version"})
    return {name: ([(c["name"], str(c["type"]), c["nullable"], c["default"]) for c in inspector.get_columns(name)],
                   inspector.get_pk_constraint(name)["constrained_columns"],
                   sorted((f["constrained_columns"], f["referred_table"]) for f in inspector.get_foreign_keys(name)),
                   sorted(u["column_names"] for u in inspector.get_unique_constraints(name)),
                   sorted((i["name"], i["column_names"], bool(i["unique"])) for i in inspector.get_indexes(name)))
            for name in tables}


LATER = '''"""A later revision: a new table the models declare, and an altered `unit` (SQLite copies it).

Revision ID: NEXT
Revises: HEAD
"""
import sqlalchemy as sa
from alembic import op

revision = "NEXT"
down_revision = "HEAD"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("indicator_probe", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("code", sa.String(64), nullable=False))
    with op.batch_alter_table("unit") as batch_op:
        batch_op.add_column(sa.Column("short_name", sa.String(50), nullable=False, server_default=""))
        batch_op.alter_column("name", type_=sa.String(300), existing_type=sa.String(200), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("unit") as batch_op:
        batch_op.alter_column("name", type_=sa.String(200), existing_type=sa.String(300), existing_nullable=False)
        batch_op.drop_column("short_name")
    op.drop_table("indicator_probe")
'''


SHIPPED_HEAD = head()
NEXT = f"{int(SHIPPED_HEAD) + 1:04d}"  # the number the next script gets
LATER = LATER.replace("NEXT", NEXT).replace("HEAD", SHIPPED_HEAD)


def scripts_plus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: dict[str, str]) -> Path:
    """A copy of the shipped scripts plus `extra` (file name: source), used instead of them for the test."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name, source in extra.items():
        (folder / "versions" / name).write_text(source, encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS", folder)
    return folder


@pytest.fixture
def later_revision(tmp_path, monkeypatch):
    """The shipped scripts plus LATER, with its new table declared beside the models for the duration."""
    folder = scripts_plus(tmp_path, monkeypatch, {f"{NEXT}_later.py": LATER})
    metadata = all_metadata()
    probe = Table("indicator_probe", metadata, Column("id", Integer, primary_key=True),
                  Column("code", String(64), nullable=False))
    yield folder
    metadata.remove(probe)


def test_a_later_revision_runs_on_an_upgraded_release_0_1_database_keeping_every_reference(tmp_path, upload_dir,
                                                                                           later_revision):
    db_engine = load_release_0_1(tmp_path / "spiral.sqlite")
    before = row_counts(db_engine)

    create_schema(db_engine)  # the new table is the later revision's to create, not the legacy step's

    assert current(db_engine) == NEXT
    assert same_rows(db_engine, before) and "indicator_probe" in row_counts(db_engine)
    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM unit WHERE short_name = ''")).scalar() == before["unit"]
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1  # back on for the pool's next user
    assert_it_goes_on(db_engine, SEEDED_AT.replace(hour=15))  # tasks and notices still reach their units
    db_engine.dispose()


def test_a_sqlite_migration_that_breaks_a_reference_is_refused_and_rolled_back(tmp_path, monkeypatch):
    db_engine = load_release_0_1(tmp_path / "spiral.sqlite")
    create_schema(db_engine)
    scripts_plus(tmp_path, monkeypatch, {f"{NEXT}_dangling.py": LATER.replace(
        "def upgrade() -> None:", 'def upgrade() -> None:\n    op.execute("UPDATE person SET unit_id = 99999")\n    return')})

    with pytest.raises(RuntimeError, match="foreign keys point nowhere"):
        create_schema(db_engine)

    assert current(db_engine) == SHIPPED_HEAD
    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM person WHERE unit_id = 99999")).scalar() == 0
    db_engine.dispose()


def test_revision_writes_the_next_numbered_script_from_what_the_models_gained(tmp_path, monkeypatch):
    scripts_plus(tmp_path, monkeypatch, {})
    unchanged = Path(migrate.revision(all_metadata(), "nothing changed"))
    assert unchanged.name == f"{NEXT}_nothing_changed.py"
    assert "op." not in unchanged.read_text(encoding="utf-8")
    unchanged.unlink()
    metadata = all_metadata()
    probe = Table("indicator_probe", metadata, Column("id", Integer, primary_key=True),
                  Column("code", String(64), nullable=False, index=True))
    try:
        script = Path(migrate.revision(all_metadata(), "add indicator probe"))
        assert script.name == f"{NEXT}_add_indicator_probe.py"
        assert "op.create_table('indicator_probe'" in script.read_text(encoding="utf-8")
        db_engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite'}")
        create_schema(db_engine)
        assert current(db_engine) == NEXT
        assert schema_differences(db_engine) == []
        db_engine.dispose()
    finally:
        metadata.remove(probe)


def test_an_empty_database_is_built_from_nothing(tmp_path):
    db_engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert current(db_engine) is None
    create_schema(db_engine)
    with sessions(db_engine)() as session:
        seed_org(session)
        deploy_shipped(session, T0)
        instance = start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
        assert instance.id
    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cache_token")).scalar() == 1  # the org snapshot's token
    db_engine.dispose()
