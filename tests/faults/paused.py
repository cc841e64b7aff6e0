"""Runs a ``manage.py`` command with a fault point: the first time the process reaches
``--at`` it prints ``FAULT POINT <name> round <id>`` and waits until the file
``--gate`` exists, so a test injects its fault at exactly that moment (kills the
process, restarts the database) instead of sleeping and hoping. Nothing of this is in
the production code: the points are the seams between its real functions.

    before-publish  the scheduler drafted a round (committed) and is about to publish it
    mid-publish     round_publish wrote the outbox rows; its transaction is still open

    python tests/faults/paused.py --at before-publish --gate /tmp/go -- crosspaths_scheduler
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")


def _pause(name: str, round_id: int, gate: Path) -> None:
    print(f"FAULT POINT {name} round {round_id}", flush=True)
    while not gate.exists():
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--at", choices=["before-publish", "mid-publish"], required=True)
    parser.add_argument("--gate", type=Path, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = [c for c in args.command if c != "--"]

    import django

    django.setup()
    from crosspaths.notify import services as notify
    from crosspaths.programs import hooks
    from crosspaths.programs import services as programs

    fired = False

    if args.at == "before-publish":
        real_publish = programs.round_publish

        def round_publish(*, round):  # type: ignore[no-untyped-def]
            nonlocal fired
            if not fired:
                fired = True
                _pause(args.at, round.pk, args.gate)
            return real_publish(round=round)

        programs.round_publish = round_publish
    else:
        # round_publish reaches notify through the hook notify plugged in at start-up
        # (programs/hooks.py), so the seam is the hook's handler, not the module name.
        real_write = hooks.round_messages_write.handler
        assert real_write is notify.outbox_write_round, real_write

        def outbox_write_round(*, round, now):  # type: ignore[no-untyped-def]
            nonlocal fired
            written = real_write(round=round, now=now)
            if not fired:
                fired = True
                _pause(args.at, round.pk, args.gate)
            return written

        hooks.round_messages_write.handler = outbox_write_round

    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *command])


if __name__ == "__main__":
    main()
