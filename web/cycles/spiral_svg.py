"""Inline SVG of the 8-shaped quality-improvement spiral (8字形质量改进螺旋).

Pure Python (markupsafe only, no Flask) so it can be used from templates, reports and tests.

The big static loop (periodic: 目标 → 标准 → … → 改进) is the larger, left lobe of a
figure-eight; the small dynamic loop (real time: 监测 → 预警 → 改进) is the smaller, right lobe.  The two lobes
cross at 实施 (``implement``); if a process has no ``implement`` stage the middle stage is used.
Stage lists are data, never hard-coded here: any 1..n stages are laid out by arc length along the
big lobe (tuned for 5–14).

Each big-loop node is ``<g class="stage current|done|todo" data-stage="<code>">``; each small-loop
node is ``<g class="small-stage live|idle" data-small-stage="<code>">`` (``live`` while the crossing
stage is current, i.e. while 实施 runs and the small loop is monitoring).
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping

from markupsafe import Markup, escape

__all__ = ["render_spiral_svg", "DEFAULT_STAGES", "DEFAULT_SMALL_LOOP"]

# Only a convenient default for demos/tests; real stage lists come from the process definition.
DEFAULT_STAGES: list[tuple[str, str]] = [
    ("goal", "目标"), ("standard", "标准"), ("design", "设计"), ("organise", "组织"),
    ("implement", "实施"), ("diagnose", "诊断"), ("incentive", "激励"), ("learn", "学习"),
    ("create", "创新"), ("improve", "改进"),
]
DEFAULT_SMALL_LOOP: list[tuple[str, str]] = [("monitor", "监测"), ("warn", "预警"), ("improve", "改进")]

CROSSING_CODE = "implement"

# geometry (viewBox units)
_W, _H = 640, 384
_CX, _CY = 410.0, 176.0      # crossing point of the two lobes
_BIG, _SMALL = 358.0, 184.0  # lobe lengths (lemniscate half-widths)
_STRETCH = 1.12              # vertical stretch, same on both lobes so the crossing stays smooth
_SAMPLES = 480

# palette
_CURRENT_FILL, _DONE_FILL = "#d9480f", "#2b8a3e"
_TODO_STROKE, _TODO_TEXT = "#adb5bd", "#495057"
_BIG_LINE, _SMALL_LINE = "#ced4da", "#74c0fc"
_SMALL_LIVE = "#1c7ed6"
_FONT = "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
_MAX_EMS = 6.0               # labels wider than six CJK characters are shortened with … (full text in <title>)

# the picture's own words; a page in another language passes its translation (render_spiral_svg's `words`)
WORDS: dict[str, str] = {
    "current": "当前阶段", "done": "已完成", "todo": "未开始", "small_live": "小循环（实时）",
    "big": "大循环", "big_note": "静态 · 周期性 · 螺旋上升", "small": "小循环", "small_note": "动态 · 实时",
    "small_title": "小循环·实时", "name": "8字形质量改进螺旋", "empty": "（未配置阶段）",
    "big_desc": "大循环（周期）：", "small_desc": "；小循环（实时）：", "now": "当前阶段：", "finished": "已完成：",
    "sep": "；", "list": "、", "paren": "（{}）",
}


# ---------------------------------------------------------------- geometry helpers
def _lemniscate(t: float) -> tuple[float, float]:
    """Bernoulli lemniscate, half-width 1, y flipped so the big lobe runs clockwise on screen."""
    s, c = math.sin(t), math.cos(t)
    d = 1.0 + s * s
    return c / d, -s * c / d


def _lobe(t0: float, t1: float, scale: float) -> list[tuple[float, float]]:
    pts = []
    for i in range(_SAMPLES + 1):
        x, y = _lemniscate(t0 + (t1 - t0) * i / _SAMPLES)
        pts.append((_CX + x * scale, _CY + y * scale * _STRETCH))
    return pts


class _Path:
    """A sampled curve with arc-length lookup."""

    def __init__(self, pts: list[tuple[float, float]]):
        self.pts = pts
        self.cum = [0.0]
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            self.cum.append(self.cum[-1] + math.hypot(x1 - x0, y1 - y0))
        self.length = self.cum[-1]

    def at(self, frac: float) -> tuple[float, float, float]:
        """Point and tangent angle (degrees) at a fraction 0..1 of the arc length."""
        target = (frac % 1.0) * self.length
        lo, hi = 0, len(self.cum) - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.cum[mid] <= target:
                lo = mid
            else:
                hi = mid
        seg = self.cum[hi] - self.cum[lo] or 1.0
        k = (target - self.cum[lo]) / seg
        (x0, y0), (x1, y1) = self.pts[lo], self.pts[hi]
        return x0 + (x1 - x0) * k, y0 + (y1 - y0) * k, math.degrees(math.atan2(y1 - y0, x1 - x0))

    def d(self) -> str:
        head, *rest = self.pts
        return f"M{head[0]:.1f},{head[1]:.1f}" + "".join(f"L{x:.1f},{y:.1f}" for x, y in rest) + "Z"


# ---------------------------------------------------------------- text helpers
def _text_width(text: str, size: float) -> float:
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def _short(label: str) -> str:
    """The label, or as much of it as fits six CJK characters' width, then …"""
    if _text_width(label, 1.0) <= _MAX_EMS:
        return label
    while label and _text_width(label, 1.0) > _MAX_EMS - 0.6:
        label = label[:-1]
    return label + "…"


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- drawing pieces
def _arrow(x: float, y: float, angle: float, colour: str) -> str:
    return (f'<path d="M4.5,0L-3.5,-4.5L-1.5,0L-3.5,4.5Z" fill="{colour}" '
            f'transform="translate({_f(x)},{_f(y)}) rotate({_f(angle)})"/>')


