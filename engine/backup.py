"""Back up and restore a Spiral installation: the database and the uploaded evidence together, in one archive.

The archive is a .tar.gz holding
    manifest.json       {"format": "spiral-backup", "version": 1, "created", "database": "sqlite"|"postgresql",
                         "upload_dir", "uploads", "spiral"}
    database.sqlite     SQLite: a copy made with SQLite's online backup API (consistent while Spiral runs), or
    database.pgdump     PostgreSQL: a `pg_dump --format=custom` dump (restored with `pg_restore --clean`)
    uploads/...         every file under the upload folder (UPLOAD_DIR), as it is laid out there

The database is copied before the files: an evidence row is committed only after its file is written, so every
row in the copy finds its file. Restore checks the whole archive before it changes anything; then the SQLite
file is replaced by a checked copy moved into place, the uploads folder's content is swapped, the evidence rows
are pointed at the new upload folder and the schema is brought up to date (as `spiral init-db` does).
Stop `spiral run`, the web workers and `spiral scheduler` before restoring.

Plain Python plus SQLAlchemy: never imports flask (the CLI passes the database URL and the upload folder).
"""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from engine.errors import SpiralError

FORMAT = "spiral-backup"
VERSION = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_MEMBER = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
# Folders restore keeps inside the upload folder while it swaps the content (same file system, even when the
# upload folder is a mount point); a backup never includes them.
WORK_PREFIX = ".spiral-"
SPIRAL_TABLES = {"person", "unit", "process_instance", "human_task", "evidence"}


class BackupError(SpiralError):
    """The backup cannot be made, or the archive cannot be restored here; nothing was changed."""


def database_kind(database_url: str) -> str:
    """'sqlite' or 'postgresql' for a SQLAlchemy URL; other databases cannot be backed up."""
    backend = make_url(database_url).get_backend_name()
    if backend not in DATABASE_MEMBER:
        raise BackupError(f"不支持备份 {backend} 数据库，只支持 SQLite 和 PostgreSQL")
    return backend


# ---------------------------------------------------------------------------------------------------- backup

def backup(database_url: str, upload_dir: Path, target: Path, now: datetime | None = None) -> dict[str, Any]:
    """Write the database and every uploaded file to `target` (.tar.gz); returns the manifest plus `bytes`."""
    kind = database_kind(database_url)
    upload_dir, target = Path(upload_dir), Path(target)
    if _inside(target, upload_dir):
        raise BackupError(f"备份文件不能放在上传目录 {upload_dir} 里")
    if not target.parent.is_dir():
        raise BackupError(f"目录不存在：{target.parent}")
    with tempfile.TemporaryDirectory(prefix="spiral-backup-") as staging:
        dump = Path(staging) / DATABASE_MEMBER[kind]
        if kind == "sqlite":
            _sqlite_copy(_sqlite_path(database_url), dump)
        else:
            _pg_dump(database_url, dump)
        files = sorted(_upload_files(upload_dir))
        manifest = {"format": FORMAT, "version": VERSION,
                    "created": (now or datetime.now()).astimezone().isoformat(timespec="seconds"),
                    "database": kind, "upload_dir": str(upload_dir), "uploads": len(files),
                    "spiral": _spiral_version()}
        partial = _sibling(target, ".partial")
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(datetime.now().timestamp()), 0o644
                tar.addfile(info, io.BytesIO(body))
                tar.add(dump, arcname=dump.name, recursive=False)
                for path in files:
                    try:
                        tar.add(path, arcname=f"{UPLOADS}/{path.relative_to(upload_dir).as_posix()}",
                                recursive=False)
                    except FileNotFoundError:  # removed meanwhile (a failed upload cleaning up): not needed
                        continue
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return {**manifest, "bytes": target.stat().st_size}


def _upload_files(upload_dir: Path) -> Iterator[Path]:
    if not upload_dir.is_dir():
        return
    for entry in upload_dir.iterdir():
        if entry.name.startswith(WORK_PREFIX):
            continue
        if entry.is_file() and not entry.is_symlink():
            yield entry
        elif entry.is_dir() and not entry.is_symlink():
            yield from (p for p in entry.rglob("*") if p.is_file() and not p.is_symlink())


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("内存中的 SQLite 数据库无法备份或恢复")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"数据库文件不存在：{source}（请先运行 spiral init-db）")
    src = sqlite3.connect(source, timeout=30)
    dest = sqlite3.connect(target)
    try:
        src.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as exc:
        raise BackupError(f"无法备份 SQLite 数据库：{exc}") from exc
    finally:
        dest.close()
        src.close()


