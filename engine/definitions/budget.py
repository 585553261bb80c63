"""The clock and the size caps every BPMN script, condition and instruction template runs under.

Scripts run in-process (a process per call would cost more than the script), so the budget is built into the
compiled code rather than asked of it. Why it cannot be escaped:

- The compiler (`BudgetedTransformer`, a RestrictedPython policy) puts a call to `_budget_()` at the top of
  every `while` and `for` body and every function body, and in front of every lambda body; comprehensions and
  generator expressions iterate through `_getiter_`, which checks the budget on every item. Every way Python
  code can run for long (a loop, or a recursion that branches) therefore passes a check on each round. The
  script cannot name, rebind or reach `_budget_`: names starting with `_` are refused before compiling.
- Once spent, the budget stays spent: every later check raises again, and the sandbox raises after the script
  returns, so an `except:` that swallows the first refusal gains nothing.
- What runs in C without coming back to Python is bounded in size before it starts: `range`, `*`, `**`, `<<`,
  `+`, printf-style `%` and the padding/joining string methods refuse results beyond `max_items` items or
  digits (`str.format` RestrictedPython refuses outright); the builtins that consume iterables (`sum`,
  `sorted`, `min`, `map`, `zip`…) consume them through the same checked iterator, and `key=` functions are
  checked on every call.
- Memory that grows step by step (a list extended with itself) is sampled on the checks, at most every
  10 ms: the process's resident size may not grow by more than `memory_mb` during one script.
"""
from __future__ import annotations

import ast
import builtins
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from RestrictedPython import RestrictingNodeTransformer
from RestrictedPython.Guards import safer_getattr

from engine.errors import ScriptError

_STATM = Path("/proc/self/statm")
_PAGE = 4096


@dataclass(frozen=True)
class ScriptLimits:
    """How long one script, condition or template may run, how much memory it may add, how big a result."""

    seconds: float = 2.0
    memory_mb: int = 256
    max_items: int = 1_000_000


