"""The production smoke journey (tests/smoke/production.sh sets the stage; .ci/run).

Starts an SMTP sink (aiosmtpd) and the production ``Procfile`` under honcho (gunicorn,
an RQ worker, the scheduler) with the environment it was given (DEBUG=0), then walks
through it as a browser behind a TLS-terminating proxy would: health and readiness,
the HTTPS redirect, password sign-in as the demo's HR admin, console pages and a static
file, a round previewed and published from the console, and every introduction of that
round received by the sink exactly once. Exits non-zero on the first failure.

The script plays the proxy: it sends ``X-Forwarded-Proto: https`` and
``X-Forwarded-For`` (the stack runs with PROXY_SETS_X_FORWARDED_PROTO=1 and
TRUSTED_PROXY_COUNT=1, as behind nginx) and keeps the session cookies, which the app
marks Secure, for the plain loopback hop, as the proxy's client would over HTTPS.
"""

from __future__ import annotations

import argparse
import email
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.policy import default as default_policy
from pathlib import Path

import psycopg
import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
DEMO_ADMIN = ("alice@demo.crosspaths.test", "crosspaths-demo")


class Sink:
    """An SMTP server on loopback that keeps each message's outbox key."""

    def __init__(self, port: int) -> None:
        self.keys: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self._lock:
            self.keys[str(message["X-Crosspaths-Message"])] += 1
        return "250 Message accepted for delivery"


class Browser:
    """requests behind a pretend TLS proxy: every request says it came over HTTPS."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.origin = "https://" + base.split("://", 1)[1]
        self.session = requests.Session()
        self.session.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"})

    def get(self, path: str, **kw: object) -> requests.Response:
        return self._keep(self.session.get(self.base + path, allow_redirects=False, **kw))

    def post(self, path: str, data: dict[str, str], referer: str) -> requests.Response:
        headers = {"Origin": self.origin, "Referer": self.origin + referer}
        data = {"csrfmiddlewaretoken": self.csrf(referer), **data}
        response = self.session.post(
            self.base + path, data=data, headers=headers, allow_redirects=False
        )
        return self._keep(response)

    def csrf(self, path: str) -> str:
        page = self.get(path)
        check(page.status_code == 200, f"GET {path} for its form: {page.status_code}")
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        check(found is not None, f"no CSRF token on {path}")
        return found.group(1)  # type: ignore[union-attr]

    def _keep(self, response: requests.Response) -> requests.Response:
        for header in response.raw.headers.getlist("Set-Cookie"):
            check("Secure" in header, f"a cookie without Secure: {header.split(';')[0]}")
        for cookie in self.session.cookies:  # the proxy's client holds them over HTTPS
            cookie.secure = False
        return response


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"SMOKE FAILED: {what}")


def say(what: str, started: float) -> None:
    print(f"  ok  {what} ({time.perf_counter() - started:.1f} s)", flush=True)


def wait_until(what: str, probe, timeout: float):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.5)
    raise SystemExit(f"SMOKE FAILED: {what} within {timeout:.0f} s")


def follow_job(browser: Browser, job_url: str) -> str:
    """Poll a round job's page until it sends the browser on to the round."""

    def done() -> str | None:
        page = browser.get(job_url)
        check(page.status_code in (200, 302), f"job page {job_url}: {page.status_code}")
        location = page.headers.get("Location", "")
        return location if "/console/rounds/" in location else None

    return wait_until(f"the job {job_url} finished", done, timeout=120)


def next_monday(today) -> object:  # type: ignore[no-untyped-def]
    """A Monday at least two days ahead: no demo round is on it and nothing is due."""
    ahead = (7 - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead if ahead >= 2 else ahead + 7)


