"""Task instructions under the script budget: a hostile template shows a sentence, never an error page."""
from __future__ import annotations

import time

import pytest
from markupsafe import Markup

from engine.definitions.budget import ScriptLimits
from engine.workflow.instructions import BROKEN, render_instructions

quick = ScriptLimits(seconds=0.5)


@pytest.mark.parametrize("template", [
    "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
    "{% for a in range(10**12) %}x{% endfor %}",
    "{% for a in items %}{% for b in items %}{% for c in items %}{{ a }}{% endfor %}{% endfor %}{% endfor %}",
    "{% for a in items|list %}{% for b in items|list %}{% for c in items|list %}.{% endfor %}{% endfor %}"
    "{% endfor %}",
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}",
    "{{ 'a' * 10**10 }}",
    "{{ [1] * 10**9 }}",
    "{{ 10 ** (10 ** 8) }}",
    "{{ 'a'|center(10**10) }}",
    "{{ 1/0 }}",
    "{{ '%10000000000d' % 1 }}",
    "{{ '%10000000000d'|format(1) }}",
    "{{ ''.__class__.__mro__ }}{% for x in %}",
])
def test_a_hostile_template_is_marked_broken_quickly(template):
    started = time.monotonic()
    html = render_instructions(template, {"items": list(range(10_000))}, quick)
    assert BROKEN in html
    assert time.monotonic() - started < 2


def test_ordinary_instructions_still_render_with_loops_filters_and_data():
    html = render_instructions("请为{{ subject_name }}填写：{% for s in scores %}{{ loop.index }}={{ s }};"
                               "{% endfor %}{{ scores|sum }} {{ tags|join('、') }} {{ '<b>' }}{{ '%d门' % 3 }}{{ '%s'|format('x') }}"
                               "{% if scores %}有{% endif %}{{ info.name }}{% for k in info %}{{ k }}{% endfor %}",
                               {"subject_name": "网店运营", "scores": [1, 2], "tags": ["甲", "乙"],
                                "info": {"name": "王"}})
    assert html == Markup("请为网店运营填写：1=1;2=2;3 甲、乙 &lt;b&gt;3门x有王name")
