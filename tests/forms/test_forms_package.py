import subprocess
import sys

import pytest

from forms import build_schema, default_registry, render_form_html, validate_submission


def test_importing_forms_pulls_in_neither_flask_nor_engine_nor_web():
    code = ("import sys, forms; roots = {m.split('.')[0] for m in sys.modules};"
            "bad = sorted(roots & {'flask', 'engine', 'web'}); print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("form_id", default_registry().ids())
def test_every_shipped_form_loads_builds_its_schema_and_renders(form_id):
    form = default_registry().get(form_id)
    build_schema(form)
    assert form.id in render_form_html(form)
    assert isinstance(validate_submission(form, {})[1], dict)