def journey(base: str, sink: Sink, database_url: str, metrics_token: str) -> None:
    started = time.perf_counter()
    browser = Browser(base)
    plain = requests.get(base + "/console/", allow_redirects=False, timeout=10)
    check(
        plain.status_code == 301 and plain.headers["Location"].startswith("https://"),
        f"plain HTTP is not redirected to HTTPS: {plain.status_code}",
    )
    health = requests.get(base + "/api/health", timeout=10)
    check(health.json().get("status") == "ok", f"/api/health: {health.text}")
    ready = wait_until(
        "/api/ready says ready (database, Redis, a scheduler heartbeat)",
        lambda: (r := requests.get(base + "/api/ready", timeout=10)).status_code == 200 and r,
        timeout=60,
    )
    check("X-Request-ID" in ready.headers, "no X-Request-ID on a response")
    say(f"HTTPS redirect, /api/health, /api/ready {ready.json()}", started)

    signed_in = browser.post(
        "/login/password/",
        {"username": DEMO_ADMIN[0], "password": DEMO_ADMIN[1]},
        referer="/login/password/",
    )
    check(signed_in.status_code == 302, f"password sign-in: {signed_in.status_code}")
    for path in ("/console/", "/console/programs/", "/console/people/", "/console/audit/"):
        page = browser.get(path)
        check(page.status_code == 200, f"GET {path}: {page.status_code}")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.text)
    check(stylesheet is not None, "no stylesheet on the console")
    css = browser.get(stylesheet.group(1))  # type: ignore[union-attr]
    check(css.status_code == 200, f"static file {stylesheet.group(1)}: {css.status_code}")  # type: ignore[union-attr]
    say("signed in as the demo's HR admin; console pages and static files", started)

    programs = browser.get("/console/programs/").text
    found = re.search(r'href="/console/programs/(\d+)/"[^>]*>\s*Virtual coffee', programs)
    check(found is not None, "the demo's Virtual coffee program is not listed")
    program = found.group(1)  # type: ignore[union-attr]
    on = next_monday(datetime.now(UTC).date())
    job = browser.post(
        f"/console/programs/{program}/rounds/new/",
        {"on": on.isoformat()},  # type: ignore[attr-defined]
        referer=f"/console/programs/{program}/",
    )
    check(job.status_code == 302, f"preview the round: {job.status_code}")
    round_url = follow_job(browser, job.headers["Location"])
    round_page = browser.get(round_url)
    check(round_page.status_code == 200, f"GET {round_url}: {round_page.status_code}")
    say(f"round previewed in the background: {round_url}", started)

    job = browser.post(round_url + "publish/", {}, referer=round_url)
    check(job.status_code == 302, f"publish: {job.status_code}")
    follow_job(browser, job.headers["Location"])
    round_id = int(round_url.rstrip("/").rsplit("/", 1)[1])
    with psycopg.connect(database_url) as connection:
        keys = {
            key
            for (key,) in connection.execute(
                "SELECT m.dedupe_key FROM notify_message m JOIN programs_match x "
                "ON m.match_id = x.id WHERE x.round_id = %s AND m.kind = 'intro' "
                "AND m.channel = 'email'",
                [round_id],
            )
        }
    check(len(keys) >= 2, f"the published round has {len(keys)} introductions")
    say(f"round published: {len(keys)} introductions in the outbox", started)
    wait_until(
        f"all {len(keys)} introductions delivered",
        lambda: all(sink.keys[k] >= 1 for k in keys),
        timeout=120,
    )
    doubled = [k for k in keys if sink.keys[k] > 1]
    check(not doubled, f"introductions sent twice: {doubled[:5]}")
    say(f"the SMTP sink received each of the {len(keys)} introductions once", started)

    check(metrics_token != "", "METRICS_TOKEN is not set for the smoke journey")
    hidden = requests.get(base + "/metrics", timeout=10)
    check(hidden.status_code == 403, f"/metrics without a token: {hidden.status_code}")
    metrics = requests.get(
        base + "/metrics", headers={"Authorization": f"Bearer {metrics_token}"}, timeout=10
    )
    check(metrics.status_code == 200, f"/metrics with the token: {metrics.status_code}")
    sent = re.search(
        r'^crosspaths_messages_sent_total\{channel="email"\} (\S+)$', metrics.text, re.M
    )
    check(sent is not None, "/metrics has no crosspaths_messages_sent_total")
    check(float(sent.group(1)) >= len(keys), f"/metrics counts {sent.group(1)} sent e-mails")  # type: ignore[union-attr]
    for name in (
        "crosspaths_rounds_published_total",
        "crosspaths_outbox_depth",
        "crosspaths_scheduler_heartbeat_age_seconds",
        "django_http_requests_total_by_method_total",
    ):
        check(name in metrics.text, f"/metrics has no {name}")
    say("/metrics refuses without the token and answers with it", started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8170, help="gunicorn's port")
    parser.add_argument("--smtp-port", type=int, default=8171)
    parser.add_argument("--procfile", default="Procfile")
    args = parser.parse_args()
    sink = Sink(args.smtp_port)
    sink.controller.start()
    env = {
        **os.environ,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(args.smtp_port),
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
    }
    log = open(Path(os.environ.get("CROSSPATHS_VAR_DIR", ".")) / "stack.log", "w")  # noqa: SIM115
    stack = subprocess.Popen(
        [str(ROOT / ".venv/bin/honcho"), "-f", args.procfile, "start"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    started = time.perf_counter()
    try:
        wait_until(
            "gunicorn answered",
            lambda: _answers(base + "/api/health") or stack.poll() is not None,
            timeout=180,  # three processes importing Django on a busy 2-core machine
        )
        check(stack.poll() is None, "the stack stopped at start")
        say("Procfile started: web (gunicorn), worker (RQ), scheduler", started)
        journey(base, sink, os.environ["DATABASE_URL"], os.environ.get("METRICS_TOKEN", ""))
    except BaseException:
        log.flush()
        lines = Path(log.name).read_text().splitlines()
        web = [line for line in lines if " web." in line or " system " in line]
        print("\n".join(["--- web:", *web[-40:], "--- all:", *lines[-40:]]), file=sys.stderr)
        raise
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        try:
            stack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
        sink.controller.stop()
    print(f"production smoke journey passed in {time.perf_counter() - started:.1f} s")
    return 0


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:  # not listening yet, or still starting up
        return False


if __name__ == "__main__":
    sys.exit(main())