def _spiral_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("spiral")
    except PackageNotFoundError:
        return ""


# ---------------------------------------------------------------------------------------------------- restore

def inspect_backup(source: Path, database_url: str) -> dict[str, Any]:
    """The archive's manifest, once the whole archive is checked to be a Spiral backup this database can take;
    raises BackupError (one line, in Chinese) otherwise."""
    with _open_archive(Path(source)) as tar:
        manifest, _ = _checked(tar, Path(source), database_kind(database_url))
    return manifest


def restore(database_url: str, upload_dir: Path, source: Path) -> dict[str, Any]:
    """Replace the database and the upload folder's content with the archive's; returns the manifest.

    Everything is checked (and unpacked beside its destination) before anything is replaced; on a refusal
    the database and the uploads are as they were."""
    kind = database_kind(database_url)
    source, upload_dir = Path(source), Path(upload_dir)
    member = DATABASE_MEMBER[kind]
    staged: Path | None = None
    staged_db: Path | None = None
    try:
        with _open_archive(source) as tar:
            manifest, members = _checked(tar, source, kind)
            # Checked: from here on files are written, but only beside the database and inside the upload folder.
            upload_dir.mkdir(parents=True, exist_ok=True)
            staged = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}restore-", dir=upload_dir))
            if kind == "sqlite":
                live = _sqlite_path(database_url)
                live.parent.mkdir(parents=True, exist_ok=True)
                staged_db = _sibling(live, ".restore")
                _unpack(tar, members[member], staged_db)
                _check_sqlite(staged_db)
                _repoint_evidence(f"sqlite:///{staged_db}", manifest.get("upload_dir"), upload_dir)
            else:
                _unpack(tar, members[member], staged / member)
                _pg("pg_restore", ["--list", str(staged / member)], database_url, with_database=False)
            (staged / UPLOADS).mkdir()
            for name, info in members.items():
                if name.startswith(f"{UPLOADS}/") and info.isfile():
                    _unpack(tar, info, staged / UPLOADS / PurePosixPath(name).relative_to(UPLOADS))
        if staged_db is not None:
            _replace_sqlite(staged_db, _sqlite_path(database_url))
            staged_db = None
        else:
            _pg("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                               "--exit-on-error", str(staged / member)], database_url)
            _repoint_evidence(database_url, manifest.get("upload_dir"), upload_dir)
        _swap_content(upload_dir, staged / UPLOADS)
    finally:
        if staged is not None:
            shutil.rmtree(staged, ignore_errors=True)
        if staged_db is not None:
            staged_db.unlink(missing_ok=True)
    _upgrade_schema(database_url)
    return manifest


def _open_archive(source: Path) -> tarfile.TarFile:
    if not source.is_file():
        raise BackupError(f"找不到备份文件：{source}")
    try:
        return tarfile.open(source, "r:*")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{source.name} 不是 Spiral 备份文件（无法作为 .tar.gz 读取）") from exc


def _checked(tar: tarfile.TarFile, source: Path, kind: str) -> tuple[dict[str, Any], dict[str, tarfile.TarInfo]]:
    """The manifest and the members by name, after every check a restore relies on."""
    not_ours = f"{source.name} 不是 Spiral 备份文件"
    try:
        members = {m.name: m for m in tar.getmembers()}
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{not_ours}（文件已损坏或不完整）") from exc
    info = members.get(MANIFEST)
    if info is None or not info.isfile() or info.size > 1024 * 1024:
        raise BackupError(f"{not_ours}（缺少 {MANIFEST}）")
    try:
        manifest = json.loads(tar.extractfile(info).read())  # type: ignore[union-attr]
    except (ValueError, tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{not_ours}（{MANIFEST} 无法读取）") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{not_ours}（{MANIFEST} 不是 Spiral 的备份说明）")
    version = manifest.get("version")
    if not isinstance(version, int) or version < 1:
        raise BackupError(f"{not_ours}（备份格式版本无效：{version!r}）")
    if version > VERSION:
        raise BackupError(f"备份格式版本 {version} 比本程序支持的版本 {VERSION} 新，请先升级 Spiral 再恢复")
    if manifest.get("database") != kind:
        raise BackupError(f"备份里是 {manifest.get('database')} 数据库，当前数据库是 {kind}，不能恢复到不同类型的数据库")
    wanted = DATABASE_MEMBER[kind]
    if wanted not in members or not members[wanted].isfile():
        raise BackupError(f"备份文件不完整：缺少数据库文件 {wanted}")
    for name, member in members.items():
        if name in (MANIFEST, wanted):
            continue
        path = PurePosixPath(name)
        safe = (not path.is_absolute() and ".." not in path.parts and "\\" not in name and path.parts
                and path.parts[0] == UPLOADS and (member.isfile() or member.isdir()))
        if not safe:
            raise BackupError(f"备份文件含有不允许的条目：{name}")
    return manifest, members


def _unpack(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    stream = tar.extractfile(member)
    if stream is None:
        raise BackupError(f"备份文件含有无法读取的条目：{member.name}")
    try:
        with stream, target.open("wb") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(f"备份文件已损坏：{member.name} 无法读出") from exc


def _check_sqlite(path: Path) -> None:
    try:
        conn = sqlite3.connect(path)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"备份中的数据库文件已损坏：{exc}") from exc
    if not ok or ok[0] != "ok":
        raise BackupError(f"备份中的数据库文件已损坏：{ok[0] if ok else '无法检查'}")
    if not SPIRAL_TABLES <= tables:
        raise BackupError("备份中的数据库不是 Spiral 数据库")


def _replace_sqlite(staged: Path, live: Path) -> None:
    """Move the checked copy over the live file, once no other connection holds it (its WAL would be
    replayed into the new file)."""
    if live.exists():
        conn = sqlite3.connect(live, timeout=30)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError:
            pass  # an unreadable database is simply replaced
        finally:
            conn.close()  # the last connection to close removes the -wal and -shm files
        if Path(f"{live}-wal").exists():
            raise BackupError("数据库正被其他进程使用（spiral run、Web 服务或 spiral scheduler），请先停止它们再恢复")
    if live.exists():
        os.chmod(staged, live.stat().st_mode & 0o777)
    else:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staged, 0o666 & ~umask)
    os.replace(staged, live)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)


