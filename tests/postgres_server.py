"""A private PostgreSQL for the suite when none is given: if SPIRAL_TEST_POSTGRES_URL is unset and the
PostgreSQL server programs are installed (Debian's postgresql package), `make test` starts a throwaway cluster
in a temporary folder (a Unix socket, trust login, no port exposed) and stops it at the end, so the tests that
guard PostgreSQL run on every machine that can run them, not only in CI."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ENV = "SPIRAL_TEST_POSTGRES_URL"


def _programs() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or ([shutil.which("initdb")]
                                                                     if shutil.which("initdb") else [])
    return Path(found[-1]).parent if found else None


def _as_server_user(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the postgres user then."""
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *args]
    return args


class PrivateServer:
    """initdb + pg_ctl start in a temporary folder; `url` once started."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="spiral-pg-"))
        self.data = self.folder / "data"
        self.url = ""

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        run = lambda *args: subprocess.run(_as_server_user([str(self.bin_dir / args[0]), *args[1:]]),  # noqa: E731
                                           check=True, capture_output=True, timeout=120)
        run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.folder}' -c fsync=off"
        run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-t", "60", "-l", str(self.folder / "log"), "start")
        run("createdb", "-h", str(self.folder), "-U", "postgres", "spiral_test")
        self.url = f"postgresql+psycopg://postgres@/spiral_test?host={self.folder}"
        return self.url

    def stop(self) -> None:
        subprocess.run(_as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"]),
                       capture_output=True, timeout=60)
        time.sleep(0.1)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_if_needed() -> PrivateServer | None:
    """Start a private server when the suite has no PostgreSQL URL and the programs exist; None otherwise."""
    if os.environ.get(ENV) or os.environ.get("SPIRAL_TEST_NO_POSTGRES"):
        return None
    bin_dir = _programs()
    if bin_dir is None:
        return None
    server = PrivateServer(bin_dir)
    try:
        os.environ[ENV] = server.start()
    except (OSError, subprocess.SubprocessError):
        server.stop()  # cannot start one here (no postgres user, a sandbox…): those tests skip as before
        return None
    return server


def per_worker(worker_id: str) -> None:
    """Give an xdist worker a database of its own on the same server (`<database>_<worker>`), so PostgreSQL
    tests in two workers never drop each other's tables."""
    url = os.environ.get(ENV)
    if not url:
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    base = make_url(url)
    name = f"{base.database}_{worker_id}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    os.environ[ENV] = base.set(database=name).render_as_string(hide_password=False)
