"""The engine is plain Python: nothing under contradict/engine imports Django."""

import re
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "contradict" / "engine"


def test_engine_source_never_imports_django():
    pattern = re.compile(r"^\s*(from|import)\s+(django|rest_framework|statements)\b", re.M)
    offenders = [p.name for p in ENGINE.rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


def test_engine_imports_without_django_loaded():
    # The project package starts the Celery app (which reads Django settings), so stand in
    # for it and import the engine alone.
    code = (
        "import sys, types; package = types.ModuleType('contradict'); "
        f"package.__path__ = [{str(ENGINE.parent)!r}]; sys.modules['contradict'] = package; "
        "import contradict.engine.rules, contradict.engine.blocking, "
        "contradict.engine.scoring, contradict.engine.intervals, contradict.engine.world; "
        "print(any(name == 'django' or name.startswith('django.') for name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ENGINE.parents[1],
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == "False"