def _pill(x: float, y: float, text: str, size: float, *, fill: str, stroke: str, text_fill: str,
          bold: bool = False, stroke_width: float = 1.5, min_w: float = 0.0, pad: float = 11.0) -> str:
    w = max(_text_width(text, size) + 2 * pad, min_w)
    h = size + 14
    weight = ' font-weight="700"' if bold else ""
    return (f'<rect x="{_f(x - w / 2)}" y="{_f(y - h / 2)}" width="{_f(w)}" height="{_f(h)}" '
            f'rx="{_f(h / 2)}" fill="{fill}" stroke="{stroke}" stroke-width="{_f(stroke_width)}"/>'
            f'<text x="{_f(x)}" y="{_f(y)}" dy="0.35em" text-anchor="middle" font-size="{_f(size)}"'
            f'{weight} fill="{text_fill}">{escape(text)}</text>')


def _stage_node(code: str, label: str, status: str, x: float, y: float, size: float, hub: bool,
                words: Mapping[str, str]) -> str:
    shown = _short(label)
    if status == "current":
        style = dict(fill=_CURRENT_FILL, stroke="#a63b0a", text_fill="#ffffff", bold=True)
    elif status == "done":
        shown = "✓\u2009" + shown
        style = dict(fill=_DONE_FILL, stroke="#237032", text_fill="#ffffff")
    else:
        style = dict(fill="#ffffff", stroke=_TODO_STROKE, text_fill=_TODO_TEXT)
    if hub:  # the crossing node is a little larger: it belongs to both loops
        style.update(stroke_width=2.5, min_w=64.0, pad=14.0)
        if status == "todo":
            style.update(stroke="#868e96", bold=True)
    cls = f"stage {status}" + (" hub" if hub else "")
    return (f'<g class="{cls}" data-stage="{escape(code)}">'
            f'<title>{escape(label)}{escape(words["paren"].format(words[status]))}</title>'
            + _pill(x, y, shown, size, **style) + "</g>")  # type: ignore[arg-type]  # style holds _pill's keywords


