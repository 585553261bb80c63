"""`python -m bench [--size small|medium|large] [--only completion,history,http,province,import,quality,api,dashboard]`: print
every table."""
from __future__ import annotations

import argparse
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

from .common import SIZES, load_note

PARTS = ("completion", "history", "http", "province", "import", "quality", "api", "dashboard")


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks and print their tables (Markdown); also write them to --out."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=SIZES, default="small",
                        help="small (default, a few minutes), medium, large (the figures in bench/README.md)")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated subset of {', '.join(PARTS)}")
    parser.add_argument("--out", type=Path, help="also write the tables to this Markdown file")
    parser.add_argument("--keep", type=Path, help="work in this folder (kept) instead of a temporary one")
    parser.add_argument("--postgres", default=None,
                        help="PostgreSQL URL for the HTTP run (default: $SPIRAL_TEST_POSTGRES_URL when set)")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    header = (f"Spiral benchmarks — {date.today().isoformat()}, size {args.size}, Python "
              f"{platform.python_version()}, {platform.machine()}, {load_note()}")
    print(header, flush=True)
    out = [header]
    with tempfile.TemporaryDirectory(prefix="spiral-bench-") as tmp:
        folder = args.keep or Path(tmp)
        copies = SIZES[args.size]
        if "completion" in parts:
            from .completion import bench_completion
            out += bench_completion(folder, copies)
        if "history" in parts:
            from .completion import bench_history
            out += bench_history(folder, (10, 100, 300) if args.size == "small" else (10, 100, 1000))
        if "http" in parts:
            from .http_load import bench_http
            out += bench_http(folder, args.size, args.postgres)
        if "province" in parts:
            from .province import bench_province
            out += bench_province(folder, args.size)
        if "import" in parts:
            from .org_import import bench_import
            out += bench_import(folder / "import")
        if "quality" in parts:
            from .quality import bench_quality
            out += bench_quality(folder, args.size)
        if "api" in parts:
            from .api import bench_api
            out += bench_api(folder, args.size)
        if "dashboard" in parts:
            from .dashboard import bench_dashboard
            out += bench_dashboard(folder, args.size)
    if args.out:
        args.out.write_text("\n".join(out) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