def _swap_content(upload_dir: Path, new: Path) -> None:
    """Make the upload folder hold exactly `new`'s entries (renames inside one file system)."""
    old = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}replaced-", dir=upload_dir))
    try:
        for entry in list(upload_dir.iterdir()):
            if not entry.name.startswith(WORK_PREFIX):
                os.replace(entry, old / entry.name)
        for entry in list(new.iterdir()):
            os.replace(entry, upload_dir / entry.name)
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _repoint_evidence(database_url: str, old_dir: str | None, new_dir: Path) -> None:
    """Evidence rows keep their file's full path: point them into this installation's upload folder."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            rows = conn.execute(text("SELECT id, stored_path FROM evidence")).all()
            for row_id, stored in rows:
                moved = str(new_dir / _relative(stored, old_dir))
                if moved != stored:
                    conn.execute(text("UPDATE evidence SET stored_path = :p WHERE id = :i"), {"p": moved, "i": row_id})
    finally:
        engine.dispose()


def _relative(stored: str, old_dir: str | None) -> PurePath:
    """A stored path relative to the upload folder it was written in (<cycle id>/<file> when unknown)."""
    path = PurePath(stored)
    if old_dir:
        try:
            return path.relative_to(old_dir)
        except ValueError:
            pass
    return PurePath(*path.parts[-2:])


def _upgrade_schema(database_url: str) -> None:
    """Bring an older backup's schema up to date and stamp a new org snapshot token (as `spiral init-db`)."""
    from engine.db.session import make_engine
    from engine.tables import create_schema
    engine = make_engine(database_url)
    try:
        create_schema(engine)
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------------- helpers

def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _sibling(path: Path, suffix: str) -> Path:
    """A new, empty temporary file beside `path` (same folder, so it can be moved over it)."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}{suffix}-", dir=path.parent)
    os.close(handle)
    return Path(name)


def _pg_dump(database_url: str, target: Path) -> None:
    _pg("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", str(target)], database_url)


def _pg(program: str, args: list[str], database_url: str, with_database: bool = True) -> None:
    """Run a PostgreSQL client program on the database (password through the environment, not argv)."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"找不到 {program}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）")
    env = dict(os.environ)
    command = [executable, *args]
    if with_database:
        url = make_url(database_url)
        if url.password:
            env["PGPASSWORD"] = str(url.password)
        plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                           database=url.database, query=url.query)  # libpq's URI: no driver, no password
        conninfo = plain.render_as_string(hide_password=False)
        command += ["--dbname", conninfo]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        detail = next((line for line in lines if "error" in line.lower()), lines[0] if lines else "")
        raise BackupError(f"{program} 失败：{detail.strip() or f'退出码 {result.returncode}'}")
