"""Find form definitions (<id>.form) in one or more directories (the shipped library keeps one sub-folder per
level) and keep the parsed ones."""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from pathlib import Path

from .definition import FormDef, parse_definition
from .errors import FormDefinitionError, FormNotFound

SUFFIX = ".form"
MAX_BYTES = 2 * 1024 * 1024
# Ids become file names: no separators, no leading dot, so a request can never leave the directory.
ID_RE = re.compile(r"^[A-Za-z0-9_\u4e00-\u9fff][A-Za-z0-9_.\-\u4e00-\u9fff]*$")


class FormRegistry:
    """The form definitions of some directories, parsed on first use and re-read when the file changes.

    The first directory wins when an id exists twice: forms designed in the studio live there (instance/forms)
    and may override the shipped ones, which the later directories hold.
    """

    def __init__(self, directory: str | Path, *fallbacks: str | Path) -> None:
        self.directory = Path(directory)
        self.directories = (self.directory, *(Path(d) for d in fallbacks))
        self._cache: dict[Path, tuple[tuple[int, int, int], FormDef]] = {}
        self._found: dict[str, tuple[Path, int]] = {}  # id → (its file, which directory), checked at each use
        self._shelf_list: list[Path] | None = None
        self._lock = threading.Lock()

    def get(self, form_id: str) -> FormDef:
        """The form with this id (file stem, else JSON "id"); raises FormNotFound, FormDefinitionError."""
        path = self._path(form_id)
        if path is None:
            path = self._path_by_json_id(form_id)
        if path is None:
            raise FormNotFound(form_id, str(self.directory))
        return self._load(path)

    def exists(self, form_id: str) -> bool:
        """True if a definition file for this id exists (it is not parsed)."""
        return self._path(form_id) is not None or self._path_by_json_id(form_id) is not None

    def ids(self) -> list[str]:
        """Ids of all definitions in every directory, sorted."""
        found: set[str] = set()
        for directory in self.directories:
            if directory.is_dir():
                found.update(p.stem for folder in (directory, *self._shelves(directory))
                             for p in folder.glob(f"*{SUFFIX}") if p.is_file() and ID_RE.match(p.stem))
        return sorted(found)

    def source(self, form_id: str) -> Path | None:
        """The file the id is read from (None if there is none)."""
        return self._path(form_id)

    def is_designed(self, form_id: str) -> bool:
        """True if the form is read from the first (writable) directory, where the studio saves."""
        path = self._path(form_id)
        return path is not None and path.parent == self.directory

    def write(self, form_id: str, text: str) -> Path:
        """Store a definition in the first directory, atomically; the caller has checked id and content."""
        if not ID_RE.match(form_id):
            raise FormDefinitionError(form_id, "not a valid form id")
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{form_id}{SUFFIX}"
        handle, temp = tempfile.mkstemp(dir=self.directory, prefix=".saving-", suffix=SUFFIX)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, target)
        return target

    def load_text(self, text: str | bytes, source: str = "<text>") -> FormDef:
        """Parse a definition that is not on disk (an upload, a studio draft); raises FormDefinitionError."""
        raw = _decode(text, source)
        form_id = str(raw.get("id") or "") if isinstance(raw, dict) else ""
        return parse_definition(raw, source, form_id or Path(source).stem.strip("<>") or "form")

    def _path(self, form_id: str) -> Path | None:
        if not isinstance(form_id, str) or not ID_RE.match(form_id):
            return None
        found = self._found.get(form_id)
        if found is not None:  # still there, and no earlier directory has gained one (a studio save)
            path, index = found
            if path.is_file() and not any(self._in(directory, form_id) for directory in self.directories[:index]):
                return path
        for index, directory in enumerate(self.directories):
            hit = self._in(directory, form_id)
            if hit is not None:
                self._found[form_id] = (hit, index)
                return hit
        return None

    def _in(self, directory: Path, form_id: str) -> Path | None:
        for folder in (directory, *self._shelves(directory)):
            path = folder / f"{form_id}{SUFFIX}"
            if path.is_file():
                return path
        return None

    def _shelves(self, directory: Path) -> list[Path]:
        """The shipped library's sub-folders (one per level: library/course/…), listed once: the package does not
        change under a running process; other directories are flat."""
        if directory != LIBRARY:
            return []
        if self._shelf_list is None:
            self._shelf_list = sorted(p for p in directory.iterdir()
                                      if p.is_dir() and not p.name.startswith((".", "_")))
        return self._shelf_list

    def _path_by_json_id(self, form_id: str) -> Path | None:
        # Camunda's formRef names the JSON "id", which need not match the file name.
        for stem in self.ids():
            path = self._path(stem)
            try:
                form = self._load(path) if path else None
            except FormDefinitionError:
                continue
            if form is not None and form.raw.get("id") == form_id:
                return path
        return None

    def _load(self, path: Path) -> FormDef:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        cached = self._cache.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
        if stat.st_size > MAX_BYTES:
            raise FormDefinitionError(str(path), f"file is larger than {MAX_BYTES // 1024} KB")
        form = parse_definition(_decode(path.read_bytes(), str(path)), str(path), path.stem)
        with self._lock:
            self._cache[path] = (stamp, form)
        return form


def _decode(text: str | bytes, source: str) -> object:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormDefinitionError(source, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormDefinitionError(
            source, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc


LIBRARY = Path(__file__).parent / "library"  # the shipped forms, one folder per level: library/<level>/<id>.form
_default: FormRegistry | None = None


def default_registry() -> FormRegistry:
    """The registry over the shipped library (forms/library/<level>/*.form)."""
    global _default
    if _default is None:
        _default = FormRegistry(LIBRARY)
    return _default
