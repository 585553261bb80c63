import pytest
from marshmallow import Schema

from forms import build_schema, validate_submission


def test_correct_review_passes_and_comes_back_clean(review, valid_review):
    clean, errors = validate_submission(review, valid_review)
    assert errors == {}
    assert clean == {**valid_review, "notify": False}


def test_required_comment_left_empty_gets_chinese_message(review, valid_review):
    _, errors = validate_submission(review, {**valid_review, "comment": "   "})
    assert errors == {"comment": "此项为必填项。"}


def test_required_comment_missing_gets_english_message_for_an_english_user(review, valid_review):
    del valid_review["comment"]
    _, errors = validate_submission(review, valid_review, locale="en_US")
    assert errors == {"comment": "This field is required."}


def test_score_below_min_and_above_max_are_refused(review, valid_review):
    assert validate_submission(review, {**valid_review, "score": -1})[1] == {"score": "不能小于 0。"}
    assert validate_submission(review, {**valid_review, "score": "100.5"})[1] == {"score": "不能大于 100。"}


def test_score_that_is_not_a_number_asks_for_a_number(review, valid_review):
    for bad in ("八十", True, [80], "nan"):
        assert validate_submission(review, {**valid_review, "score": bad})[1] == {"score": "请输入数字。"}


def test_comment_shorter_than_min_length_is_refused(review, valid_review):
    _, errors = validate_submission(review, {**valid_review, "comment": "太短"})
    assert errors == {"comment": "长度不能少于 5 个字符。"}


def test_comment_longer_than_max_length_is_refused_counting_chinese_characters(review, valid_review):
    assert validate_submission(review, {**valid_review, "comment": "好" * 200})[1] == {}
    _, errors = validate_submission(review, {**valid_review, "comment": "好" * 201})
    assert errors == {"comment": "长度不能超过 200 个字符。"}


def test_windows_line_breaks_in_a_textarea_count_once(review, valid_review):
    clean, errors = validate_submission(review, {**valid_review, "comment": "第一行\r\n第二行"})
    assert errors == {} and clean["comment"] == "第一行\n第二行"


def test_course_code_not_matching_pattern_is_refused(review, valid_review):
    _, errors = validate_submission(review, {**valid_review, "course_code": "js1024"})
    assert errors == {"course_code": "格式不正确。"}
    _, errors = validate_submission(review, {**valid_review, "course_code": "js1024"}, locale="en")
    assert errors == {"course_code": "The format is not valid."}


def test_verdict_outside_the_listed_options_is_refused(review, valid_review):
    _, errors = validate_submission(review, {**valid_review, "verdict": "maybe", "level": "Z"})
    assert errors == {"verdict": "请选择列表中的选项。", "level": "请选择列表中的选项。"}


def test_checklist_with_an_unknown_option_is_refused_as_a_whole(review, valid_review):
    _, errors = validate_submission(review, {**valid_review, "issues": ["goal", "weather"]})
    assert errors == {"issues": "请选择列表中的选项。"}


def test_checklist_keeps_order_and_drops_repeats(review, valid_review):
    clean, _ = validate_submission(review, {**valid_review, "issues": ["evidence", "goal", "evidence"]})
    assert clean["issues"] == ["evidence", "goal"]


def test_required_checkbox_left_unticked_asks_to_tick_it(review, valid_review):
    for unticked in (False, "false", None):
        _, errors = validate_submission(review, {**valid_review, "confirmed": unticked})
        assert errors == {"confirmed": "请勾选此项。"}


def test_optional_checkbox_not_posted_is_false(review, valid_review):
    clean, _ = validate_submission(review, valid_review)
    assert clean["notify"] is False


def test_impossible_date_is_refused(review, valid_review):
    for bad in ("2025-02-30", "2025/03/01", "20250301"):
        _, errors = validate_submission(review, {**valid_review, "review_date": bad})
        assert errors == {"review_date": "请输入有效日期（年-月-日）。"}


def test_html_strings_validate_like_typed_json(review, valid_review):
    as_strings = {**valid_review, "score": "85", "confirmed": "on", "notify": "", "issues": ["goal"],
                  "course_code": " JS1024 "}
    assert validate_submission(review, as_strings) == validate_submission(review, valid_review)


