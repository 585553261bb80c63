"""Every URL rule of the app, asked by every demo role: the answer each one gets is written down as data, in
access_matrix.txt beside this file, one line per rule and method. A rule the app serves that the table does
not name fails the suite, with the line to check and add.

Each role has an app of its own on a copy of the demo school (seeded once), signed in once: first every GET,
then every POST without a CSRF token (always refused, 400), then every POST with CSRF off and an empty form
(what the role may try without knowing a form's fields; /logout last). Variables in a rule are filled with
real ids of the demo school: an open task of 陈晓雨's, its cycle, an evidence file, a supervision notice…

Codes in the table: 200, 302 (a redirect: the sign-in page for the anonymous, or back after an action), 400,
403, 404, 405, 409, 422. Run `python -m tests.web.test_access_matrix` to print the table as the app answers
now (read every changed line before taking it).
"""
from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine.assembly import build_engine, session_factory
from engine.calendar.models import AcademicYear, OfficialDay, Term
from engine.db.session import make_engine
from engine.demo.school import DEMO_PASSWORD, seed_demo
from engine.notify.models import Delivery, Notification
from engine.org.models import Role, RoleHolding, Subject
from engine.org.people import find_person
from engine.org.substitutes import add_substitution
from engine.planning.activities import ActivityEvent, ActivityPlan
from engine.planning.models import Schedule
from engine.planning.plans.models import PlanBulletin
from engine.quality.models import Goal, IndicatorValue
from engine.supervision.models import SupervisionNotice
from engine.tables import create_schema
from engine.workflow.models import Evidence, HumanTask, ProcessInstance
from tests.conftest import T0, copy_database

TABLE = Path(__file__).with_name("access_matrix.txt")
ROLES = ["admin", "zhaohong", "wangjianguo", "zhouqiang", "huangwei", "hanxue", "chenxiaoyu", "wangfang", "liuxin",
         "anonymous"]
