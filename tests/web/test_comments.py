"""Comments on a task: what people type is shown as text, never run as markup."""
from __future__ import annotations


def test_comment_with_markup_is_shown_escaped_on_the_task_page(spiral, goal_task):
    client = spiral.client_for("chenxiaoyu")

    response = client.post(f"/tasks/{goal_task.id}/comments", data={"body": "<script>alert(1)</script>"})
    assert response.status_code == 302
    body = client.get(f"/tasks/{goal_task.id}").get_data(as_text=True)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body


def test_empty_comment_is_refused_with_a_message(spiral, goal_task):
    client = spiral.client_for("chenxiaoyu")

    response = client.post(f"/tasks/{goal_task.id}/comments", data={"body": "   "}, follow_redirects=True)

    assert "评论不能为空" in response.get_data(as_text=True)
    assert not spiral.page(response).xpath('//section[@id="comments"]//div[@class="comment"]')
