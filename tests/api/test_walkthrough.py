"""docs/api.md's curl walk-through, run as written against a live server with the seed.

Every ``sh`` block of the section runs in one shell, in order (so a block may use what an
earlier one found); the fenced block after a command block is what it must print, ids, counts
and times aside (every run of digits compares equal).
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from statements.seeding import seed_load
from statements.services.accounts import curator_create
from tests.conftest import SEED_PATH

DOC = Path(settings.BASE_DIR) / "docs" / "api.md"
SECTION = "## A walk-through with curl"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
MARK = "--- next block ---"

pytestmark = pytest.mark.skipif(
    not (shutil.which("curl") and shutil.which("jq")), reason="the walk-through uses curl and jq"
)


def walkthrough() -> list[tuple[str, str | None]]:
    """Return each command block of the section with the output block that follows it."""
    text = DOC.read_text()
    section = text[text.index(SECTION) :]
    blocks = [(lang, body) for lang, body in FENCE.findall(section)]
    steps = []
    for index, (lang, body) in enumerate(blocks):
        if lang != "sh":
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        expected = following[1] if following and following[0] != "sh" else None
        steps.append((body, expected))
    return steps


def normalized(text: str) -> list[str]:
    return [re.sub(r"\d+", "N", line.strip()) for line in text.strip().splitlines()]


def test_the_walkthrough_runs_and_prints_what_the_doc_shows(live_server, transactional_db):
    seed_load(SEED_PATH)
    _, token = curator_create(username="curator", password="curator-password")
    steps = walkthrough()
    assert len(steps) >= 7
    script = f"\necho '{MARK}'\n".join(body for body, _ in steps)
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "B": live_server.url,
            "TOKEN": token,
        },
    )
    assert run.returncode == 0, run.stderr
    printed = run.stdout.split(f"{MARK}\n")
    assert len(printed) == len(steps)
    for (command, expected), output in zip(steps, printed, strict=True):
        if expected is not None:
            assert normalized(output) == normalized(expected), command
