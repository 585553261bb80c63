"""The quality data at a school's size: importing 10,000 values of which 500 are warnings (each starting its
improvement), and the status of the whole school (every indicator × subject)."""
from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from engine.org.models import Subject
from engine.quality.centre import school_status, status_matrix
from engine.quality.library import IndicatorFields, save_indicator
from engine.quality.models import IndicatorValue
from engine.quality.sheets import import_values
from engine.workflow.models import ProcessInstance

from .common import PERIOD, T0, Timer, fresh_database, table

INDICATORS = 10
COPIES = {"small": 9, "medium": 42, "large": 42}  # × 12 demo courses: 108 or 504 course subjects
PERIODS = (PERIOD, "2025-2026-2")
WARNING_EVERY = 20  # one value in 20 below the standard: 500 of 10,000


def _workbook(codes: list[str], subjects: list[str], limit: int) -> tuple[bytes, int, int]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "指标值"
    sheet.append(["指标代码", "对象代码", "周期", "值", "采集日期", "来源"])
    rows = bad = 0
    for period in PERIODS:
        for subject in subjects:
            for code in codes:
                if rows == limit:
                    break
                warn = rows % WARNING_EVERY == 0
                bad += warn
                sheet.append([code, subject, period, 86.0 if warn else 92.0, date(2026, 1, 10), "教务科"])
                rows += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), rows, bad


def bench_quality(folder: Path, size: str) -> list[str]:
    """Item 5: import 10,000 values (500 warnings) and read the whole school's status."""
    db_engine, sessions = fresh_database(folder / "quality", COPIES[size])
    with sessions() as session:
        codes = [f"K-{n:02d}" for n in range(INDICATORS)]
        for code in codes:
            save_indicator(session, None, IndicatorFields(
                code=code, name=f"课程指标{code}", level="course", direction="higher", aim=95, standard=90,
                warning=85, measure_unit="%", responsible_role="课程负责人"), T0)
        session.commit()
        subjects = list(session.scalars(select(Subject.code).where(Subject.level == "course").order_by(Subject.id)))
    limit = 10_000 if size != "small" else 2_000
    data, rows, bad = _workbook(codes, subjects, limit)
    with sessions() as session:
        started = time.perf_counter()
        result = import_values(session, None, data, T0)
        session.commit()
        import_s = time.perf_counter() - started
    with sessions() as session:
        again = time.perf_counter()
        repeat = import_values(session, None, data, T0)
        session.commit()
        again_s = time.perf_counter() - again
        stored = session.scalar(select(func.count()).select_from(IndicatorValue))
        cycles = session.scalar(select(func.count()).select_from(ProcessInstance))
    counts, matrix = Timer(), Timer()
    for _ in range(20):
        with sessions() as session, counts:
            school_status(session)
        with sessions() as session, matrix:
            status_matrix(session)
    db_engine.dispose()
    return [table(f"Quality data: {rows:,} values ({bad} warnings) for {len(subjects)} courses × {INDICATORS} "
                  "indicators × 2 terms (SQLite)",
                  ["measure", "figure", "goal"],
                  [("import 指标值 (read, check, record, start each warning's improvement, commit)",
                    f"{import_s:.1f} s", "< 30 s at 10,000 / 500"),
                   ("improvements started", len(result.started), bad),
                   ("the same file again (records and starts nothing)",
                    f"{again_s:.1f} s, {len(repeat.values)} recorded", "0 recorded"),
                   ("values stored / cycles", f"{stored} / {cycles}", ""),
                   ("whole school's status counts (school_status) p95", f"{counts.pct(95):.1f} ms", "< 200 ms"),
                   ("every indicator × subject: latest value and status (status_matrix) p95", f"{matrix.pct(95):.1f} ms",
                    "< 200 ms")])]