# the methods asked: GET for every rule that serves it, POST for every rule that takes it
METHODS = ("GET", "POST")
# what a POST sends: a plausible attempt at the rule's action (without one, an empty form); `{notice_id}`…
# are filled like the rule's variables
POSTED = {
    "/tasks/<int:task_id>/comments": {"body": "矩阵：评论一句"},
    "/tasks/<int:task_id>/follow-up": {"clear": "1"},
    "/tasks/claim": {"task_ids": "{task_id}"},
    "/supervision/notices/<int:notice_id>/<action>": {"note": "矩阵：请尽快办理"},
    "/supervision/bulk": {"action": "remind", "notice": "{notice_id}", "note": "矩阵：请尽快办理"},
    "/notifications/read": {},
    "/language": {"locale": "zh_CN"},
}
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def read_table(path: Path = TABLE) -> dict[tuple[str, str], dict[str, int]]:
    """(rule, method) → role → expected status, from the table's lines (`#` starts a comment)."""
    expected: dict[tuple[str, str], dict[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        rule, method, *codes = line.split()
        if len(codes) != len(ROLES):
            raise AssertionError(f"{path.name}:{number}: {len(ROLES)} codes wanted ({' '.join(ROLES)}), "
                                 f"found {len(codes)}")
        expected[(rule, method)] = dict(zip(ROLES, (int(code) for code in codes), strict=True))
    return expected


def asked(app: Any) -> list[tuple[str, str]]:
    """(rule, method) for every rule of the app's URL map and each method of METHODS it serves."""
    return sorted({(rule.rule, method) for rule in app.url_map.iter_rules() for method in METHODS
                   if method in (rule.methods or ())})


def build_demo(folder: Path) -> tuple[Path, dict[str, Any]]:
    """The demo school seeded at T0 into an SQLite file, with a substitution of 王芳's; the ids rules are filled
    with."""
    path = folder / "demo.sqlite"
    db_engine = make_engine(f"sqlite:///{path}")
    create_schema(db_engine)
    with session_factory(db_engine, build_engine(upload_dir=folder / "uploads"))() as session:
        seed_demo(session, T0)
        wangfang, hanxue = find_person(session, "wangfang"), find_person(session, "hanxue")
        substitution = add_substitution(session, wangfang, wangfang.id, hanxue.id, T0.date() + timedelta(days=1),
                                        T0.date() + timedelta(days=8), "外出培训", T0)
        chen = find_person(session, "chenxiaoyu")
        task = session.scalars(select(HumanTask).where(HumanTask.assignee_id == chen.id, HumanTask.status == "open")
                               .order_by(HumanTask.id)).first()
        assert task is not None, "the demo gives 陈晓雨 an open task"
        coming = session.scalars(select(ActivityEvent).where(ActivityEvent.status == "published")).one()
        values = {
            "task_id": task.id, "instance_id": task.instance_id,
            "evidence_id": session.scalars(select(Evidence.id).order_by(Evidence.id)).first(),
            "notice_id": session.scalars(  # a notice of a course's cycle (plan tasks' notices come earlier)
                select(SupervisionNotice.id).join(HumanTask, HumanTask.id == SupervisionNotice.task_id)
                .join(ProcessInstance).join(Subject).where(Subject.level == "course")
                .order_by(SupervisionNotice.id)).first(),
            "notification_id": session.scalars(select(Notification.id).where(Notification.person_id == chen.id)
                                               .order_by(Notification.id)).first(),
            "delivery_id": session.scalars(select(Delivery.id).order_by(Delivery.id)).first() or 1,
            "substitution_id": substitution.id,
            "process_id": "course_cycle", "version": 1, "form_id": "course_goal", "action": "remind",
            "package": "bpmn-js", "filename": "style.css", "area": "inbox",
            "person_id": wangfang.id, "unit_id": wangfang.unit_id,
            "holding_id": session.scalars(select(RoleHolding.id).where(RoleHolding.person_id == wangfang.id)).first(),
            "role_id": session.scalars(select(Role.id).where(Role.code == "teacher")).first(),
            "subject_id": session.scalars(select(Subject.id).where(Subject.code == "C-WDYY")).first(),
            "code": "C-WDYY", "token": "no-such-token",
            "goal_id": session.scalars(select(Goal.id).order_by(Goal.id)).first(),
            "value_id": session.scalars(select(IndicatorValue.id).order_by(IndicatorValue.id)).first(),
            "plan_id": session.scalars(select(PlanBulletin.plan_id).order_by(PlanBulletin.id)).first(),
            "number": session.scalars(select(PlanBulletin.number).order_by(PlanBulletin.id)).first(),
            # the demo's 家长学校 and its coming lecture (published, sign-in not open yet at T0)
            "event_id": coming.id, "sign_in_token": coming.sign_in_token,
            "year_id": session.scalars(select(AcademicYear.id).order_by(AcademicYear.id)).first(),
            "term_id": session.scalars(select(Term.id).order_by(Term.id)).first(),
            "schedule_id": session.scalars(select(Schedule.id).order_by(Schedule.id)).first(),
            "entry_id": session.scalars(select(OfficialDay.id).order_by(OfficialDay.id)).first() or 1,
            "token_id": 1,  # the demo has no API token: revoking one is a 404 for everyone
            "webhook_id": 1,  # nor a webhook: the admin's pause and resume answer 404
            "kind": "diagnosis",  # the report templates of the 自我诊断报告
            "year": 2026,  # the 质量年报 of 2026 (not opened in the demo: its outline and draft)
        }
        assert all(value is not None for value in values.values()), values
        # `plan_id` fills both /plans/<plan_id> and /activities/plans/<plan_id>: the demo's first of each
        assert session.scalars(select(ActivityPlan.id).order_by(ActivityPlan.id)).first() == values["plan_id"]
    db_engine.dispose()
    return path, values


def fill(rule: str, values: dict[str, Any]) -> str:
    """The rule with each variable replaced by its demo value."""
    if rule.startswith("/vendor/"):
        return "/vendor/bpmn-js/bpmn-modeler.production.min.js"
    return _VARIABLE.sub(lambda m: str(values[m.group(1)]), rule)


def posted(rule: str, values: dict[str, Any]) -> dict[str, str]:
    """The form POSTed to `rule`."""
    return {key: value.format(**values) for key, value in POSTED.get(rule, {}).items()}


def answers_for(role: str, database: Path, folder: Path, values: dict[str, Any],
                rules: list[tuple[str, str]] | None = None) -> dict[tuple[str, str], int]:
    """(rule, method) → the status `role` gets, on an app of its own over a copy of `database`."""
    from web import create_app
    from web.extensions import db
    copy = copy_database(database, folder / f"{role}.sqlite")
    app = create_app({"TESTING": True, "SECRET_KEY": "matrix", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}",
                      "UPLOAD_DIR": str(folder / "uploads"), "FORMS_DIR": str(folder / f"forms-{role}"),
                      "SPIRAL_NOW": T0.isoformat(), "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    if role != "anonymous":
        signed_in = client.post("/login", data={"username": role, "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302, f"{role} cannot sign in"
    rules = rules if rules is not None else asked(app)
    found: dict[tuple[str, str], int] = {}
    for rule, method in rules:
        if method == "GET":
            found[(rule, method)] = _status(client.get(fill(rule, values)))
    app.config["WTF_CSRF_ENABLED"] = True
    refused = {rule: _status(client.post(fill(rule, values))) for rule, method in rules if method == "POST"}
    app.config["WTF_CSRF_ENABLED"] = False
    for rule, method in sorted((r for r in rules if r[1] == "POST"), key=lambda r: r[0] == "/logout"):
        status = _status(client.post(fill(rule, values), data=posted(rule, values)))
        found[(rule, method)] = status
        found[(rule, "POST-CSRF")] = refused[rule]
    with app.app_context():
        db.engine.dispose()
    return found


def _status(response: Any) -> int:
    """The response's status, its body closed (a file is sent as a stream)."""
    response.close()
    return int(response.status_code)


def line_for(rule: str, method: str, codes: dict[str, int]) -> str:
    """One line of the table."""
    return f"{rule:<48} {method:<5} " + " ".join(f"{codes[role]:>3}" for role in ROLES)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    return build_demo(tmp_path_factory.mktemp("matrix"))


def test_every_rule_of_the_url_map_is_in_the_matrix(app):
    expected = read_table()
    missing = [f"{rule} {method}" for rule, method in asked(app) if (rule, method) not in expected]
    assert not missing, ("add this route to the matrix (tests/web/access_matrix.txt), a line per rule with the "
                         "status each role gets — `python -m tests.web.test_access_matrix` prints them: "
                         + "; ".join(missing))
    stale = [f"{rule} {method}" for rule, method in expected if (rule, method) not in asked(app)]
    assert not stale, "the matrix names rules the app no longer serves: " + "; ".join(stale)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_answer_the_matrix_writes_down(role, demo, tmp_path):
    database, values = demo
    expected = read_table()
    found = answers_for(role, database, tmp_path, values, [key for key in expected])
    wrong = [f"{rule} {method}: wanted {codes[role]}, got {found[(rule, method)]}"
             for (rule, method), codes in expected.items() if found[(rule, method)] != codes[role]]
    assert not wrong, f"{role}: " + "; ".join(wrong)
    # the JSON API takes no cookie (a bearer token or nothing: 401), so it needs no CSRF token
    csrf = {rule: status for (rule, method), status in found.items() if method == "POST-CSRF"
            and status != (401 if rule.startswith("/api/") else 400)}
    assert not csrf, f"{role}: a POST without its CSRF token was not refused: {csrf}"


def main() -> None:  # pragma: no cover - a developer's helper
    """Print the table as the app answers now."""
    import tempfile

    from web import create_app
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        database, values = build_demo(folder)
        rules = asked(create_app({"TESTING": True, "SECRET_KEY": "m",
                                  "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'x.sqlite'}"}))
        by_role = {role: answers_for(role, database, folder, values, rules) for role in ROLES}
    print(f"# {'rule':<46} {'method':<5} " + " ".join(f"{role[:3]:>3}" for role in ROLES))
    for rule, method in rules:
        print(line_for(rule, method, {role: by_role[role][(rule, method)] for role in ROLES}))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["ROLES", "answers_for", "build_demo", "read_table"]
