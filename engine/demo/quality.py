"""The demo school's indicator library (DOMAIN.md's table and more, for all five levels) and values for its
subjects: 网店运营's 82 % pass rate arrives as a value, and its improvement starts through the small loop."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from engine.calendar.school_year import period_at
from engine.quality.library import IndicatorFields, save_indicator
from engine.quality.values import ValueInput, record_values

# 代码, 名称, 层面, 诊断项目, 单位, 方向, 目标值, 标准值, 预警值, 数据来源 (a unit), 采集频次, 责任角色
LIBRARY = (
    ("X-SSB", "生师比", "school", "教师队伍与建设", "", "lower", 18, 20, 23, "人事科", "year", "质量办主任"),
    ("X-JYL", "毕业生就业率", "school", "质量监控与成效", "%", "higher", 98, 95, 92, "招生就业办", "year", "质量办主任"),
    ("X-YQSB", "生均仪器设备值", "school", "专业设置与条件", "元", "higher", 3000, 2500, 2200, "财务科", "year",
     "质量办主任"),
    ("Z-SSX", "“双师型”教师占比", "major", "教师队伍与建设", "%", "higher", 60, 50, 40, "人事科", "year", "专业带头人"),
    ("Z-SJXS", "实践教学学时占比", "major", "课程体系与改革", "%", "higher", 55, 50, 45, "教务科", "year", "专业带头人"),
    ("Z-DKJY", "对口就业率", "major", "质量监控与成效", "%", "higher", 85, 75, 65, "招生就业办", "year", "专业带头人"),
    ("K-HGL", "课程合格率", "course", "课堂教学与实践", "%", "higher", 95, 90, 85, "教务科", "term", "课程负责人"),
    ("K-PJ", "学生评教", "course", "课堂教学与实践", "分", "higher", 90, 85, 80, "督导室", "term", "课程负责人"),
    ("J-PXXS", "年度培训学时", "teacher", "教师队伍与建设", "学时", "higher", 90, 72, 60, "人事科", "year", "任课教师"),
    ("J-DDPJ", "督导评价", "teacher", "课堂教学与实践", "分", "higher", 90, 80, 75, "督导室", "year", "任课教师"),
    ("S-CQL", "出勤率", "student", "学校管理与制度", "%", "higher", 98, 95, 90, "学生科", "term", "班主任"),
    ("S-BJG", "学期不及格门数", "student", "质量监控与成效", "门", "lower", 0, 1, 3, "教务科", "term", "班主任"),
)
# 指标代码, 对象代码, year or term, 值, 来源 — all at 达标 or better but 网店运营's pass rate.
VALUES = (
    ("X-SSB", "SCH", "year", 19.2, "人事科"), ("X-JYL", "SCH", "year", 96.5, "招生就业办"),
    ("X-YQSB", "SCH", "year", 2650, "财务科"),
    ("Z-SSX", "MAJ-710201", "year", 56, "人事科"), ("Z-SJXS", "MAJ-710201", "year", 52, "教务科"),
    ("Z-DKJY", "MAJ-710201", "year", 81, "招生就业办"),
    ("K-HGL", "C-PY", "term", 93, "教务科"), ("K-PJ", "C-PY", "term", 88.5, "督导室"),
    ("K-HGL", "C-ZBDS", "term", 91, "教务科"), ("K-PJ", "C-WDYY", "term", 86, "督导室"),
    ("J-PXXS", "T-lijun", "year", 80, "人事科"), ("J-DDPJ", "T-lijun", "year", 86, "督导室"),
    ("S-CQL", "S-liuxin", "term", 97, "学生科"), ("S-BJG", "S-liuxin", "term", 0, "教务科"),
)
RED_VALUE = ("K-HGL", "C-WDYY", "term", 82, "教务科（期末成绩统计）")
# The school's figures of the two school years before: what the 质量年报's annex tables set beside this year's.
EARLIER = (("X-SSB", 19.6, 19.9), ("X-JYL", 95.8, 95.2), ("X-YQSB", 2580, 2520))


def seed_quality(session: Session, now: datetime) -> None:
    """The library, the values a day ago, and 网店运营's red pass rate, whose improvement starts by itself."""
    for code, name, level, item, unit, direction, aim, standard, warning, source, frequency, role in LIBRARY:
        save_indicator(session, None, IndicatorFields(
            code=code, name=name, level=level, item=item, measure_unit=unit, direction=direction, aim=aim,
            standard=standard, warning=warning, source_unit=source,
            frequency=frequency, responsible_role=role), now - timedelta(days=60))
    year, term = period_at(session, now.date())
    when = now - timedelta(days=1)
    rows = [ValueInput(code, subject, year if span == "year" else term, value, when.date(), source)
            for code, subject, span, value, source in (*VALUES, RED_VALUE)]
    start = int(year[:4])
    rows += [ValueInput(code, "SCH", f"{start - back}-{start - back + 1}", value, date(start - back + 1, 7, 10),
                        "统计年报") for code, *values in EARLIER for back, value in enumerate(values, 1)]
    record_values(session, None, rows, when, origin="import")
    session.commit()
