"""The quality office designs a new form in the real form-js editor: the server's preview follows each change,
and saving makes it a form processes can use."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.definitions.specs import form_registry
from tests.e2e.conftest import login
from web.extensions import db

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules" / "@bpmn-io" / "form-js"
pytestmark = pytest.mark.e2e


def test_a_field_added_in_the_editor_appears_in_the_live_preview_and_the_form_is_saved(live_server, browser_page):
    if not NODE_MODULES.is_dir():
        pytest.skip("form-js is not installed (make setup runs npm ci)")
    page, url = browser_page, live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, url, "zhaohong")
    page.goto(f"{url}/studio/forms")
    page.get_by_role("link", name="新建表单").click()
    page.wait_for_selector("#preview >> text=表单还没有字段")
    page.fill("#form-id", "lesson_feedback")
    page.fill("#form-title", "听课反馈")
    page.evaluate("""() => {
        const editor = window.spiralFormEditor, root = editor._state.schema;
        editor.get('modeling').addFormField({type: 'textarea', key: 'opinion', label: '听课意见'}, root, 0);
    }""")
    page.wait_for_selector("#preview textarea[name='opinion']")
    assert "听课意见" in page.inner_text("#preview")
    page.evaluate("""() => {
        const editor = window.spiralFormEditor, root = editor._state.schema;
        editor.get('modeling').addFormField({type: 'select', key: 'grade', label: '等级', values: []}, root, 1);
    }""")
    page.wait_for_selector("#report >> text=没有选项")  # a select without options
    page.evaluate("""() => {
        const editor = window.spiralFormEditor, root = editor._state.schema;
        editor.get('modeling').removeFormField(root.components[1], root, 1);
    }""")
    page.wait_for_selector("#report .flash", state="detached")  # no inline eval under the CSP
    page.get_by_role("button", name="校验并保存").click()
    page.wait_for_url("**/studio/forms/lesson_feedback/design")
    with live_server.app.app_context():
        form = form_registry(db.session).get("lesson_feedback")
        assert form.title == "听课反馈" and [f.key for f in form.fields] == ["opinion"]
    assert not errors
