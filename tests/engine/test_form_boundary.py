"""The forms package's own errors do not cross the engine boundary: a missing form is NotFound, a broken .form
file is InvalidProcess, each with the forms error kept as its cause."""
from __future__ import annotations

import pytest

from engine.assembly import build_engine, session_factory
from engine.db.session import make_engine
from engine.definitions.specs import get_form
from engine.errors import InvalidProcess, NotFound
from engine.tables import create_schema
from forms import FormDefinitionError, FormNotFound, FormRegistry


@pytest.fixture
def forms_session(tmp_path):
    """A session whose engine reads forms from a folder of the test's own (never the shipped forms)."""
    (tmp_path / "forms").mkdir()
    db_engine = make_engine(f"sqlite:///{tmp_path / 'forms.sqlite'}")
    create_schema(db_engine)
    engine = build_engine(upload_dir=tmp_path / "uploads", forms=FormRegistry(tmp_path / "forms"))
    session = session_factory(db_engine, engine)()
    yield session
    session.close()
    db_engine.dispose()


def test_a_missing_form_is_not_found(forms_session):
    with pytest.raises(NotFound, match="no_such_form") as info:
        get_form(forms_session, "no_such_form")

    assert isinstance(info.value.__cause__, FormNotFound)


def test_a_broken_form_file_is_an_invalid_process(forms_session, tmp_path):
    (tmp_path / "forms" / "broken_form.form").write_text("{ not json", encoding="utf-8")

    with pytest.raises(InvalidProcess) as info:
        get_form(forms_session, "broken_form")

    assert isinstance(info.value.__cause__, FormDefinitionError)
    (problem,) = info.value.problems
    assert "broken_form" in problem.message and problem.file
