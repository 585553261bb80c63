import subprocess
import sys


def test_importing_the_engine_loads_no_flask():
    code = ("import sys, engine, engine.tables, engine.assembly, engine.demo, engine.tick; "
            "print('flask' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
