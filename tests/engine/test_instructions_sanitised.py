"""BPMN instructions and documentation may format text on the task page, never run script."""
from __future__ import annotations

import pytest

from engine.workflow.instructions import render_instructions


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">点我</a>",
    "<b onclick=\"alert(1)\">粗体</b>", "<iframe src=\"https://evil.example\"></iframe>",
    "<svg onload=alert(1)>", "<style>body{display:none}</style>", "{{ '<script>alert(1)</script>' | safe }}",
])
def test_hostile_html_in_instructions_is_removed(hostile):
    html = str(render_instructions(hostile, {})).lower()
    assert "<script" not in html and "onerror" not in html and "onclick" not in html and "onload" not in html
    assert "javascript:" not in html and "<iframe" not in html and "<style" not in html


def test_formatting_and_data_are_kept():
    html = str(render_instructions("<p>请于 <strong>{{ due }}</strong> 前提交</p>\n<a href=\"https://x.cn\">指南</a>",
                                   {"due": "10月10日"}))
    assert "<strong>10月10日</strong>" in html and "<br>" in html and 'href="https://x.cn"' in html
