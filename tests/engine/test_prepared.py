"""A prepared statement writes and reads values exactly as SQLAlchemy's Core does, in the session's transaction,
on SQLite and (when one is available) PostgreSQL (engine/db/prepared.py)."""
from __future__ import annotations

import os
from datetime import datetime

import pytest
from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, MetaData, String, Table, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.db.prepared import Prepared
from engine.db.session import make_engine

PG = os.environ.get("SPIRAL_TEST_POSTGRES_URL")
meta = MetaData()
probe = Table("prepared_probe", meta, Column("id", Integer, primary_key=True), Column("name", String(20), unique=True),
              Column("at", DateTime), Column("data", JSON), Column("done", Boolean), Column("kind", String(10),
                                                                                          default="plain"))
WRITE = Prepared(insert(probe).returning(probe.c.id), by_columns=True)
READ = Prepared(select(probe.c.id, probe.c.at, probe.c.data, probe.c.done, probe.c.kind).where(
    probe.c.name == bindparam("name"), probe.c.kind != "gone"))


@pytest.fixture(params=["sqlite", "postgresql"])
def session(request, tmp_path):
    if request.param == "postgresql" and not PG:
        pytest.skip("PostgreSQL is not installed here (or set SPIRAL_TEST_POSTGRES_URL)")
    engine = make_engine(PG if request.param == "postgresql" else f"sqlite:///{tmp_path / 'probe.sqlite'}")
    meta.drop_all(engine)
    meta.create_all(engine)
    with Session(engine) as session:
        yield session
    meta.drop_all(engine)
    engine.dispose()


def test_a_row_written_prepared_reads_back_through_core_with_its_types_and_defaults(session):
    at = datetime(2026, 12, 3, 9, 30, 15, 123000)
    new_id = WRITE.run(session, {"name": "甲", "at": at, "data": {"分数": [1, 2.5, "优"]}, "done": True}).scalar()
    session.commit()
    row = session.execute(select(probe).where(probe.c.id == new_id)).one()
    assert (row.name, row.at, row.data, row.done, row.kind) == ("甲", at, {"分数": [1, 2.5, "优"]}, True, "plain")


def test_a_row_written_by_core_reads_back_prepared_the_same(session):
    at = datetime(2026, 1, 2, 3, 4, 5)
    session.execute(insert(probe).values(name="乙", at=at, data={"a": None}, done=False))
    expected = session.execute(select(probe.c.id, probe.c.at, probe.c.data, probe.c.done, probe.c.kind)
                               .where(probe.c.name == "乙")).all()
    ran = READ.run(session, {"name": "乙"})
    assert ran.rows == [tuple(row) for row in expected] and ran.rows[0][1:4] == (at, {"a": None}, False)
    assert READ.run(session, {"name": "丙"}).rows == []


def test_it_runs_in_the_session_transaction_and_a_rollback_drops_it(session):
    WRITE.run(session, {"name": "丁", "at": None, "data": None, "done": None})
    assert READ.run(session, {"name": "丁"}).scalars()  # seen at once by the same transaction
    session.rollback()
    assert READ.run(session, {"name": "丁"}).rows == []


def test_a_driver_error_is_raised_as_sqlalchemys(session):
    WRITE.run(session, {"name": "戊"})
    with pytest.raises(IntegrityError):
        WRITE.run(session, {"name": "戊"})


def test_an_in_list_is_refused_when_first_run(session):
    with pytest.raises(ValueError, match="IN"):
        Prepared(select(probe.c.id).where(probe.c.name.in_(bindparam("names", expanding=True)))).run(
            session, {"names": ["甲"]})