def _small_node(code: str, label: str, live: bool, x: float, y: float, size: float, words: Mapping[str, str]) -> str:
    colour = _SMALL_LIVE if live else "#4dabf7"
    return (f'<g class="small-stage {"live" if live else "idle"}" data-small-stage="{escape(code)}">'
            f'<title>{escape(label)}{escape(words["paren"].format(words["small_title"]))}</title>'
            + _pill(x, y, _short(label), size, fill="#e7f5ff" if live else "#ffffff", stroke=colour,
                    text_fill="#1864ab", stroke_width=2.0 if live else 1.5)
            + "</g>")


def _legend(y: float, has_small: bool, words: Mapping[str, str]) -> str:
    items = [(words["current"], _CURRENT_FILL, _CURRENT_FILL), (words["done"], _DONE_FILL, _DONE_FILL),
             (words["todo"], "#ffffff", _TODO_STROKE)]
    if has_small:
        items.append((words["small_live"], "#ffffff", "#4dabf7"))
    parts = ['<g class="legend" font-size="12" fill="#495057">']
    widths = [26 + _text_width(t, 12) + 22 for t, _, _ in items]
    x = (_W - sum(widths) + 22) / 2
    for (text, fill, stroke), w in zip(items, widths):
        parts.append(f'<rect x="{_f(x)}" y="{_f(y - 7)}" width="20" height="14" rx="7" fill="{fill}" '
                     f'stroke="{stroke}" stroke-width="1.5"/>'
                     f'<text x="{_f(x + 26)}" y="{_f(y)}" dy="0.35em">{escape(text)}</text>')
        x += w
    parts.append("</g>")
    return "".join(parts)


def _as_set(values: Iterable[str] | None) -> frozenset[str]:
    return frozenset(values or ())


