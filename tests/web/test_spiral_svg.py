"""Tests for web.cycles.spiral_svg (the 8-shaped spiral diagram)."""
from __future__ import annotations

import ast
import importlib.util
import pathlib
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

try:
    from web.cycles.spiral_svg import render_spiral_svg
except ImportError:  # pragma: no cover - fallback when the package is not importable
    _path = pathlib.Path(__file__).resolve().parents[2] / "web" / "cycles" / "spiral_svg.py"
    _spec = importlib.util.spec_from_file_location("spiral_svg", _path)
    _mod = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_mod)
    render_spiral_svg = _mod.render_spiral_svg

SVG_NS = "{http://www.w3.org/2000/svg}"

STAGES = [("goal", "目标"), ("standard", "标准"), ("design", "设计"), ("organise", "组织"),
          ("implement", "实施"), ("diagnose", "诊断"), ("incentive", "激励"), ("learn", "学习"),
          ("create", "创新"), ("improve", "改进")]
SMALL = [("monitor", "监测"), ("warn", "预警"), ("improve", "改进")]
EXTRA = ["计划", "优化", "总结", "年报"]


def parse(svg: str) -> ET.Element:
    """Parse the SVG as XML (wrapped, as it would sit inside a page)."""
    root = ET.fromstring(f"<div>{svg}</div>")
    (svg_el,) = list(root)
    assert svg_el.tag == SVG_NS + "svg"
    return svg_el


def groups(svg_el: ET.Element, attr: str = "data-stage") -> list[ET.Element]:
    return [g for g in svg_el.iter(SVG_NS + "g") if attr in g.attrib]


def stage_list(n: int) -> list[tuple[str, str]]:
    base = STAGES + [(f"extra{i}", lbl) for i, lbl in enumerate(EXTRA)]
    return base[:n]


def test_returns_markup_with_svg_root_attributes():
    out = render_spiral_svg(STAGES, title="课程诊改")
    assert isinstance(out, Markup)
    svg = parse(out)
    assert svg.get("viewBox", "").startswith("0 0 ")
    assert svg.get("role") == "img"
    assert "课程诊改" in svg.get("aria-label")
    assert svg.get("width") == "100%"
    assert "Noto Sans CJK SC" in svg.get("font-family")
    assert svg.find(SVG_NS + "title").text == "课程诊改"


def test_every_stage_once_with_class():
    svg = parse(render_spiral_svg(STAGES))
    nodes = groups(svg)
    assert [g.get("data-stage") for g in sorted(nodes, key=lambda g: [c for c, _ in STAGES].index(
        g.get("data-stage")))] == [c for c, _ in STAGES]
    assert len(nodes) == len(STAGES)
    for g in nodes:
        classes = g.get("class").split()
        assert "stage" in classes and "todo" in classes
    texts = {g.get("data-stage"): "".join(g.find(SVG_NS + "text").itertext()) for g in nodes}
    assert texts == dict(STAGES)


def test_current_and_done_marking():
    svg = parse(render_spiral_svg(STAGES, current={"implement"}, done={"goal", "standard"}))
    by_code = {g.get("data-stage"): g for g in groups(svg)}
    assert by_code["implement"].get("class").split()[:2] == ["stage", "current"]
    assert by_code["implement"].find(SVG_NS + "rect").get("fill") == "#d9480f"
    for code in ("goal", "standard"):
        g = by_code[code]
        assert "done" in g.get("class").split()
        assert g.find(SVG_NS + "rect").get("fill") == "#2b8a3e"
        assert "✓" in "".join(g.find(SVG_NS + "text").itertext())
    for code in ("design", "diagnose", "improve"):
        assert "todo" in by_code[code].get("class").split()
    assert "当前阶段：实施" in svg.get("aria-label")


def test_current_wins_over_done_and_accepts_frozenset():
    svg = parse(render_spiral_svg(STAGES, current=frozenset({"goal"}), done=frozenset({"goal"})))
    (goal,) = [g for g in groups(svg) if g.get("data-stage") == "goal"]
    assert "current" in goal.get("class").split()
    assert "done" not in goal.get("class").split()


