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
DATA = {"processes": ["*.bpmn"], "engine": ["demo/*.xlsx", "demo/*.json", "reporting/outlines/*.json"], "forms": ["*.form", "templates/**/*.html"],
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


def test_an_install_whose_package_folder_is_read_only_compiles_the_catalogs_into_the_instance(tmp_path, monkeypatch):
    from babel.messages.pofile import read_po
    from flask_babel import gettext

    from web import create_app, i18n
    real = i18n._compile_into

    def read_only(folder):
        if folder == i18n.TRANSLATIONS:
            raise PermissionError(13, "Permission denied", str(folder))
        real(folder)

    monkeypatch.setattr(i18n, "_compile_into", read_only)
    instance = tmp_path / "instance"
    monkeypatch.setenv("SPIRAL_INSTANCE", str(instance))
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "FORMS_DIR": str(tmp_path / "forms")})

    assert app.config["BABEL_TRANSLATION_DIRECTORIES"] == str(instance / "translations")
    assert (instance / "translations" / "en" / "LC_MESSAGES" / "messages.mo").is_file()
    with (i18n.TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        english = read_po(po_file).get("我的待办").string
    with app.test_request_context("/?lang=en"):
        assert gettext("我的待办") == english != "我的待办"
    with app.app_context():
        from web.extensions import db
        db.engine.dispose()
