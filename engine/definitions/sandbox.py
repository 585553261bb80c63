"""The sandbox every BPMN expression, condition and script runs in.

RestrictedPython compiles the code (no names or attributes starting with `_`, so no
`().__class__.__base__.__subclasses__()`); we also refuse imports and dangerous builtins before
anything runs, and execute with a short list of harmless builtins only.
"""
from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.definitions.budget import Budget, BudgetedTransformer, ScriptLimits
from engine.errors import ScriptError

FORBIDDEN_NAMES = frozenset({
    "open", "exec", "eval", "compile", "__import__", "globals", "locals", "vars", "getattr",
    "setattr", "delattr", "input", "breakpoint", "help", "memoryview", "type", "super", "object",
})
_EXTRA_BUILTINS = {name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
                   for name in ("min", "max", "sum", "any", "all", "enumerate", "list", "dict", "set",
                                "sorted", "reversed", "map", "filter")}
_CAMUNDA_EXPR = re.compile(r"^\s*\$\{(.*)\}\s*$", re.S)
_JUEL_WORDS = {"eq": "==", "ne": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}


def normalize_expression(expression: str) -> str:
    """Accept Camunda-style `${x > 1}` (JUEL: `&&`, `||`, `!`, `eq`, `empty`…) and FEEL-style `= x` besides Python."""
    text = expression.strip()
    match = _CAMUNDA_EXPR.match(text)
    if match:
        text = match.group(1).strip()
        for word, symbol in _JUEL_WORDS.items():
            text = re.sub(rf"\b{word}\b", symbol, text)
        text = re.sub(r"\bnot\s+empty\s+([A-Za-z_][\w.]*)", r"bool(\1)", text)
        text = re.sub(r"\bempty\s+([A-Za-z_][\w.]*)", r"(not \1)", text)
    elif text.startswith("=") and not text.startswith("=="):
        # FEEL compares with a single `=`; Python needs `==`.
        text = re.sub(r"(?<![<>!=])=(?!=)", "==", text[1:].strip())
    text = re.sub(r"&&", " and ", text)
    text = re.sub(r"\|\|", " or ", text)
    text = re.sub(r"!(?!=)", " not ", text)
    return text.strip()


def check_code(source: str, mode: str) -> list[str]:
    """Return every reason the sandbox refuses `source` (empty when it is acceptable)."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        return [f"语法错误（第 {exc.lineno} 行）：{exc.msg}"]
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            problems.append(f"第 {node.lineno} 行：脚本中不允许导入模块")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            problems.append(f"第 {node.lineno} 行：不允许使用 {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            problems.append(f"第 {node.lineno} 行：不允许访问以下划线开头的属性 {node.attr}")
        elif isinstance(node, ast.Name) and node.id.startswith("_"):
            problems.append(f"第 {node.lineno} 行：不允许使用以下划线开头的名称 {node.id}")
    if problems:
        return problems
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source)
    return list(result.errors)


@functools.lru_cache(maxsize=2048)
def _compile(source: str, mode: str) -> Any:
    """The code object of a checked script or condition, compiled once per text (a code object is immutable;
    a refused one raises every time)."""
    problems = check_code(source, mode)
    if problems:
        raise ScriptError("沙箱拒绝执行：" + "；".join(problems))
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    return compiler(source, policy=BudgetedTransformer).code


def _value_of(context: dict[str, Any]) -> Any:
    """`value_of("name", default)` for conditions: a variable that may not be set yet (a cycle started by hand
    carries none of the facts a warning gives its improvement), without a NameError."""
    def value_of(name: str, default: Any = None) -> Any:
        return context.get(name, default)
    return value_of


@functools.cache
def _allowed_builtins() -> dict[str, Any]:
    """RestrictedPython's safe builtins with ours, without the forbidden names (worked out once)."""
    builtins = dict(safe_builtins)
    builtins.update(_EXTRA_BUILTINS)
    for name in FORBIDDEN_NAMES:
        builtins.pop(name, None)
    return builtins


def _safe_globals(budget: Budget) -> dict[str, Any]:
    builtins = dict(_allowed_builtins())  # a copy per run: a script cannot change the next one's builtins
    guarded = budget.guarded()
    builtins.update({name: value for name, value in guarded.items() if not name.startswith("_")})
    return {
        "__builtins__": builtins,
        "_getitem_": default_guarded_getitem,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        **{name: value for name, value in guarded.items() if name.startswith("_")},
    }


@contextmanager
def _contained(budget: Budget) -> Iterator[None]:
    """Turn what a script raises beyond Exception (SystemExit, KeyboardInterrupt, GeneratorExit) into a
    ScriptError, so that no script can end a request, a tick or the scheduler; a budget spent and swallowed
    by the script's own `except:` is raised all the same."""
    try:
        yield
    except Exception:
        raise
    except BaseException as exc:  # noqa: BLE001 - exactly what must not escape a script
        raise ScriptError(f"脚本抛出了 {type(exc).__name__}，已被拦截") from exc
    if budget.spent:
        raise ScriptError(budget.spent)


class SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]  # SpiffWorkflow is untyped
    """SpiffWorkflow script environment backed by RestrictedPython, every call under `limits`
    (engine/definitions/budget.py says why a script cannot escape them)."""

    def __init__(self, limits: ScriptLimits | None = None) -> None:
        super().__init__()
        self.limits = limits or ScriptLimits()

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        code = _compile(normalize_expression(expression), "eval")
        budget = Budget(self.limits)
        scope = _safe_globals(budget)
        scope["value_of"] = _value_of(context)
        scope.update(external_context or {})
        scope.update(context)
        with _contained(budget):
            return eval(code, scope)  # noqa: S307 - compiled by RestrictedPython with guarded builtins

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        code = _compile(script, "exec")
        budget = Budget(self.limits)
        base = _safe_globals(budget)
        scope = dict(base)
        scope.update(external_context or {})
        scope.update(context)
        with _contained(budget):
            exec(code, scope)  # noqa: S102 - compiled by RestrictedPython with guarded builtins
        for key in list(context):
            if key not in scope:
                del context[key]
        for key, value in scope.items():
            if key in base or key.startswith("_") or callable(value) or isinstance(value, ModuleType):
                continue
            if external_context and key in external_context:
                continue
            context[key] = value
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise ScriptError("本系统不支持服务任务（service task）")


def make_script_engine(limits: ScriptLimits | None = None) -> PythonScriptEngine:
    """The script engine every workflow runs with, each script and condition under `limits`."""
    return PythonScriptEngine(environment=SandboxEnvironment(limits))