@pytest.mark.parametrize("n", [5, 10, 14])
def test_varying_stage_counts_are_valid_xml(n):
    stages = stage_list(n)
    svg = parse(render_spiral_svg(stages, current={stages[1][0]}, done={stages[0][0]}, small_loop=SMALL,
                                  title="第 1 轮"))
    assert sorted(g.get("data-stage") for g in groups(svg)) == sorted(c for c, _ in stages)
    assert len(groups(svg, "data-small-stage")) == len(SMALL)
    # every node lies inside the viewBox
    _, _, w, h = (float(v) for v in svg.get("viewBox").split())
    for rect in svg.iter(SVG_NS + "rect"):
        x, y = float(rect.get("x")), float(rect.get("y"))
        assert 0 <= x and x + float(rect.get("width")) <= w
        assert 0 <= y and y + float(rect.get("height")) <= h


def test_stage_nodes_do_not_overlap_for_14_stages():
    svg = parse(render_spiral_svg(stage_list(14), small_loop=SMALL))
    boxes = []
    for g in groups(svg) + groups(svg, "data-small-stage"):
        r = g.find(SVG_NS + "rect")
        x, y, w, h = (float(r.get(k)) for k in ("x", "y", "width", "height"))
        boxes.append((x, y, x + w, y + h))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_labels_and_codes_are_escaped():
    stages = [("goal", "<script>alert(1)</script>"), ('x"y', "A & B"), ("implement", "实施"),
              ("diagnose", "诊断"), ("improve", "改进")]
    out = render_spiral_svg(stages, small_loop=[("m", "<b>监测</b>")], title="<i>t</i>")
    assert "<script>" not in out and "<b>" not in out and "<i>" not in out
    assert "&lt;script&gt;" in out
    svg = parse(out)
    codes = {g.get("data-stage") for g in groups(svg)}
    assert 'x"y' in codes
    # the full label is kept in the tooltip even when the visible text is shortened
    titles = [t.text for t in svg.iter(SVG_NS + "title")]
    assert any(t and t.startswith("<script>alert(1)</script>") for t in titles)
    assert any(t and t.startswith("A & B") for t in titles)


def test_small_loop_present_and_crosses_at_implement():
    svg = parse(render_spiral_svg(STAGES, current={"implement"}, small_loop=SMALL))
    small = groups(svg, "data-small-stage")
    assert [g.get("data-small-stage") for g in small] == [c for c, _ in SMALL]
    assert all("live" in g.get("class").split() for g in small)
    (hub,) = [g for g in groups(svg) if "hub" in g.get("class").split()]
    assert hub.get("data-stage") == "implement"
    loops = [p for p in svg.iter(SVG_NS + "path") if "loop" in (p.get("class") or "").split()]
    assert {p.get("class") for p in loops} == {"loop big", "loop small"}
    # "improve" exists in both loops but data-stage stays unique
    assert [g.get("data-stage") for g in groups(svg)].count("improve") == 1


def test_small_loop_idle_and_absent():
    svg = parse(render_spiral_svg(STAGES, current={"design"}, small_loop=SMALL))
    assert all("idle" in g.get("class").split() for g in groups(svg, "data-small-stage"))
    svg = parse(render_spiral_svg(STAGES))
    assert groups(svg, "data-small-stage") == []
    assert not [p for p in svg.iter(SVG_NS + "path") if p.get("class") == "loop small"]


def test_hub_falls_back_to_middle_stage_without_implement():
    stages = [("plan", "计划"), ("do", "执行"), ("check", "检查"), ("act", "处理"),
              ("optimise", "优化")]
    svg = parse(render_spiral_svg(stages, small_loop=SMALL))
    (hub,) = [g for g in groups(svg) if "hub" in g.get("class").split()]
    assert hub.get("data-stage") == "check"


def test_legend_and_empty_stages():
    out = render_spiral_svg(STAGES, small_loop=SMALL)
    for word in ("当前阶段", "已完成", "未开始"):
        assert word in out
    empty = parse(render_spiral_svg([]))
    assert groups(empty) == []


def test_module_does_not_import_flask():
    path = pathlib.Path(__file__).resolve().parents[2] / "web" / "cycles" / "spiral_svg.py"
    src = path.read_text("utf-8")
    imported = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Import):
            imported.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "flask" not in {m.lower() for m in imported}
    assert imported <= {"__future__", "math", "unicodedata", "collections", "markupsafe"}
