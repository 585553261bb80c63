"""A plain `pip install .` ships what Spiral reads at run time: the processes, the forms, the pages' files.

setuptools' build_py is the step of building a wheel that copies packages and their package data; it runs in
well under a second and needs nothing beyond setuptools, so the test builds into a temporary folder and looks.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import processes

ROOT = Path(__file__).resolve().parents[1]
# What the installed app opens from its own package folders (code is shipped anyway).
DATA = {"processes": ["*.bpmn"], "forms": ["*.form", "templates/**/*.html"],
        "web": ["templates/**/*.html", "static/**/*.*", "translations/*/LC_MESSAGES/*.po"]}


def _built(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    result = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q",
         "egg_info", "--egg-base", str(tmp_path), "build_py", "--build-lib", str(lib)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return lib


def _data_files(base: Path) -> set[str]:
    found = set()
    for package, patterns in DATA.items():
        for pattern in patterns:
            found |= {p.relative_to(base).as_posix() for p in (base / package).glob(pattern) if p.is_file()}
        # forms may be filed by level (forms/library/<level>/<id>.form): every .form at any depth counts
        found |= {p.relative_to(base).as_posix() for p in (base / package).rglob("*.form")}
    return found


def test_the_processes_helper_finds_the_shipped_bpmn_files():
    names = {p.name for p in processes.files()}
    assert {"school.bpmn", "major.bpmn", "course.bpmn", "teacher.bpmn", "student.bpmn", "improvement.bpmn"} <= names
    assert processes.path("course") == processes.PROCESSES_DIR / "course.bpmn"
    assert processes.path("course").is_file()


def test_a_built_package_holds_every_process_form_and_page_file(tmp_path):
    wanted = _data_files(ROOT)
    assert any(name.endswith(".bpmn") for name in wanted) and any(name.endswith(".form") for name in wanted)

    shipped = _data_files(_built(tmp_path))

    assert sorted(wanted - shipped) == []
    assert (tmp_path / "lib" / "processes" / "__init__.py").is_file()
