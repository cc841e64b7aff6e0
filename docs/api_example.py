"""Drive Crosspaths through its REST API: create a program, enroll people, preview and
publish a round, list its matches. Standard library and ``requests`` only.

    KEY=$(.venv/bin/python manage.py api_key --org demo --scope write --name example)
    python docs/api_example.py --url http://127.0.0.1:8000 --key "$KEY"

Every POST that creates sends an Idempotency-Key, so running a step again after a
timeout creates nothing twice. Errors are problem+json documents naming the field.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import date, timedelta
from typing import Any

import requests


class Crosspaths:
    def __init__(self, url: str, key: str):
        self.base = url.rstrip("/") + "/api/v1"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {key}"

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.http.request(method, self.base + path, timeout=30, **kwargs)
        if answer.status_code >= 400:
            problem = answer.json()
            fields = "; ".join(f"{e['field']}: {e['detail']}" for e in problem.get("errors", []))
            raise RuntimeError(
                f"{method} {path}: {answer.status_code} {problem['detail']} {fields}"
            )
        return answer.json()

    def create(self, path: str, body: dict[str, Any]) -> Any:
        return self.call("POST", path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})

    def every(self, path: str, **query: Any) -> list[Any]:
        """All items of a list, page by page."""
        items, cursor = [], None
        while True:
            page = self.call(
                "GET", path, params={**query, **({"cursor": cursor} if cursor else {})}
            )
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return items

    def wait(self, job: dict[str, Any]) -> dict[str, Any]:
        """Poll a background preview or publication until it is done."""
        while job["status"] in ("queued", "running"):
            time.sleep(0.5)
            job = self.call("GET", f"/jobs/{job['id']}")
        if job["status"] != "done":
            raise RuntimeError(f"job {job['id']} {job['status']}: {job['error']}")
        return job


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True, help="an API key with the write scope")
    parser.add_argument("--people", type=int, default=20, help="how many people to enroll")
    args = parser.parse_args()
    api = Crosspaths(args.url, args.key)

    on = date.today() + timedelta(days=1)  # the round's date: tomorrow
    program = api.create(
        "/programs",
        {
            "name": f"API coffee {uuid.uuid4().hex[:6]}",
            "format": "virtual_coffee",
            "cadence": "weekly",
            "weekday": on.weekday(),
            "time": "09:00",
            "group_size": 2,
            "requires_review": True,
            "preferences": {"different_department": "strongly"},
        },
    )
    print(f"program {program['id']}: {program['name']}")

    enrolled = 0
    for person in api.every("/people", active="true"):
        if enrolled == args.people:
            break
        try:
            api.create(f"/programs/{program['id']}/enrollments", {"person_id": person["id"]})
            enrolled += 1
        except RuntimeError as refused:  # e.g. outside the program's audience
            print(f"  not enrolled: {person['name']}: {refused}")
    print(f"enrolled {enrolled} people")

    draft = api.wait(api.create(f"/programs/{program['id']}/rounds", {"date": on.isoformat()}))
    rnd = api.call("GET", f"/rounds/{draft['round_id']}")
    print(f"previewed round {rnd['id']} on {rnd['date']}: {rnd['metrics'].get('groups')} groups")

    api.wait(api.call("POST", f"/rounds/{rnd['id']}/publish"))
    status = api.call("GET", f"/rounds/{rnd['id']}")["status"]
    print(f"published round {rnd['id']}: {status}")

    matches = api.every(f"/rounds/{rnd['id']}/matches")
    for match in matches:
        names = " + ".join(m["name"] or m["email"] for m in match["members"])
        print(f"  match {match['id']}: {names} at {match['suggested_start']}")
    print(f"{len(matches)} matches")
    return 0 if matches else 1


if __name__ == "__main__":
    sys.exit(main())
