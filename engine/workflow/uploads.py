"""Where evidence files are kept: one folder per assembled engine, one sub-folder per cycle."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from engine.parts import part

_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


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
        path = folder / f"{digest[:16]}-{_UNSAFE.sub('_', filename)[-100:]}"
        if path.exists():
            return path, digest, False
        path.write_bytes(data)
        return path, digest, True


def upload_store(session: Session) -> UploadStore:
    """The upload store of the session's engine."""
    found: UploadStore = part(session, "uploads")
    return found
