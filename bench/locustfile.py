"""The load test's users (bench/load.py starts locust with this file; see its docstring).

Participants read their home page (the match card) and their match page and answer the
check-in with the page's form; admins read the console overview, the published round's
review page and the insights dashboard. Each simulated user signs in with a session
bench/load.py made beforehand (the file named by LOAD_SESSIONS), and talks to gunicorn
as the HTTPS proxy in front of it would (X-Forwarded-Proto: https; the production
settings redirect plain HTTP and keep the cookies Secure). Every response time is also
kept per group (participant, admin) and written to LOAD_TIMES on exit, so bench/load.py
can give exact percentiles per group rather than per request name.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets

from locust import FastHttpUser, between, events, task

SESSIONS = json.loads(open(os.environ["LOAD_SESSIONS"], encoding="utf-8").read())  # noqa: SIM115
HOST = os.environ.get("LOAD_HOST", "http://127.0.0.1:8900")
ORIGIN = "https://" + HOST.split("://", 1)[1]
TIMES: dict[str, list[float]] = {"participant": [], "admin": []}
_participants = itertools.count()
_admins = itertools.count()


@events.request.add_listener
def _keep(response_time: float, context: dict | None = None, **_kw: object) -> None:
    if context and context.get("group") in TIMES:
        TIMES[context["group"]].append(response_time)


@events.quitting.add_listener
def _dump(**_kw: object) -> None:
    path = os.environ.get("LOAD_TIMES")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(TIMES, out)


class _SignedIn(FastHttpUser):
    abstract = True
    group = ""

    def sign_in(self, session_key: str) -> None:
        # A CSRF secret of our own, sent as the cookie and in the form (Django accepts
        # the unmasked secret); the Origin header is the site's, as a browser's would be.
        self.csrf = secrets.token_hex(16)
        self.headers = {
            "Cookie": f"sessionid={session_key}; csrftoken={self.csrf}; django_language=en",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "127.0.0.1",
        }

    def get(self, path: str, name: str) -> None:
        with self.client.get(
            path,
            name=name,
            headers=self.headers,
            allow_redirects=False,
            context={"group": self.group},
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")


class Participant(_SignedIn):
    weight = 9
    wait_time = between(0.5, 1.5)
    group = "participant"

    def on_start(self) -> None:
        me = SESSIONS["participants"][next(_participants) % len(SESSIONS["participants"])]
        self.sign_in(me["session"])
        self.match = me["match"]

    @task(5)
    def home(self) -> None:
        self.get("/", "participant: home (match card)")

    @task(3)
    def match_page(self) -> None:
        self.get(f"/matches/{self.match}/", "participant: match page")

    @task(1)
    def check_in(self) -> None:
        # The home page's form: "we met" with a rating; answering again changes the answer.
        with self.client.post(
            f"/matches/{self.match}/check-in/",
            data={
                "csrfmiddlewaretoken": self.csrf,
                "met": "yes",
                "rating": str(random.randint(1, 5)),
            },
            name="participant: check-in POST",
            headers={**self.headers, "Origin": ORIGIN, "Referer": ORIGIN + "/"},
            allow_redirects=False,
            context={"group": self.group},
            catch_response=True,
        ) as response:
            if response.status_code != 302 or response.headers.get("Location") != "/":
                response.failure(f"{response.status_code} for the check-in")


class Admin(_SignedIn):
    weight = 1
    wait_time = between(0.5, 1.5)
    group = "admin"

    def on_start(self) -> None:
        me = SESSIONS["admins"][next(_admins) % len(SESSIONS["admins"])]
        self.sign_in(me["session"])

    @task(3)
    def console(self) -> None:
        self.get("/console/", "admin: console overview")

    @task(2)
    def round_review(self) -> None:
        page = random.randint(1, SESSIONS["round_pages"])
        self.get(f"/console/rounds/{SESSIONS['round']}/?page={page}", "admin: round review")

    @task(2)
    def insights(self) -> None:
        self.get("/insights/", "admin: insights")
