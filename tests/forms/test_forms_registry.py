import pytest

from forms import FormDefinitionError, FormNotFound, FormRegistry, default_registry


def test_registry_lists_the_forms_in_its_directory(registry):
    assert registry.ids() == ["improvement", "review"]
    assert registry.exists("review")
    assert not registry.exists("nope")


def test_review_form_reads_title_fields_and_file_fields(review):
    assert review.id == "review"
    assert review.title == "课程诊改复核"
    keys = [f.key for f in review.fields]
    # the button is not an input; the unknown "rating" with a key is read as a text field
    assert keys == ["comment", "score", "course_code", "verdict", "level", "confirmed", "notify", "issues",
                    "review_date", "contact", "signature", "stars"]
    assert review.field("stars").type == "textfield"
    assert review.field("review_date").label == "复核日期"
    assert review.file_fields == ("signature",)
    assert review.raw["schemaVersion"] == 16


def test_dynamic_list_is_one_field_whose_children_are_its_inputs(improvement):
    rows = improvement.field("rows")
    assert rows.type == "dynamiclist"
    assert [c.key for c in rows.children] == ["measure", "deadline", "budget", "done"]
    assert improvement.title == "improvement"
    assert improvement.file_fields == ("evidence",)


def test_same_form_is_served_from_cache(registry):
    assert registry.get("review") is registry.get("review")


def test_missing_form_id_raises_form_not_found(registry):
    with pytest.raises(FormNotFound, match="nope"):
        registry.get("nope")


def test_form_id_that_climbs_out_of_the_directory_is_not_found(registry):
    with pytest.raises(FormNotFound):
        registry.get("../fixtures/review")


def test_form_can_be_found_by_its_json_id_when_the_file_is_named_otherwise(tmp_path, review):
    (tmp_path / "复核表.form").write_text('{"type": "default", "id": "Form_0x1", "components": []}', "utf-8")
    assert FormRegistry(tmp_path).get("Form_0x1").id == "复核表"


def test_malformed_json_error_names_the_file_and_the_line(registry):
    bad = FormRegistry(registry.directory / "bad")
    with pytest.raises(FormDefinitionError) as info:
        bad.get("broken")
    assert "broken.form" in str(info.value)
    assert "line 5" in str(info.value)


def test_json_that_is_not_a_form_js_form_is_refused(registry):
    with pytest.raises(FormDefinitionError, match=r"not_a_form\.form: missing 'components'"):
        FormRegistry(registry.directory / "bad").get("not_a_form")


def test_invalid_regex_pattern_is_refused_when_the_form_loads(registry):
    with pytest.raises(FormDefinitionError, match="pattern"):
        FormRegistry(registry.directory / "bad").get("bad_pattern")


@pytest.mark.parametrize("text, reason", [
    ('{"components": [{"type": "textfield"}]}', "key None"),
    ('{"components": [{"type": "textfield", "key": "a.b"}]}', "key 'a.b'"),
    ('{"components": [{"type": "number", "key": "a"}, {"type": "group", "components": '
     '[{"type": "textfield", "key": "a"}]}]}', "used twice"),
    ('{"components": [{"type": "dynamiclist", "components": []}]}', "path None"),
    ('{"type": "bpmn", "components": []}', "top-level type"),
    ('[1, 2]', "JSON object"),
])
def test_load_text_explains_what_is_wrong_with_a_definition(text, reason):
    with pytest.raises(FormDefinitionError, match="upload.form") as info:
        FormRegistry(".").load_text(text, source="upload.form")
    assert reason in str(info.value)


def test_load_text_parses_a_definition_not_on_disk():
    form = FormRegistry(".").load_text('{"type": "default", "id": "draft", "components": []}')
    assert form.id == "draft" and form.fields == ()


def test_edited_form_file_is_read_again(tmp_path):
    path = tmp_path / "f.form"
    path.write_text('{"components": [{"type": "textfield", "key": "a"}]}', "utf-8")
    reg = FormRegistry(tmp_path)
    assert [f.key for f in reg.get("f").fields] == ["a"]
    path.write_text('{"components": [{"type": "textfield", "key": "a"}, {"type": "number", "key": "bb"}]}',
                    "utf-8")
    assert [f.key for f in reg.get("f").fields] == ["a", "bb"]


def test_default_registry_looks_in_the_package_directory():
    from pathlib import Path

    import forms

    assert default_registry().directory == Path(forms.__file__).parent / "library"


def test_every_shipped_form_has_a_chinese_title():
    import re

    from forms import default_registry
    registry = default_registry()
    untitled = [f.id for f in (registry.get(i) for i in registry.ids()) if not re.search(r"[\u4e00-\u9fff]", f.title)]
    assert not untitled, untitled
