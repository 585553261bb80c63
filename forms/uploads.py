"""Check an uploaded file against its filepicker's `accept` list and size limit before it is stored."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from .definition import FormDef
from .i18n import message


def check_upload(
    form: FormDef, key: str, filename: str, size: int, content_type: str,
    default_max_mb: int = 20, locale: str = "zh_CN",
) -> str | None:
    """The reason (in the user's language) this file may not go into field `key`, or None if it may."""
    comp = form.field(key)
    if comp is None or comp.type != "filepicker":
        return message(locale, "no_upload")
    if not filename or size <= 0:
        return message(locale, "file_empty")
    if comp.accept and not accepts(comp.accept, filename, content_type):
        return message(locale, "file_type", accept=comp.accept)
    max_mb = comp.max_size_mb if comp.max_size_mb is not None else default_max_mb
    if size > max_mb * 1024 * 1024:
        return message(locale, "file_size", max=max_mb)
    return None


def accepts(accept: str, filename: str, content_type: str = "") -> bool:
    """True if the file matches an HTML `accept` list (".pdf", "application/pdf", "image/*")."""
    entries = [e.strip().lower() for e in accept.split(",") if e.strip()]
    ext = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if ext and ext in entries:
        return True
    # The browser's content type is the client's claim; judge by the extension when it names a known type.
    guessed = mimetypes.guess_type("f" + ext)[0] if ext else None
    mime = (guessed or content_type or "").split(";")[0].strip().lower()
    if not mime:
        return False
    for entry in entries:
        if entry == mime:
            return True
        # "image/*" admits photos, not SVG: an SVG is a document that can carry script.
        if entry.endswith("/*") and mime.startswith(entry[:-1]) and mime != "image/svg+xml":
            return True
    return False
