from werkzeug.datastructures import MultiDict

from forms import parse_form_post, validate_submission

EVIDENCE = [{"evidence_id": 7, "filename": "整改报告.pdf", "size": 20480, "content_type": "application/pdf"}]


def test_improvement_sheet_with_two_rows_validates(improvement):
    data = {"title": "实训室安全", "evidence": EVIDENCE, "rows": [
        {"measure": "更换灭火器", "deadline": "2025-04-01", "budget": "1200", "done": "on"},
        {"measure": "开展演练", "budget": 0},
    ]}
    clean, errors = validate_submission(improvement, data)
    assert errors == {}
    assert clean["rows"] == [
        {"measure": "更换灭火器", "deadline": "2025-04-01", "budget": 1200, "done": True},
        {"measure": "开展演练", "budget": 0, "done": False},
    ]


def test_bad_cell_in_second_row_is_reported_at_its_dotted_path(improvement):
    data = {"title": "x", "evidence": EVIDENCE, "rows": [
        {"measure": "更换灭火器"}, {"measure": "", "budget": "-5", "deadline": "明天"},
    ]}
    _, errors = validate_submission(improvement, data)
    assert errors == {"rows.1.measure": "此项为必填项。", "rows.1.budget": "不能小于 0。",
                      "rows.1.deadline": "请输入有效日期（年-月-日）。"}


def test_row_that_is_not_an_object_is_reported_at_the_row(improvement):
    _, errors = validate_submission(improvement, {"title": "x", "evidence": EVIDENCE, "rows": ["更换灭火器"]},
                                    locale="en")
    assert errors == {"rows.0": "The value is not valid."}


def test_posted_rows_come_back_in_index_order(improvement):
    post = MultiDict([
        ("title", "实训室安全"), ("rows-_rows", "3"),
        ("rows-1-measure", "开展演练"), ("rows-0-measure", "更换灭火器"), ("rows-0-done", "on"),
        ("rows-0-budget", "1200"), ("rows-2-measure", "制度上墙"),
    ])
    data = parse_form_post(improvement, post)
    assert [r["measure"] for r in data["rows"]] == ["更换灭火器", "开展演练", "制度上墙"]
    assert data["rows"][0]["done"] is True and data["rows"][1]["done"] is False
    assert "evidence" not in data


def test_blank_rows_are_dropped(improvement):
    post = MultiDict([("title", "x"), ("rows-_rows", "3"), ("rows-0-measure", ""), ("rows-0-budget", ""),
                      ("rows-1-measure", "开展演练"), ("rows-2-measure", "  ")])
    assert parse_form_post(improvement, post)["rows"] == [
        {"measure": "开展演练", "done": False}]


def test_remove_row_button_drops_that_row(improvement):
    post = MultiDict([("title", "x"), ("rows-_rows", "3"), ("rows-0-measure", "a"), ("rows-1-measure", "b"),
                      ("rows-2-measure", "c"), ("_remove_row", "rows-1")])
    assert [r["measure"] for r in parse_form_post(improvement, post)["rows"]] == ["a", "c"]


def test_rows_are_found_without_the_row_count_field(improvement):
    post = MultiDict([("rows-0-measure", "a"), ("rows-1-budget", "5")])
    rows = parse_form_post(improvement, post)["rows"]
    assert rows == [{"measure": "a", "done": False}, {"budget": "5", "done": False}]


def test_rendered_form_posted_back_gives_the_same_data(improvement):
    """Round trip: render values, read the names and values a browser would post, parse them again."""
    from html.parser import HTMLParser

    from forms import render_form_html

    values = {"title": "实训室 <安全>", "rows": [
        {"measure": "更换灭火器", "deadline": "2025-04-01", "budget": 1200, "done": True},
        {"measure": "开展演练", "done": False}]}

    class Post(HTMLParser):
        def __init__(self):
            super().__init__()
            self.pairs = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag != "input" or a.get("type") in ("file", "submit"):
                return
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.pairs.append((a["name"], a.get("value", "")))

    parser = Post()
    parser.feed(str(render_form_html(improvement, values)))
    data = parse_form_post(improvement, MultiDict(parser.pairs))
    clean, errors = validate_submission(improvement, {**data, "evidence": EVIDENCE})
    assert errors == {}
    assert clean == {**values, "evidence": EVIDENCE}


def test_nested_dynamic_lists_use_prefixed_names_and_dotted_paths(registry):
    form = registry.load_text('{"components": [{"type": "dynamiclist", "path": "goals", "components": ['
                              '{"type": "textfield", "key": "goal", "validate": {"required": true}},'
                              '{"type": "dynamiclist", "path": "steps", "components": ['
                              '{"type": "number", "key": "weeks", "validate": {"max": 20}}]}]}]}')
    post = MultiDict([("goals-0-goal", "提升就业率"), ("goals-0-steps-0-weeks", "4"),
                      ("goals-0-steps-1-weeks", "30"), ("goals-1-steps-0-weeks", "2")])
    data = parse_form_post(form, post)
    assert data == {"goals": [{"goal": "提升就业率", "steps": [{"weeks": "4"}, {"weeks": "30"}]},
                              {"steps": [{"weeks": "2"}]}]}
    _, errors = validate_submission(form, data)
    assert errors == {"goals.0.steps.1.weeks": "不能大于 20。", "goals.1.goal": "此项为必填项。"}


def test_plain_fields_checkbox_and_checklist_come_from_the_post(review):
    post = MultiDict([("comment", "意见"), ("confirmed", "on"), ("issues", "goal"), ("issues", "evidence"),
                      ("score", ""), ("csrf_token", "x")])
    assert parse_form_post(review, post) == {
        "comment": "意见", "confirmed": True, "notify": False, "issues": ["goal", "evidence"], "score": ""}
