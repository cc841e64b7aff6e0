"""docs/api_example.py runs against a live development server (its own SQLite database,
a synthetic organization, a key from ``manage.py api_key``) and lists the matches of
the round it published."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _live_server():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("api_check", ROOT / "bench" / "api_check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.live_server


@pytest.mark.slow
@pytest.mark.real_clock  # the server and the script read the machine's clock
def test_the_example_script_drives_a_live_server():
    with _live_server()(people=30, port=8183) as (url, key, _env):
        done = subprocess.run(
            [sys.executable, str(ROOT / "docs" / "api_example.py"), "--url", url, "--key", key],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "enrolled 20 people" in out
    assert "previewed round" in out and "published round" in out and ": published" in out
    matches = int(out.strip().splitlines()[-1].split()[0])
    assert matches >= 5, out
