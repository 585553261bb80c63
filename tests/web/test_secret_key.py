"""The instance's secret key is readable by its owner only."""
from __future__ import annotations

import stat


def test_the_secret_key_file_is_readable_by_its_owner_only(tmp_path, monkeypatch):
    from web import create_app
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SPIRAL_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    path = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert app.config["SECRET_KEY"] == path.read_text().strip()
    path.chmod(0o644)  # a key written by an older Spiral is narrowed on the next start
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
