"""The school year on the command line: the calendar of a year (terms, holidays, make-up days, where the
official days come from) and the scheduled cycles with their next run."""
from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import with_appcontext

from .extensions import db


@click.command("calendar")
@click.option("--year", "year_text", required=True, help="A calendar year (2026) or a school year (2025-2026).")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def calendar_cmd(year_text: str, as_json: bool) -> None:
    """The year's terms, official holidays and 调休 make-up days, and whether the official days are known
    (library = the built-in calendar, entered = typed in by the quality office, unknown = counted Monday–Friday)."""
    from engine import CALENDAR_SOURCES, SpiralError, special_days, year_for, year_source
    try:
        span, first, last = year_for(db.session, year_text)
    except SpiralError as exc:
        raise click.ClickException(exc.message) from exc
    years = range(first.year, last.year + 1)
    sources = {str(y): year_source(db.session, y) for y in years}
    days = [d for y in years for d in special_days(db.session, y) if first <= d.day <= last]
    terms = [{"code": t.code, "starts_on": t.starts_on.isoformat(), "ends_on": t.ends_on.isoformat()}
             for t in (span.terms if span else ())]
    if as_json:
        click.echo(json.dumps({"year": year_text.strip(), "school_year": span.code if span else None,
                               "first": first.isoformat(), "last": last.isoformat(), "terms": terms,
                               "official": sources,
                               "days": [{"date": d.day.isoformat(), "kind": d.kind, "name": d.name,
                                         "source": d.source} for d in days]}, ensure_ascii=False, indent=2))
        return
    if span:
        click.echo(f"{span.code} 学年：{span.starts_on.isoformat()} 至 {span.ends_on.isoformat()}")
    else:
        click.echo(f"{year_text.strip()}：{first.isoformat()} 至 {last.isoformat()}（校历中没有这个学年）")
    for term in terms:
        click.echo(f"  {term['code']}  {term['starts_on']} 至 {term['ends_on']}")
    for year, source in sources.items():
        note = "，期限按周一至周五计算" if source == "unknown" else ""
        click.echo(f"{year} 年法定节假日：{CALENDAR_SOURCES[source]}{note}")
    for d in days:
        click.echo(f"  {d.day.isoformat()}  {'调休上班' if d.kind == 'workday' else '放假'}  {d.name}")


@click.command("schedules")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def schedules_cmd(as_json: bool) -> None:
    """Every scheduled cycle launch with its rule, state and next run."""
    from engine import describe_schedule, schedules
    rows: list[dict[str, Any]] = [{"id": s.id, "process_id": s.process_id, "level": s.level, "rule": s.rule,
             "working_days": s.working_days, "month_day": s.month_day, "description": describe_schedule(s),
             "active": s.active, "next_run_at": s.next_run_at.isoformat() if s.next_run_at else None,
             "last_period": s.last_period or None} for s in schedules(db.session)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("尚未设置定期启动")
    for row in rows:
        state = "已暂停" if not row["active"] else (f"下次 {row['next_run_at'][:10]}" if row["next_run_at"]
                                                  else "校历中没有下一次")
        click.echo(f"#{row['id']}  {row['process_id']}  {row['description']}  {state}"
                   + (f"  上次 {row['last_period']}" if row["last_period"] else ""))


COMMANDS = [calendar_cmd, schedules_cmd]
