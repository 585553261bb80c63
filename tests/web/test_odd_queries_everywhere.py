"""Every GET rule of the app, asked with every query parameter any page reads, each set to something odd;
every POST rule with odd values in every field any page reads; the studio's JSON endpoints with bodies of
every wrong shape: nothing is ever a 500 (a sentence and a 400 or 422 for input it cannot take, the page as
usual for a word it does not know). Asked on the demo school.
"""
from __future__ import annotations

import pytest

from tests.web.test_access_matrix import asked, build_demo, fill

NAMES = ["page", "per_page", "version", "age", "department", "from", "to", "year", "level", "status", "lateness",
         "stage", "subject", "period", "process_id", "view", "mine", "next", "lang", "colour", "q", "form_id"]
ODD = ["-1", "0", "9" * 40, "1e9", "1.5", "abc", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd",
       "\u202e", "ＡＢＣ１２３", "%", "http://evil.example/", "//evil.example", "[]", "{}", "a" * 5000]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("odd"))


@pytest.mark.parametrize("username", ["zhaohong", "chenxiaoyu"])
def test_no_odd_query_on_any_page_is_a_500(demo, tmp_path, username):
    from tests.conftest import T0, copy_database
    from web import create_app
    from web.extensions import db
    database, values = demo
    app = create_app({"TESTING": True, "SECRET_KEY": "odd", "WTF_CSRF_ENABLED": False, "SPIRAL_NOW": T0.isoformat(),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy_database(database, tmp_path / 'odd.sqlite')}",
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "FORMS_DIR": str(tmp_path / "forms"),
                      "PROPAGATE_EXCEPTIONS": False})
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": "demo123"}).status_code == 302
    failures = []
    rules = [rule for rule, method in asked(app) if method == "GET" and not rule.startswith(("/static", "/vendor"))]
    for rule in rules:
        for number, odd in enumerate(ODD):
            query = {name: odd for name in NAMES[number % 3::3]}  # a third of the names at a time
            response = client.get(fill(rule, values), query_string=query)
            response.close()
            if response.status_code >= 500:
                failures.append(f"{rule}?{query}: {response.status_code}")
    with app.app_context():
        db.engine.dispose()
    assert not failures, failures[:10]


FIELDS = ["_add_row", "_remove_row", "action", "back", "body", "clear", "comment", "conclusion", "confirm_removal",
          "description", "dingtalk_webhook", "due", "email", "first", "follow_up", "instance", "label", "last",
          "locale", "name", "next", "note", "notice", "period", "person", "process_id", "reason", "remove", "rows",
          "subject", "substitute_id", "talked_on", "task_ids", "template", "version", "wecom_webhook", "with_whom",
          "starts_on", "ends_on", "date", "dates", "year", "goal_text", "decision", "xml", "form_id"]


@pytest.mark.parametrize("username", ["zhaohong", "zhouqiang", "chenxiaoyu"])
def test_no_odd_form_posted_to_any_rule_is_a_500(demo, tmp_path, username):
    from tests.conftest import T0, copy_database
    from web import create_app
    from web.extensions import db
    database, values = demo
    app = create_app({"TESTING": True, "SECRET_KEY": "odd", "WTF_CSRF_ENABLED": False, "SPIRAL_NOW": T0.isoformat(),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy_database(database, tmp_path / 'odd.sqlite')}",
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "FORMS_DIR": str(tmp_path / "forms"),
                      "PROPAGATE_EXCEPTIONS": False})
    client = app.test_client()
    failures = []
    rules = [rule for rule, method in asked(app) if method == "POST" and rule not in ("/logout", "/login")]
    for number, odd in enumerate(ODD[:9]):
        client.post("/login", data={"username": username, "password": "demo123"})  # a POST may end the session
        for rule in rules:
            form = {name: odd for name in FIELDS[number % 2::2]}
            response = client.post(fill(rule, values), data=form)
            response.close()
            if response.status_code >= 500:
                failures.append(f"POST {rule} {form}: {response.status_code}")
    with app.app_context():
        db.engine.dispose()
    assert not failures, failures[:10]


WRONG_JSON = [None, [], "x", 1, {"schema": []}, {"schema": "x"}, {"schema": {"components": "x"}},
              {"schema": {"components": [1, "x", None, []]}},
              {"schema": {"components": [{"type": "group", "components": "x"}]}},
              {"schema": {"components": [{"type": "textfield", "key": ["x"]}]}},
              {"schema": {"components": [{"type": "select", "key": "a", "values": "x"}]}},
              {"schema": {"components": [{"type": "textfield", "key": "a", "validate": {"pattern": 5}}]}},
              {"schema": {"components": [{"type": "number", "key": "a", "validate": {"min": "a", "max": []}}]}},
              {"form_id": ["x"], "schema": {"components": []}, "new": "yes"},
              {"form_id": "../../etc", "schema": {"components": []}, "new": True},
              {"form_id": "x" * 1000, "schema": {"components": []}, "new": True},
              {"xml": 5}, {"xml": ["x"]}, {"xml": "<x>"}, {"process_id": 5, "xml": "x"},
              {"xml": "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a SYSTEM 'file:///etc/passwd'>]><x>&a;</x>"}]


def test_no_wrongly_shaped_json_to_the_studio_is_a_500(app, spiral):
    import json
    app.config["PROPAGATE_EXCEPTIONS"] = False
    office = spiral.client_for("zhaohong")
    failures = []
    for rule in ["/studio/forms/preview", "/studio/forms/save", "/studio/modeler/draft", "/studio/modeler/deploy",
                 "/studio/modeler/validate", "/studio/launch/one"]:
        for body in [*map(json.dumps, WRONG_JSON), "{" * 100_000]:
            answer = office.post(rule, data=body, content_type="application/json")
            if answer.status_code >= 500 or "root:x:0" in answer.get_data(as_text=True):  # no entity read
                failures.append(f"{rule} {body[:60]}: {answer.status_code}")
    assert not failures, failures
