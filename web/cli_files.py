"""The files the report commands write (`--out FILE.docx`, `--out FILE.xlsx`): the suffix checked before any work,
an unwritable path said as one sentence."""
from __future__ import annotations

from pathlib import Path


def check_out(out: Path, suffix: str) -> None:
    """Refuse an output file that does not end with `suffix` (InvalidInput)."""
    from engine import InvalidInput

    if out.suffix.lower() != suffix:
        raise InvalidInput(f"输出文件应以 {suffix} 结尾：{out}")


def write_out(out: Path, content: bytes) -> None:
    """Write `content` to `out`; InvalidInput saying why it cannot."""
    from engine import InvalidInput

    try:
        out.write_bytes(content)
    except OSError as exc:
        raise InvalidInput(f"无法写入 {out}：{exc.strerror or exc}") from exc