# ---------------------------------------------------------------- public API
def render_spiral_svg(
    stages: list[tuple[str, str]],
    *,
    current: set[str] | frozenset = frozenset(),
    done: set[str] | frozenset = frozenset(),
    small_loop: list[tuple[str, str]] | None = None,
    title: str = "",
    small_live: bool = False,
    words: Mapping[str, str] | None = None,
) -> Markup:
    """Return a complete inline ``<svg>`` of the 8-shaped spiral as safe Markup.

    ``stages``: (code, label) pairs in big-loop order.  ``current``/``done``: stage codes to light
    up / tick off (``current`` wins if a code is in both).  ``small_loop``: optional (code, label)
    pairs of the real-time loop, drawn as the small lobe crossing the big one at ``implement``
    (or the middle stage).  ``title``: heading and accessible name.  ``small_live``: light the small loop
    although 实施 is not current (a warning's improvement is under way).  ``words``: the picture's own words in
    the page's language (keys of ``WORDS``; Chinese when absent).  Labels are escaped.
    """
    w = {**WORDS, **(words or {})}
    stages = [(str(c), str(lbl)) for c, lbl in stages]
    small = [(str(c), str(lbl)) for c, lbl in (small_loop or [])]
    current, done = _as_set(current), _as_set(done)
    n = len(stages)

    def status(code: str) -> str:
        return "current" if code in current else "done" if code in done else "todo"

    name = title or w["name"]
    summary = [name]
    cur_labels = [lbl for c, lbl in stages if status(c) == "current"]
    done_labels = [lbl for c, lbl in stages if status(c) == "done"]
    if cur_labels:
        summary.append(w["now"] + w["list"].join(cur_labels))
    if done_labels:
        summary.append(w["finished"] + w["list"].join(done_labels))
    aria = w["sep"].join(summary)

    top = 38.0 if title else 12.0
    height = _H + (top - 12.0)
    dy = top - 12.0  # shift everything down when there is a heading
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spiral-svg" viewBox="0 0 {_W} {_f(height)}" '
        f'width="100%" style="max-width:{_W}px;height:auto;display:block" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="{escape(aria)}" '
        f'font-family="{_FONT}">',
        f"<title>{escape(name)}</title>",
        "<desc>" + escape(w["big_desc"] + " → ".join(lbl for _, lbl in stages))
        + (escape(w["small_desc"] + " → ".join(lbl for _, lbl in small)) if small else "")
        + "</desc>",
    ]
    if title:
        out.append(f'<text class="spiral-title" x="{_W / 2:g}" y="24" text-anchor="middle" font-size="16" '
                   f'font-weight="700" fill="#212529">{escape(title)}</text>')
    if n == 0:
        out.append(f'<text x="{_W / 2:g}" y="{_f(height / 2)}" text-anchor="middle" font-size="14" '
                   f'fill="#868e96">{escape(w["empty"])}</text></svg>')
        return Markup("".join(out))

    out.append(f'<g transform="translate(0,{_f(dy)})">')
    codes = [c for c, _ in stages]
    hub = codes.index(CROSSING_CODE) if CROSSING_CODE in codes else n // 2
    hub_live = status(codes[hub]) == "current" or small_live

    big = _Path(_lobe(math.pi / 2, 3 * math.pi / 2, _BIG))     # starts at the crossing, heads down-left
    small_path = _Path(_lobe(-math.pi / 2, math.pi / 2, _SMALL)) if small else None

    # font shrinks a little when many / long labels share the big lobe
    size = 14.0
    spacing = big.length / n
    while size > 11 and max(_text_width(_short(lbl), size) + 30 for _, lbl in stages) > spacing:
        size -= 0.5

    # loop lines
    out.append(f'<path class="loop big" d="{big.d()}" fill="none" stroke="{_BIG_LINE}" stroke-width="6" '
               f'stroke-linejoin="round"/>')
    if small_path:
        out.append(f'<path class="loop small" d="{small_path.d()}" fill="none" '
                   f'stroke="{_SMALL_LIVE if hub_live else _SMALL_LINE}" stroke-width="3" '
                   f'stroke-dasharray="7 5" stroke-linejoin="round"/>')

    # lobe captions
    lx, ly = _CX - _BIG * 0.52, _CY
    out.append(f'<g class="caption" text-anchor="middle" fill="#868e96">'
               f'<text x="{_f(lx)}" y="{_f(ly - 6)}" font-size="15" font-weight="700" '
               f'fill="#495057">{escape(w["big"])}</text>'
               f'<text x="{_f(lx)}" y="{_f(ly + 14)}" font-size="12">{escape(w["big_note"])}</text>')
    if small_path:
        sx = _CX + _SMALL * 0.55
        out.append(f'<text x="{_f(sx)}" y="{_f(ly - 4)}" font-size="13" font-weight="700" '
                   f'fill="#1864ab">{escape(w["small"])}</text>'
                   f'<text x="{_f(sx)}" y="{_f(ly + 13)}" font-size="11" fill="#4dabf7">{escape(w["small_note"])}</text>')
    out.append("</g>")

    # arrows half-way between consecutive nodes (direction of travel)
    for i in range(n):
        x, y, a = big.at((i + 0.5) / n)
        out.append(_arrow(x, y, a, "#868e96"))
    if small_path:
        m = len(small)
        for j in range(m + 1):
            x, y, a = small_path.at((j + 0.5) / (m + 1))
            out.append(_arrow(x, y, a, _SMALL_LIVE))

    # nodes: small loop first so the hub is drawn on top
    if small_path:
        m = len(small)
        for j, (code, label) in enumerate(small, start=1):
            x, y, _ = small_path.at(j / (m + 1))
            out.append(_small_node(code, label, hub_live, x, y, min(size, 13.0), w))
    for i, (code, label) in enumerate(stages):
        x, y, _ = big.at(((i - hub) % n) / n)
        out.append(_stage_node(code, label, status(code), x, y, size, hub=(i == hub), words=w))

    out.append("</g>")
    out.append(_legend(height - 20, bool(small), w))
    out.append("</svg>")
    return Markup("".join(out))
