"""Where one worker's delivery CPU goes: cProfile around ``messages_deliver``.

    .venv/bin/python bench/delivery_profile.py --people 300 [--sort tottime] [--top 40]

Same set-up as bench/delivery.py (a temporary SQLite database, one published round of
introductions with ``.ics``, DEBUG=0), with an aiosmtpd sink in another process
(``--port``, 8920 by default); the batch of due messages is delivered once unprofiled (warm-up: templates,
translations) and then again, in batches of 100, under cProfile. Prints the CPU per
e-mail (process time of this process, the best of 3 passes) and the top functions of a
profiled pass.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--port", type=int, default=8920, help="the sink's port")
    parser.add_argument("--no-profile", action="store_true", help="time only")
    parser.add_argument("--callers", help="also print who calls functions matching this")
    parser.add_argument("--callees", help="also print what functions matching this call")
    parser.add_argument(
        "--split",
        action="store_true",
        help="CPU per e-mail inside a few named steps (inclusive; no profiler)",
    )
    args = parser.parse_args()
    from delivery import requeue_due, setup_round

    tmp = Path(tempfile.mkdtemp(prefix="crosspaths-prof-"))
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{args.port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ]
    )
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        CROSSPATHS_VAR_DIR=str(tmp),
        TASKS_BACKEND="immediate",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(args.port),
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="crosspaths.settings",
    )
    import django

    django.setup()
    from crosspaths.notify.models import Message
    from crosspaths.notify.services import messages_deliver

    setup_round(args.people)

    def deliver() -> tuple[int, float]:
        requeue_due()
        ids = list(
            Message.objects.filter(kind__in=["intro", "left_out"], channel="email")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        t = time.process_time()
        for i in range(0, len(ids), 100):
            messages_deliver(message_ids=ids[i : i + 100])
        return len(ids), time.process_time() - t

    deliver()  # warm-up
    if args.split:
        split(deliver)
    best = min(deliver()[1] for _ in range(3))
    n, _ = deliver()
    print(f"{n} e-mails, best of 3 passes: {best / n * 1000:.2f} ms CPU per e-mail")
    if not args.no_profile:
        profile = cProfile.Profile(time.thread_time)  # this thread's CPU, not waiting
        profile.enable()
        deliver()
        profile.disable()
        stats = pstats.Stats(profile).sort_stats(args.sort)
        stats.print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)
        if args.callees:
            stats.print_callees(args.callees)
    sink.terminate()
    sink.wait()


# The steps --split times, as (module, attribute path) where the caller looks them up.
STEPS = [
    ("crosspaths.notify.services", "_load"),
    ("crosspaths.notify.services", "message_content"),
    ("crosspaths.notify.content", "match_calendar"),
    ("crosspaths.notify.content", "unsubscribe_token"),
    ("crosspaths.notify.channels.skeleton", "StandIns.__init__"),
    ("crosspaths.notify.channels.email", "_SMTPBackend.envelope"),
    ("crosspaths.notify.channels.email", "EmailTransport.send"),
    ("crosspaths.notify.services", "_Delivery.settle"),
    ("crosspaths.notify.content", "intro_content"),
    ("crosspaths.notify.content", "_details"),
    ("crosspaths.notify.content", "_invitation"),
    ("crosspaths.notify.channels.email", "render"),
    ("crosspaths.notify.channels.email", "_render"),
    ("crosspaths.notify.channels.email", "template_context"),
    ("crosspaths.notify.channels.skeleton", "render"),
    ("crosspaths.notify.channels.email", "message_bytes"),
    ("crosspaths.notify.channels.email", "_recipient"),
    ("smtplib", "SMTP.sendmail"),
]


def split(deliver) -> None:
    """Wrap each step with a CPU counter of the thread it runs in (inclusive of what
    it calls), run three passes, print ms of CPU per e-mail for each step against
    the whole process's (both threads), then unwrap."""
    import importlib

    spent: dict[str, float] = {}
    undo = []
    for module_name, path in STEPS:
        owner: object = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        original = getattr(owner, name)
        label = f"{module_name.rsplit('.', 1)[-1]}.{path}"
        spent[label] = 0.0

        def timed(*a, _f=original, _label=label, **k):
            t = time.thread_time()  # this thread's CPU: the sender thread runs beside
            try:
                return _f(*a, **k)
            finally:
                spent[_label] += time.thread_time() - t

        setattr(owner, name, timed)
        undo.append((owner, name, original))
    runs = [deliver() for _ in range(3)]
    for owner, name, original in undo:
        setattr(owner, name, original)
    n = sum(r[0] for r in runs)
    total = sum(r[1] for r in runs)
    print(f"{'step':44} {'ms/e-mail':>9} {'share':>6}")
    print(f"{'all of messages_deliver':44} {total / n * 1000:9.3f} {100:5.0f}%")
    for label, seconds in spent.items():
        print(f"{label:44} {seconds / n * 1000:9.3f} {seconds / total * 100:5.0f}%")


if __name__ == "__main__":
    main()
