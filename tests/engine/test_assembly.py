"""The engine is assembled in one place and passed in: two assemblies in one process share nothing, and the
SpiffWorkflow patches are applied by the assembly."""
from __future__ import annotations

import sys
from datetime import datetime

import SpiffWorkflow.bpmn.specs.event_definitions.timer as spiff_timer
from SpiffWorkflow.util.task import TaskIterator

from engine.assembly import build_engine
from engine.parts import NotAssembled, engine_of, part
from engine.workflow.runtime import engine_time


def test_two_assemblies_keep_their_own_parts(tmp_path):
    first, second = build_engine(upload_dir=tmp_path / "a"), build_engine(upload_dir=tmp_path / "b")
    assert first.uploads.root != second.uploads.root
    assert first.runtime is not second.runtime and first.specs is not second.specs and first.bus is not second.bus
    path, _digest, written = first.uploads.write(7, "教案.pdf", b"%PDF-1.4")
    assert written and path.is_relative_to(tmp_path / "a") and not (tmp_path / "b").exists()


def test_a_session_without_an_engine_is_refused_with_a_reason(session):
    assert engine_of(session).uploads.root.name == "uploads"
    bare = type(session)(bind=session.get_bind())
    try:
        part(bare, "runtime")
    except NotAssembled as exc:
        assert "session_factory" in str(exc)
    else:
        raise AssertionError("a bare session reached an engine part")


def test_the_assembly_makes_spiffs_timers_follow_spirals_clock_and_walk_the_whole_tree():
    build_engine()
    with engine_time(datetime(2030, 1, 2, 3, 4)):
        assert spiff_timer.datetime.now() == datetime(2030, 1, 2, 3, 4)
    assert sys.maxsize in (TaskIterator.__init__.__defaults__ or ())


def test_a_saved_state_carries_its_serializer_version_and_older_ones_are_migrated(session, monkeypatch):
    from engine.definitions.specs import loaded_for
    from engine.errors import SpiralError
    from engine.workflow import runtime as runtime_module
    from engine.workflow.cycles import start_cycle
    from engine.workflow.runtime import STATE_KEY, runtime_of
    from tests.conftest import T0
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    runtime, loaded = runtime_of(session), loaded_for(session, instance.definition)
    assert instance.state[STATE_KEY] == runtime.serializer.VERSION
    seen = []
    monkeypatch.setitem(runtime_module.MIGRATIONS, "0.9", lambda dct: seen.append(sorted(dct)))
    older = {**instance.state, STATE_KEY: "0.9"}
    workflow = runtime.load(loaded, older)
    assert seen and "spec" in seen[0] and len(runtime.ready_user_tasks(workflow)) == 1
    try:
        runtime.load(loaded, {**instance.state, STATE_KEY: "99.0"})
    except SpiralError as exc:
        assert "升级" in exc.message
    else:
        raise AssertionError("a state from a newer serializer was loaded")
