import re

from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader

from forms import TEMPLATE_DIR, render_form_html, ui_text


def field_html(html: str, name: str) -> str:
    """The HTML of the one form-field block that holds the input called `name`."""
    blocks = re.split(r'(?=<(?:div|fieldset) class="form-field)', str(html))
    return next(b for b in blocks if f'name="{name}"' in b)


def test_script_in_a_value_comes_out_escaped(review):
    html = render_form_html(review, {"comment": "<script>alert(1)</script>", "contact": '"><img src=x>'})
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="&#34;&gt;&lt;img src=x&gt;"' in html


def test_script_in_a_value_is_escaped_in_readonly_view_too(review):
    html = render_form_html(review, {"comment": "<script>x</script>\n第二行"}, readonly=True)
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;<br>第二行" in html


def test_error_appears_under_its_own_field_and_marks_the_input(review):
    html = render_form_html(review, {"comment": "短"}, {"comment": "长度不能少于 5 个字符。"})
    block = field_html(html, "comment")
    assert '<p class="field-error" id="err-comment">长度不能少于 5 个字符。</p>' in block
    assert 'aria-invalid="true"' in block and "has-error" in block
    assert "field-error" not in field_html(html, "score")


def test_error_message_is_escaped(review):
    html = render_form_html(review, {}, {"comment": "<b>坏</b>"})
    assert "&lt;b&gt;坏&lt;/b&gt;" in html


def test_each_field_has_its_label_description_and_required_marker(review):
    html = render_form_html(review)
    block = field_html(html, "comment")
    assert '<label class="field-label" for="field-comment">复核意见' in block
    assert 'class="field-required"' in block and " required" in block
    assert "写明主要问题和建议" in block
    assert 'class="field-required"' not in field_html(html, "score")


def test_inputs_carry_their_type_and_limits(review):
    html = render_form_html(review)
    assert re.search(r'<input type="number" id="field-score" name="score"[^>]* min="0" max="100"', html)
    assert '<textarea id="field-comment" name="comment" required' in html
    assert '<input type="date" id="field-review_date" name="review_date"' in html
    assert '<option value="">请选择</option>' in field_html(html, "verdict")
    assert '<input type="file" id="field-signature" name="signature" accept=".pdf">' in html
    assert 'name="submit"' not in html  # form-js buttons are left to the page


def test_fresh_form_shows_default_values_but_a_posted_one_does_not(review):
    assert 'value="B" checked' in field_html(render_form_html(review), "level")
    assert "checked" not in field_html(render_form_html(review, {"comment": "x"}), "level")


def test_values_are_filled_back_in(review):
    html = render_form_html(review, {"score": 85, "verdict": "improve", "confirmed": True,
                                     "issues": ["goal", "evidence"], "review_date": "2025-03-01"})
    assert 'value="85"' in field_html(html, "score")
    assert '<option value="improve" selected>' in html
    assert 'name="confirmed" value="on" checked' in html
    assert len(re.findall(r'name="issues" value="\w+" checked', html)) == 2
    assert 'value="2025-03-01"' in html


def test_static_text_becomes_heading_and_escaped_paragraph_with_bold_and_line_breaks(review):
    html = render_form_html(review)
    assert '<h3 class="form-text-heading">复核说明</h3>' in html
    assert "<p>请<strong>如实</strong>填写。<br>不得&lt;弄虚作假&gt;。</p>" in html


def test_group_is_a_fieldset_with_legend(review):
    assert '<fieldset class="form-group"><legend>联系人</legend>' in render_form_html(review)


def test_macro_speaks_chinese_by_default_and_english_when_asked(improvement):
    zh = render_form_html(improvement)
    en = render_form_html(improvement, locale="en")
    assert ">添加一行</button>" in zh and ">删除</button>" in zh
    assert ">Add row</button>" in en and ">Remove</button>" in en
    assert ui_text("en_GB")["add_row"] == "Add row" and ui_text(None)["add_row"] == "添加一行"


def test_dynamic_list_shows_default_rows_existing_rows_and_extra_blank_rows(improvement):
    assert len(re.findall('data-row="', render_form_html(improvement))) == 1
    rows = [{"measure": "a"}, {"measure": "b"}]
    html = render_form_html(improvement, {"rows": rows}, extra_rows={"rows": 1})
    assert len(re.findall('data-row="', html)) == 3
    assert 'name="rows-1-measure" value="b"' in html
    assert 'name="rows-2-measure" value=""' in html
    assert '<input type="hidden" name="rows-_rows" value="3">' in html


def test_dynamic_list_buttons_add_and_remove_rows_without_javascript(improvement):
    html = render_form_html(improvement, {"rows": [{"measure": "a"}, {"measure": "b"}]})
    assert '<button type="submit" class="dynlist-add" name="_add_row" value="rows" formnovalidate>' in html
    assert ('<button type="submit" class="dynlist-remove" name="_remove_row" value="rows-1" formnovalidate>'
            in html)
    assert "<form" not in html and "csrf" not in html


def test_row_errors_sit_next_to_the_cell_in_that_row(improvement):
    html = render_form_html(improvement, {"rows": [{"measure": "a"}, {"measure": ""}]},
                            {"rows.1.measure": "此项为必填项。"})
    block = field_html(html, "rows-1-measure")
    assert '<p class="field-error" id="err-rows-1-measure">此项为必填项。</p>' in block
    assert "field-error" not in field_html(html, "rows-0-measure")


def test_uploaded_files_are_listed_with_size_and_evidence_link(improvement):
    files = [{"evidence_id": 7, "filename": "<整改>.pdf", "size": 20480, "content_type": "application/pdf"}]
    html = render_form_html(improvement, {"evidence": files})
    assert '<a href="/evidence/7">&lt;整改&gt;.pdf</a>' in html
    assert "(20.0 KB)" in html
    assert re.search(r'<input type="file" id="field-evidence" name="evidence" multiple accept=', html)


def test_readonly_view_shows_option_labels_and_a_table_of_rows(review, improvement):
    html = render_form_html(review, {"verdict": "improve", "issues": ["goal", "standard"], "confirmed": True},
                            readonly=True)
    assert "需整改" in html and "目标不清、标准缺失" in html and "<input" not in html
    values = {"rows": [{"measure": "a", "done": True}]}
    rows = render_form_html(improvement, values, readonly=True, locale="en")
    assert '<th scope="col">措施</th>' in rows and "<td>a</td>" in rows and "<td>Yes</td>" in rows
    assert "_add_row" not in rows


def test_flask_style_environment_can_import_and_call_the_macro(improvement):
    """What web/ does: a ChoiceLoader over its own templates and forms/templates, lenient Undefined."""
    env = Environment(autoescape=True, loader=ChoiceLoader([
        DictLoader({"task.html": '{% from "forms/macros.html" import render_form %}<form method="post">'
                                 '{{ render_form(form, values, errors, t=locale) }}</form>'}),
        FileSystemLoader(TEMPLATE_DIR),
    ]))
    html = env.get_template("task.html").render(form=improvement, values=None, errors={}, locale="en_US")
    assert ">Add row</button>" in html and 'name="title"' in html
