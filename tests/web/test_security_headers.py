"""Every page carries a Content-Security-Policy, refuses framing and sniffing, and sends same-origin referrers;
the templates hold no inline script for the policy to forbid."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


@pytest.mark.parametrize("path", ["/login", "/static/style.css", "/no-such-page", "/api/tasks"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()  # a static file's stream
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_only_the_form_designer_allows_style_elements(spiral):
    office = spiral.client_for("zhaohong")
    assert "style-src 'self' 'unsafe-inline'" in office.get("/studio/forms/new").headers["Content-Security-Policy"]
    for path in ("/", "/studio/forms", "/studio/modeler/course_cycle"):
        assert "style-src 'self';" in office.get(path).headers["Content-Security-Policy"]


def test_no_template_has_an_inline_script_or_event_handler():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert not re.search(r"javascript:", text, re.I), path
        for tag in re.findall(r"<script[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
