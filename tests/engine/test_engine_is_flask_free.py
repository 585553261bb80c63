import subprocess
import sys


def test_importing_the_engine_loads_no_flask():
    code = ("import sys, engine, engine.tables, engine.assembly, engine.demo, engine.tick; "
            "print('flask' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_runtime_api_leaves_the_demo_school_out():
    code = "import sys, engine; print('engine.demo' in sys.modules, len(engine.__all__) > 100)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_the_web_layer_uses_the_engine_through_its_public_api():
    """web/ imports `from engine import …` (engine/__init__.py), never a room's module; `spiral demo` alone
    reaches into engine.demo."""
    import re
    from pathlib import Path
    web = Path(__file__).resolve().parents[2] / "web"
    deep = [f"{path.relative_to(web)}: {line.strip()}" for path in sorted(web.rglob("*.py"))
            for line in path.read_text(encoding="utf-8").splitlines()
            if re.match(r"\s*(from|import) engine\.(?!demo\b)", line)]
    assert deep == []
