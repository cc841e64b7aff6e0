"""Bad-input sweep (issue 10, point 7): random text, digits such as "²", NUL bytes,
right-to-left text and very long strings posted into every form field and query
parameter of every URL of the isolation sweep's registry, as an admin and as a
participant. The only acceptable answers are 2xx, 3xx and 4xx.

Fields per URL: the names the registry's bodies and queries use, plus every ``name=``
of the forms the page renders for an admin. URLs that take an id get our own
organization's objects where the registry knows them (``own``), so the values reach
the views rather than a 404. Examples per URL: ``CROSSPATHS_SWEEP_EXAMPLES`` (default
12), about a minute for the whole sweep.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_isolation import REGISTRY, World, build_world, swept_patterns

EXAMPLES = int(os.environ.get("CROSSPATHS_SWEEP_EXAMPLES", "5"))

# Values that broke, or could break, a parser somewhere.
NASTY = (
    "²",
    "٣",
    "\uff11\uff12",  # full-width 12
    "1²",
    "\x00",
    "a\x00b",
    "مرحبا بالعالم",
    "\u202egnp.exe",
    "שלום",
    "9" * 5000,
    "x" * 20_000,
    "99999999999999999999",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "25:61",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "=HYPERLINK(1)",
    "../../etc/passwd",
    "",
    " ",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
)
# Posted into each field in turn, every other field holding a value the view accepts.
EACH_FIELD = (
    "²",
    "a\x00b",
    "\u202e\u0645\u0631\u062d\u0628\u0627",  # right-to-left override, Arabic
    "9" * 5000,
    "9" * 20,
    "9999-12-31",
)
values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet="0123456789²³¹\u0660\u0661\u06f4\uff15-.:;, ", max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)

# Our own organization's objects for URLs whose registry entry names theirs.
OURS: dict[str, Any] = {
    "unblock": lambda w: {"pk": w.cast.chidi.pk},
    "program_join": lambda w: {"pk": w.our_program.pk},
    "program_leave": lambda w: {"pk": w.our_program.pk},
    "match_ics": lambda w: {"pk": w.our_match.pk},
    "match": lambda w: {"pk": w.our_match.pk},
    "match_confirm": lambda w: {"pk": w.our_match.pk},
    "match_propose": lambda w: {"pk": w.our_match.pk},
    "match_withdraw": lambda w: {"pk": w.our_match.pk},
    "match_checkin": lambda w: {"pk": w.our_match.pk},
    "keep_in_touch": lambda w: {"pk": w.cast.chidi.pk},
    "console:person": lambda w: {"pk": w.cast.bob.pk},
    "console:program": lambda w: {"pk": w.our_program.pk},
    "console:program_edit": lambda w: {"pk": w.our_program.pk},
    "console:round": lambda w: {"pk": w.our_draft.pk},
    "console:round_new": lambda w: {"pk": w.our_program.pk},
    "console:round_check": lambda w: {"pk": w.our_draft.pk},
    "console:round_edit": lambda w: {"pk": w.our_draft.pk},
    "console:round_publish": lambda w: {"pk": w.our_draft.pk},
    "console:round_rerun": lambda w: {"pk": w.our_draft.pk},
    "console:round_discard": lambda w: {"pk": w.our_draft.pk},
    "console:roster_mapping": lambda w: {"pk": our_upload(w).pk},
    "console:roster_preview": lambda w: {"pk": our_upload(w).pk},
    "console:roster_apply": lambda w: {"pk": our_upload(w).pk},
    "meetings:checkin": lambda w: {"token": our_token(w), "answer": "met"},
    "mail:unsubscribe": lambda w: {"token": our_unsubscribe_token(w)},
    "insights:csv": lambda w: {"slug": "waiting"},
    "insights:report": lambda w: {"quarter": "2026-q4"},
}


def our_upload(w: World) -> Any:
    from crosspaths.console.models import RosterUpload

    upload, _ = RosterUpload.objects.get_or_create(
        organization=w.cast.org,
        file_name="ours.csv",
        defaults={
            "uploaded_by": w.cast.alice,
            "text": "id,name,email\nB2,Bob Brandt,bob@acme.test\n",
            "headers": ["id", "name", "email"],
            "mapping": {"id": "id", "name": "name", "email": "email"},
            "rows": 1,
        },
    )
    return upload


def our_unsubscribe_token(w: World) -> str:
    from crosspaths.notify.unsubscribe import unsubscribe_token

    return unsubscribe_token(person_id=w.cast.bob.pk, program_id=w.our_program.pk)


def our_token(w: World) -> str:
    from crosspaths.meetings.tokens import checkin_token

    return checkin_token(w.our_member.pk)


FORM_FIELD = re.compile(r'<(?:input|select|textarea)[^>]*?\bname="([^"]+)"([^>]*)>')
VALUE = re.compile(r'\bvalue="([^"]*)"')
# Values a view accepts, so the nasty value in another field gets past the first check.
HINTS = {"met": ["yes", "no"], "rating": ["4"], "on": ["2026-12-07"], "until": ["2026-12-31"]}


def field_values(key: str, world: World, path: str, clients: dict[str, Client]) -> dict:
    """{field: good values seen} for every field the registry posts to this URL and every
    field of the forms its page renders, in a stable order."""
    case = REGISTRY[key]
    seen: dict[str, list[str]] = {}

    def add(name: str, value: object) -> None:
        values = seen.setdefault(name, [])
        for v in value if isinstance(value, list) else [value]:
            if str(v) not in values:
                values.append(str(v))

    bodies = [build(world) for build in (case.data, case.query) if build]
    bodies += [body(world) for _kwargs, body in case.own]
    for body in bodies:
        for name, value in body.items():
            add(name, value)
    for client in clients.values():
        response = client.get(path)
        if response.status_code != 200 or getattr(response, "streaming", False):
            continue
        for name, rest in FORM_FIELD.findall(response.content.decode(errors="replace")):
            value = VALUE.search(rest)
            add(name, value.group(1) if value else "")
    seen.pop("csrfmiddlewaretoken", None)
    for name, hints in HINTS.items():  # known-good values first: they are the baseline
        if name in seen:
            seen[name] = hints + [v for v in seen[name] if v not in hints]
    return seen or {"q": [""]}


def url_for(key: str, world: World) -> str:
    case = REGISTRY[key]
    build = OURS.get(key) or (case.own[0][0] if case.own else case.kwargs)
    return reverse(key, kwargs=(build(world) or None) if build else None)


SIZES: dict[str, tuple[int, int]] = {}  # key -> (fields, examples), for the report
SWEPT = sorted({key for _route, key in swept_patterns() if key in REGISTRY})


@pytest.mark.django_db
@pytest.mark.parametrize("key", SWEPT)
def test_no_input_makes_a_url_answer_a_server_error(key: str) -> None:
    world = build_world()
    path = url_for(key, world)
    clients = {}
    for role, person in (("admin", world.cast.alice), ("participant", world.cast.bob)):
        clients[role] = Client()
        clients[role].force_login(person.user)
    good = field_values(key, world, path, clients)
    fields = {
        name: st.one_of(st.sampled_from(options), values) if options else values
        for name, options in good.items()
    }
    methods = sorted({*REGISTRY[key].methods, "get"})

    baseline = {name: options[0] for name, options in good.items() if options}
    for i, (name, nasty) in enumerate((n, v) for n in good for v in EACH_FIELD):
        role = sorted(clients)[i % 2]
        method = "post" if "post" in methods else "get"  # the random part covers the rest
        data = {**baseline, name: nasty}
        client = clients[role]
        response = client.get(path, data) if method == "get" else client.post(path, data)
        assert response.status_code < 500, f"{method.upper()} {path} {data!r} as {role}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        role=st.sampled_from(sorted(clients)),
        method=st.sampled_from(methods),
        data=st.fixed_dictionaries({}, optional=fields),
    )
    def sweep(role: str, method: str, data: dict[str, str]) -> None:
        client = clients[role]
        response = client.get(path, data) if method == "get" else client.post(path, data)
        assert response.status_code < 500, f"{method.upper()} {path} {data!r} as {role}"

    sweep()
    SIZES[key] = (len(good), EXAMPLES)
    print(f"sweep {key}: {len(good)} fields x {len(EACH_FIELD)} values + {EXAMPLES} random")
