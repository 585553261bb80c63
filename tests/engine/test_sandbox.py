import pytest

from engine.definitions.sandbox import SandboxEnvironment, check_code
from engine.errors import ScriptError

env = SandboxEnvironment()


@pytest.mark.parametrize("source", [
    "().__class__.__base__.__subclasses__()",
    "import os",
    "from os import system",
    "open('/etc/passwd').read()",
    "exec('x = 1')",
    "eval('1')",
    "__import__('os')",
    "getattr((), '__class__')",
    "x = [c for c in ().__class__.__mro__]",
])
def test_the_sandbox_refuses_escapes_before_running_them(source):
    assert check_code(source, "exec")
    with pytest.raises(ScriptError):
        env.execute(source, {})


def test_str_format_cannot_reach_dunder_attributes():
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; what matters is that nothing leaks
        env.evaluate('"{0.__class__}".format(1)', {})


def test_conditions_see_task_data_in_python_camunda_and_feel_styles():
    assert env.evaluate('decision == "approve"', {"decision": "approve"}) is True
    assert env.evaluate("${amount > 1000}", {"amount": 5000}) is True
    assert env.evaluate("= approved", {"approved": False}) is False
    assert env.evaluate("${a && !b}", {"a": True, "b": False}) is True


def test_scripts_write_their_variables_back_into_task_data():
    data = {"scores": [80, 90, 100]}
    env.execute("average = sum(scores) / len(scores)\nflags = {}\nflags['ok'] = average >= 90", data)
    assert data["average"] == 90
    assert data["flags"] == {"ok": True}
