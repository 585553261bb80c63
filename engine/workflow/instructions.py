"""Task instructions: Jinja in a sandbox, autoescaped, rendered with the task's data under the script budget,
then cleaned by an allow-list (nh3): a BPMN file's instructions or documentation may format text, never run
script.

Jinja compiles a template to Python, but a sandboxed template reaches the outside only through the
environment: every call goes through `call`, every attribute through `getattr`, `*` and `**` through
`call_binop`. The budget is checked there and on every item of every loop: the data, the results of calls and
`range` are handed to the template as checked iterables, so nested loops stop when the clock runs out; sizes
(`range`, `*`, `**`, padding filters, the output itself) are bounded before they are built.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

import nh3
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from engine.definitions.budget import Budget, ScriptLimits
from engine.errors import ScriptError

BROKEN = "办理说明无法显示"
_budget: ContextVar[Budget | None] = ContextVar("spiral_instruction_budget", default=None)


def _current() -> Budget:
    budget = _budget.get()
    if budget is None:
        raise ScriptError("办理说明只能在预算内渲染")
    return budget


class _Checked:
    """An iterable whose every item passes the budget (what templates loop over)."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items

    def __iter__(self) -> Iterator[Any]:
        return _current().checked(self.items)

    def __bool__(self) -> bool:
        return bool(self.items) if hasattr(self.items, "__len__") else True

    def __str__(self) -> str:
        return str(list(self.items) if isinstance(self.items, (range, Iterator)) else self.items)

    def __len__(self) -> int:
        return len(self.items)  # type: ignore[arg-type]  # only asked of sized ones

    def __getitem__(self, index: Any) -> Any:
        return _checked(self.items[index])  # type: ignore[index]  # only asked of sequences


def _checked(value: Any) -> Any:
    """Wrap lists, tuples, sets, ranges and iterators in `_Checked`; dicts keep their keys, values checked."""
    if isinstance(value, (str, bytes, Markup)):
        return value
    if isinstance(value, Mapping):
        return _CheckedDict({k: _checked(v) for k, v in value.items()})
    if isinstance(value, (list, tuple, set, frozenset, range, Iterator)):
        return _Checked(value)
    return value


class _CheckedDict(dict[Any, Any]):
    def __iter__(self) -> Iterator[Any]:
        return _current().checked(super().__iter__())


class _BudgetedEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's
        budget = _current()
        budget.check()
        return _checked(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj: Any, attribute: str) -> Any:
        _current().check()
        return super().getattr(obj, attribute)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        budget = _current()
        return _checked(budget.binop(operator, left, right))


def _bounded_range(*args: int) -> _Checked:
    made = range(*args)
    _current().size(len(made))
    return _Checked(made)


def _padding(name: str) -> Any:
    def pad(value: Any, width: int = 80, *rest: Any) -> Any:
        wide = width if isinstance(width, int) else len(str(width))  # indent also takes a string
        _current().size(wide * (str(value).count("\n") + 1 if name == "indent" else 1))
        return original[name](value, width, *rest)
    return pad


def _budgeted_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose result is checked too (Jinja calls filters directly, not through `call`)."""
    @functools.wraps(function)  # keeps Jinja's pass_context / pass_eval_context marks
    def run(*args: Any, **kwargs: Any) -> Any:
        _current().check()
        return _checked(function(*args, **kwargs))
    return run


_env = _BudgetedEnvironment(autoescape=True)
_env.globals["range"] = _bounded_range
original = {name: _env.filters[name] for name in ("center", "indent")}
_env.filters.update({name: _padding(name) for name in original})
_printf = _env.filters["format"]


def _bounded_format(value: Any, *args: Any, **kwargs: Any) -> Any:
    _current().percent(str(value), args or kwargs)
    return _printf(value, *args, **kwargs)


_env.filters["format"] = _bounded_format
_env.filters.update({name: _budgeted_filter(function) for name, function in _env.filters.items()})


def render_instructions(template: str, data: dict[str, Any], limits: ScriptLimits | None = None) -> Markup:
    """Render a task's instructions under `limits`; whatever goes wrong (a template error, `1/0`, the budget
    spent) shows a sentence saying the instructions cannot be shown, never an error page."""
    return rendered_instructions(template, data, limits)[0]


def rendered_instructions(template: str, data: dict[str, Any],
                          limits: ScriptLimits | None = None) -> tuple[Markup, str]:
    """The instructions as `render_instructions` shows them, and why they are broken ("" when they are not)."""
    if not template:
        return Markup(""), ""
    budget = Budget(limits or ScriptLimits())
    token = _budget.set(budget)
    try:
        pieces: list[str] = []
        length = 0
        for piece in _env.from_string(template).generate(**{k: _checked(v) for k, v in data.items()}):
            length += len(piece)
            budget.size(length)
            budget.check()
            pieces.append(piece)
        html = "".join(pieces)
    except Exception as exc:  # noqa: BLE001 - any failure of the quality office's template is shown, not raised
        reason = exc.message if isinstance(exc, ScriptError) else type(exc).__name__
        return Markup('<span class="instructions-broken">{}</span>').format(f"{BROKEN}（{reason}），请联系质量办"), reason
    finally:
        _budget.reset(token)
    return clean_html(html.replace("\n", "<br>")), ""


ALLOWED_TAGS = {"a", "b", "blockquote", "br", "code", "em", "h3", "h4", "hr", "i", "li", "ol", "p", "pre",
                "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "u", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> Markup:
    """`html` with only the allowed tags, attributes and link schemes left (no script, style or handlers)."""
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                            link_rel="noopener noreferrer"))


__all__ = ["BROKEN", "clean_html", "render_instructions", "rendered_instructions"]
