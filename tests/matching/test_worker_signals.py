"""Matching inside a command that catches SIGTERM (the scheduler does, to stop cleanly)
must still finish: the forked workers must not inherit that handler."""

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import signal
    from datetime import date
    from crosspaths.matching import match
    from crosspaths.matching.types import Person, Rules

    signal.signal(signal.SIGTERM, lambda *args: None)  # like crosspaths_scheduler
    signal.signal(signal.SIGINT, lambda *args: None)
    people = [Person(id=str(i), department=str(i % 7), location=str(i % 2)) for i in range(6000)]
    pairs = match(people, on=date(2026, 11, 30))
    groups = match(people, rules=Rules(size=4, mode="in-person"), on=date(2026, 11, 30))
    print(len(pairs.groups), len(groups.groups))
    """
)


def test_matching_finishes_when_the_caller_catches_sigterm():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=180,  # a hang, not a speed limit: the run takes a few seconds
        env={"CROSSPATHS_MATCH_WORKERS": "2", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3000", "1500"]
