"""Where evidence files are kept: one folder per assembled engine, one sub-folder per cycle."""
from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.parts import part
from engine.workflow.models import Evidence

_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")
PART = ".part-"  # a file being written; moved to its name only when complete
SWEEP_AGE_SECONDS = 3600  # files younger than this may belong to a completion still running
NAME_BYTES = 200  # a stored name (16-hex prefix + this) stays under the 255-byte limit of every file system
# types a browser would run as a page or script: served as plain bytes, whatever their extension says
_ACTIVE_TYPES = {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
                 "text/javascript", "application/javascript", "application/x-javascript", "text/css"}


def fit_bytes(name: str, limit: int = NAME_BYTES) -> str:
    """`name` shortened to at most `limit` UTF-8 bytes, its extension kept, never cutting a character."""
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode("utf-8")) > 16:
        stem, ext = name, ""
    room = limit - len(ext.encode("utf-8")) - (1 if ext else 0)
    kept = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return f"{kept}.{ext}" if ext else kept


def content_type_for(filename: str) -> str:
    """The type a stored file is served as: from its extension, never one a browser would run."""
    guessed, _ = mimetypes.guess_type(filename, strict=True)
    if not guessed or guessed in _ACTIVE_TYPES:
        return "application/octet-stream"
    return guessed


def shown_inline(content_type: str) -> bool:
    """True for the types a browser may show in the page (images and PDF); everything else is an attachment."""
    return content_type.startswith("image/") or content_type == "application/pdf"


@dataclass(frozen=True)
class UploadStore:
    """The upload folder and the size limit of one app."""

    root: Path
    max_mb: int = 20

    def write(self, instance_id: int, filename: str, data: bytes) -> tuple[Path, str, bool]:
        """Store `data` for a cycle; returns (path, sha256, whether this call wrote the file)."""
        digest = hashlib.sha256(data).hexdigest()
        folder = Path(self.root) / str(instance_id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{digest[:16]}-{fit_bytes(_UNSAFE.sub('_', filename))}"
        if path.exists():
            return path, digest, False
        part_path = folder / f"{PART}{uuid.uuid4().hex}"
        try:  # written under a temporary name and moved into place whole: a crash never leaves half a file
            part_path.write_bytes(data)  # under the name a later upload of the same file would take as stored
            os.replace(part_path, path)
        finally:
            part_path.unlink(missing_ok=True)
        return path, digest, True


def upload_store(session: Session) -> UploadStore:
    """The upload store of the session's engine."""
    found: UploadStore = part(session, "uploads")
    return found


def sweep_uploads(session: Session, older_than_seconds: float = SWEEP_AGE_SECONDS, dry_run: bool = False,
                  wall_now: float | None = None) -> list[Path]:
    """The files in the upload folder that no evidence row names (left by a crash mid-completion), older than
    `older_than_seconds` by the file system's clock; removed unless `dry_run`. Returns them, sorted."""
    root = Path(upload_store(session).root)
    if not root.is_dir():
        return []
    named = {PurePath(stored).parts[-2:] for stored in session.scalars(select(Evidence.stored_path))}
    cutoff = (time.time() if wall_now is None else wall_now) - older_than_seconds
    found = []
    for folder in root.iterdir():
        if not folder.is_dir() or not folder.name.isdigit():  # cycle folders only (restore keeps its own)
            continue
        for entry in folder.iterdir():
            if entry.is_file() and (folder.name, entry.name) not in named and entry.stat().st_mtime < cutoff:
                found.append(entry)
    if not dry_run:
        for entry in found:
            entry.unlink(missing_ok=True)
    return sorted(found)
