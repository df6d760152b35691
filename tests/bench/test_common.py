"""The benchmarks' shared set-up, checked without running a benchmark."""

import os
import subprocess
import sys

from django.conf import settings

BENCH = settings.BASE_DIR / "bench"


def test_benchmarks_run_with_debug_off_whatever_the_environment_says():
    script = (
        "import os, common; common.use_database('sqlite://:memory:');"
        "from django.conf import settings; print(settings.DEBUG, os.environ['DEBUG'])"
    )
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "contradict.settings"}

    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BENCH,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    # Off in the benchmark's process and, through the environment, in every one it starts.
    assert out.split() == ["False", "false"]