def test_integral_number_becomes_int_and_fraction_stays_float(review, valid_review):
    assert validate_submission(review, {**valid_review, "score": "85.0"})[0]["score"] == 85
    assert validate_submission(review, {**valid_review, "score": 85.5})[0]["score"] == 85.5


def test_empty_optional_fields_are_dropped(review, valid_review):
    blanks = {"score": "", "course_code": None, "level": ""}
    clean, errors = validate_submission(review, {**valid_review, **blanks})
    assert errors == {}
    assert not {"score", "course_code", "level"} & clean.keys()


def test_unknown_keys_are_dropped_without_complaint(review, valid_review):
    clean, errors = validate_submission(review, {**valid_review, "is_admin": True, "submit": "1"})
    assert errors == {} and "is_admin" not in clean and "submit" not in clean


def test_each_field_gets_one_message_only(review, valid_review):
    _, errors = validate_submission(review, {})
    assert errors == {"comment": "此项为必填项。", "verdict": "此项为必填项。", "confirmed": "请勾选此项。"}
    assert all(isinstance(m, str) for m in errors.values())


def test_non_object_submission_is_one_form_level_error(review):
    assert validate_submission(review, ["comment"]) == ({}, {"_form": "格式不正确。"})


def test_schema_is_a_marshmallow_schema_built_once_per_form(review):
    schema = build_schema(review)
    assert issubclass(schema, Schema)
    assert build_schema(review) is schema
    assert build_schema(review, "en") is not schema


@pytest.mark.parametrize("key", ["load", "fields", "Meta", "validate"])
def test_keys_named_like_schema_members_still_validate(registry, key):
    form = registry.load_text(f'{{"components": [{{"type": "number", "key": "{key}"}}]}}')
    assert validate_submission(form, {key: "3"}) == ({key: 3}, {})


def test_phone_and_email_validation_types_are_checked(registry):
    form = registry.load_text('{"components": [{"type": "textfield", "key": "mail", '
                              '"validate": {"validationType": "email"}}, {"type": "textfield", "key": "tel", '
                              '"validate": {"validationType": "phone"}}]}')
    _, errors = validate_submission(form, {"mail": "wang@", "tel": "call me"}, locale="en")
    assert errors == {"mail": "Please enter a valid email address.",
                      "tel": "Please enter a valid phone number."}
    assert validate_submission(form, {"mail": "wang@school.cn", "tel": "0571-8888 6666"})[1] == {}


def test_datetime_and_time_subtypes_take_iso_strings(registry):
    form = registry.load_text('{"components": [{"type": "datetime", "subtype": "datetime", "key": "at"}, '
                              '{"type": "datetime", "subtype": "time", "key": "t"}]}')
    clean, errors = validate_submission(form, {"at": "2025-03-01 09:30", "t": "14:05"})
    assert errors == {} and clean == {"at": "2025-03-01T09:30", "t": "14:05"}
    _, errors = validate_submission(form, {"at": "2025-03-01", "t": "25:00"})
    assert set(errors) == {"at", "t"}


def _form_with_pattern(pattern: str) -> dict:
    return {"id": "p", "type": "default", "components": [
        {"type": "textfield", "key": "name", "label": "姓名", "validate": {"pattern": pattern}}]}


def test_a_backtracking_pattern_answers_at_once_on_hostile_input():
    import time

    from forms.definition import parse_definition
    form = parse_definition(_form_with_pattern("^(a+)+$"), "p.form")
    started = time.monotonic()
    _, errors = validate_submission(form, {"name": "a" * 60 + "b"})
    assert errors == {"name": "格式不正确。"}
    assert time.monotonic() - started < 0.5


def test_javascript_unicode_escapes_in_a_pattern_still_match_chinese_names():
    from forms.definition import parse_definition
    form = parse_definition(_form_with_pattern("^[\\u4e00-\\u9fa5]{2,4}$"), "p.form")
    assert validate_submission(form, {"name": "王小明"})[1] == {}
    assert validate_submission(form, {"name": "Wang"})[1] == {"name": "格式不正确。"}


@pytest.mark.parametrize("pattern", ["(a)\\1", "^(?=a)a$", "(?<!x)y"])
def test_the_form_designer_is_told_in_chinese_which_patterns_cannot_be_used(pattern):
    from forms.check import check_definition
    [problem] = check_definition(_form_with_pattern(pattern))
    assert "姓名" in problem or "name" in problem
    assert "不回溯" in problem