def _resident_bytes() -> int:
    try:
        return int(_STATM.read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


class Budget:
    """One call's budget: `check()` raises ScriptError (and keeps raising) once time or memory is spent."""

    def __init__(self, limits: ScriptLimits) -> None:
        self.limits = limits
        self.started = time.monotonic()
        self.deadline = self.started + limits.seconds
        self.memory_at_start = _resident_bytes()
        self.next_memory_check = self.started + 0.01
        self.spent = ""

    def check(self) -> None:
        """Raise ScriptError if the time or memory of this call is spent."""
        if self.spent:
            raise ScriptError(self.spent)
        now = time.monotonic()
        if now > self.deadline:
            self.spent = f"运行超过 {self.limits.seconds:g} 秒，已被终止（是否有死循环？）"
            raise ScriptError(self.spent)
        if now >= self.next_memory_check:
            self.next_memory_check = now + 0.01
            if self.memory_at_start and \
                    _resident_bytes() - self.memory_at_start > self.limits.memory_mb * 1024 * 1024:
                self.spent = f"占用内存超过 {self.limits.memory_mb} MB，已被终止"
                raise ScriptError(self.spent)

    def size(self, count: int) -> None:
        """Refuse a result of more than max_items items (characters, elements or digits)."""
        if count > self.limits.max_items:
            raise ScriptError(f"结果过大（{count} 项，上限 {self.limits.max_items} 项），已被拒绝")

    def checked(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """Iterate `iterable`, checking the budget on every item."""
        for item in builtins.iter(iterable):
            self.check()
            yield item

    def guarded(self) -> dict[str, Any]:
        """The names compiled code calls (`_budget_`, `_binop_`…) and the bounded builtins, bound to this budget."""
        return {"_budget_": self.check, "_binop_": self.binop, "_getiter_": self.checked,
                "_getattr_": self.getattr, "_fmt_": self.fmt, **self.builtins()}

    def binop(self, op: str, left: Any, right: Any) -> Any:
        """`left op right` for the operators whose result can be huge, refused before it is computed."""
        if op == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(times, int) and isinstance(seq, (str, bytes, list, tuple)):
                    self.size(len(seq) * max(times, 0))
            if isinstance(left, int) and isinstance(right, int):
                self.size((left.bit_length() + right.bit_length()) // 3)
            return left * right
        if op == "**":
            return self.power(left, right)
        if op == "%":
            if isinstance(left, (str, bytes)):
                self.percent(left if isinstance(left, str) else left.decode("latin-1"), right)
            return left % right
        if op == "<<":
            if isinstance(left, int) and isinstance(right, int):
                self.size((left.bit_length() + max(right, 0)) // 3)
            return left << right
        if isinstance(left, (str, bytes, list, tuple)) and isinstance(right, (str, bytes, list, tuple)):
            self.size(len(left) + len(right))
        return left + right

    def inplace(self, op: str, target: Any, value: Any) -> Any:
        """`target op= value` (RestrictedPython rewrites augmented assignment of names to this)."""
        if op in {"+=", "*=", "**=", "<<="}:
            return self.binop(op[:-1], target, value)
        operations: dict[str, Callable[[], Any]] = {
            "-=": lambda: target - value, "/=": lambda: target / value, "//=": lambda: target // value,
            "%=": lambda: target % value}
        if op not in operations:
            raise ScriptError(f"不支持的运算 {op}")
        return operations[op]()

    def power(self, base: Any, exponent: Any, modulo: Any = None) -> Any:
        """`pow` with the size of an integer result bounded (digits ≈ bits / 3.3)."""
        if modulo is None and isinstance(base, int) and isinstance(exponent, int) and exponent > 0 \
                and abs(base) > 1:
            self.size(base.bit_length() * exponent // 3)
        return builtins.pow(base, exponent, modulo)

    def fmt(self, value: Any, spec: str) -> Any:
        """Refuse an f-string width beyond max_items; the value is formatted by Python afterwards."""
        self._width(spec)
        return value

    def percent(self, template: str, args: Any) -> None:
        """Refuse printf-style widths and precisions (`%9999999999d`, `%*d`) beyond max_items."""
        values = args if isinstance(args, tuple) else (args,)
        for width, precision in _PERCENT.findall(template):
            for part in (width, precision):
                if part == "*":
                    self.size(max((abs(v) for v in values if isinstance(v, int)), default=0))
                elif part:
                    self.size(int(part) if len(part) < 12 else 10 ** 12)

    def _width(self, spec: str) -> None:
        digits = "".join(c if c.isdigit() else " " for c in spec).split()
        if digits:
            self.size(max(int(d) if len(d) < 12 else 10 ** 12 for d in digits))

    def getattr(self, obj: Any, name: str, default: Any = None) -> Any:
        """safer_getattr, with the string and list methods that size or loop in C bounded."""
        value = safer_getattr(obj, name, default)  # type: ignore[no-untyped-call]  # RestrictedPython
        if isinstance(obj, (str, bytes)):
            sizer = self._string_sizes(obj).get(name)
            if sizer is not None:
                return self._sized(value, sizer)
            if name == "join":
                return self._join(value)
        if isinstance(obj, list) and name == "sort":
            return lambda key=None, reverse=False: value(key=self._key(key), reverse=reverse)
        if isinstance(obj, (list, set, dict)) and name in {"extend", "update"}:
            return lambda *its, **kw: value(*[self.checked(it) for it in its], **kw)
        return value

    @staticmethod
    def _string_sizes(text: Any) -> dict[str, Callable[..., int]]:
        """How long the result of each padding method of `text` would be, from its arguments."""
        def replaced(old: Any, new: Any, *rest: Any) -> int:
            return int(len(text) + (text.count(old) if old else len(text) + 1) * len(new))
        return {"ljust": lambda width, *rest: int(width), "rjust": lambda width, *rest: int(width),
                "center": lambda width, *rest: int(width), "zfill": lambda width: int(width),
                "expandtabs": lambda tabsize=8: int(len(text) + text.count(b"\t" if isinstance(text, bytes)
                                                                           else "\t") * int(tabsize)),
                "replace": replaced}

    def _sized(self, method: Callable[..., Any], sizer: Callable[..., int]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            self.size(sizer(*args))
            return method(*args)
        return call

    def _join(self, join: Callable[[Iterable[Any]], Any]) -> Callable[[Iterable[Any]], Any]:
        def bounded(items: Iterable[Any]) -> Any:
            parts = builtins.list(self.checked(items))
            self.size(builtins.sum(len(p) for p in parts if isinstance(p, (str, bytes))))
            return join(parts)
        return bounded

    def _key(self, key: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
        if key is None:
            return None

        def checked_key(item: Any) -> Any:
            self.check()
            return key(item)
        return checked_key

    def builtins(self) -> dict[str, Any]:
        """The builtins that make or consume many items, bounded."""
        def bounded_range(*args: int) -> range:
            made = builtins.range(*args)
            self.size(len(made))
            return made

        def consuming(function: Callable[..., Any]) -> Callable[..., Any]:
            def call(*iterables: Any, **kwargs: Any) -> Any:
                if "key" in kwargs:
                    kwargs["key"] = self._key(kwargs["key"])
                return function(*[self.checked(it) if _iterable(it) else it for it in iterables], **kwargs)
            return call

        def mapping(function: Callable[..., Any], *iterables: Any) -> Iterator[Any]:
            return self.checked(builtins.map(function, *[self.checked(it) for it in iterables]))

        def filtering(function: Callable[..., Any] | None, iterable: Any) -> Iterator[Any]:
            return self.checked(builtins.filter(function, self.checked(iterable)))

        # Types (list, dict…) stay types for isinstance: what they consume is already checked (generators,
        # comprehensions, map/filter/zip) or already in memory.
        names = ("sum", "sorted", "min", "max", "any", "all", "enumerate", "zip")
        bounded = {name: consuming(getattr(builtins, name)) for name in names}
        bounded.update(range=bounded_range, map=mapping, filter=filtering, pow=self.power)
        bounded["reversed"] = lambda seq: self.checked(builtins.reversed(seq))
        bounded["_inplacevar_"] = self.inplace
        return bounded


def _iterable(value: Any) -> bool:
    return not isinstance(value, (str, bytes, dict)) and hasattr(value, "__iter__")


def _check_call() -> ast.Expr:
    return ast.Expr(ast.Call(func=ast.Name("_budget_", ast.Load()), args=[], keywords=[]))


_BOUNDED_OPS: dict[type[ast.operator], str] = {ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Add: "+",
                                                ast.Mod: "%"}
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")


class BudgetedTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy plus a budget check in every loop, function and lambda, and bounded operators."""

    def _checked_body(self, node: Any) -> Any:
        node.body.insert(0, ast.copy_location(_check_call(), node))
        return ast.fix_missing_locations(node)

    def visit_While(self, node: ast.While) -> Any:
        return self._checked_body(super().visit_While(node))

    def visit_For(self, node: ast.For) -> Any:
        return self._checked_body(super().visit_For(node))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        return self._checked_body(super().visit_FunctionDef(node))

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        visited: Any = super().visit_Lambda(node)
        call = _check_call().value
        visited.body = ast.BoolOp(op=ast.Or(), values=[call, visited.body])  # `None or body` is body
        return ast.fix_missing_locations(visited)

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        visited: Any = super().visit_BinOp(node)
        symbol = _BOUNDED_OPS.get(type(visited.op))
        if symbol is None:
            return visited
        call = ast.Call(func=ast.Name("_binop_", ast.Load()),
                        args=[ast.Constant(symbol), visited.left, visited.right], keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, visited))

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        visited: Any = super().visit_FormattedValue(node)
        node = visited
        if node.format_spec is not None:
            spec = ast.JoinedStr(values=list(visited.format_spec.values))
            node.value = ast.Call(func=ast.Name("_fmt_", ast.Load()), args=[node.value, spec], keywords=[])
            ast.fix_missing_locations(ast.copy_location(node.value, node))
        return node
