import time

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


# Hostile scripts under the clock: each is stopped within the budget, as a ScriptError.
from engine.definitions.budget import ScriptLimits  # noqa: E402

quick = SandboxEnvironment(ScriptLimits(seconds=0.5, memory_mb=128))


@pytest.mark.parametrize("source", [
    "while True: pass",
    "while True:\n    try:\n        while True: pass\n    except:\n        pass",
    "try:\n    while True: pass\nexcept:\n    pass",
    "for i in range(10**12): pass",
    "x = [1] * 10**9",
    "x = 'a' * 10**10",
    "x = 10 ** 10 ** 8",
    "x = 1 << 10**10",
    "x = pow(10, 10**9)",
    "s = 'ab'\nfor i in range(64): s = s + s",
    "s = 'ab'\nfor i in range(64): s += s",
    "a = [1]\nfor i in range(64): a.extend(a)",
    "x = [i * j for i in range(10**6) for j in range(10**6)]",
    "x = sum(sum(range(10**6)) for i in range(10**6))",
    "x = list(map(sum, [range(10**6)] * 10**6))",
    "x = sorted([range(10**6)] * 10**6, key=sum)",
    "def f(n):\n    return 1 if n == 0 else f(n - 1) + f(n - 1)\nx = f(60)",
    "f = lambda n: 1 if n == 0 else f(n - 1) + f(n - 1)\nx = f(60)",
    "x = 'a'.ljust(10**10)",
    "x = f'{1:>10000000000}'",
    "x = '%10000000000d' % 1",
    "x = '%*d' % (10**10, 1)",
    "x = ''.join(['a' * 10**6] * 10**6)",
    "x = ('a' * 10**6).replace('a', 'bbbbbbbbbb' * 100)",
])
def test_a_hostile_script_is_stopped_by_the_budget(source):
    started = time.monotonic()
    with pytest.raises(ScriptError):
        quick.execute(source, {})
    assert time.monotonic() - started < 2.5


def test_a_condition_that_loops_is_stopped_too():
    started = time.monotonic()
    with pytest.raises(ScriptError, match="秒"):
        quick.evaluate("any(x < 0 for x in range(10**6) for y in range(10**6))", {})
    assert time.monotonic() - started < 2


def test_ordinary_scripts_keep_working_under_the_budget():
    data = {"scores": [80, 90, 100], "name": "课程"}
    env.execute("total = 0\nfor s in scores:\n    total += s\nlabel = name * 2 + '!'\n"
                "best = max(scores, key=lambda s: -s)\nok = isinstance(scores, list)\n"
                "rows = sorted({'a': 1}.items())\nn = 2 ** 10\nwide = f'{total:>6}'\n"
                "i = 0\nwhile i < 3:\n    i += 1\n", data)
    assert data["total"] == 270 and data["label"] == "课程课程!" and data["best"] == 80 and data["ok"]
    assert data["n"] == 1024 and data["wide"] == "   270" and data["i"] == 3
