"""Over generated rosters (departments, locations, languages, time zones, managers,
blocked pairs, interests, who opted in and their caps) and any order of yes and no:
every session the flow sets up breaks no hard rule (``hard_rule_problems`` finds 0
problems), mixes departments, and keeps every cap."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from crosspaths import clock
from crosspaths.matching import hard_rule_problems
from crosspaths.people.models import BlockedPair, Department, Location, Organization, Person
from crosspaths.perspective.models import Ask, PerspectiveRequest
from crosspaths.perspective.services import (
    CAP_WINDOW,
    ask_answer,
    giver_save,
    perspective_program,
    request_create,
)
from crosspaths.programs.engine_input import (
    engine_people,
    organization_blocked,
    organization_history,
    program_rules,
)
from crosspaths.programs.models import MatchMember

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/London"]
LANGS = [["en"], ["de"], ["en", "de"], ["fr"], ["en", "fr"]]
TAGS = ["chess", "design", "data", "cycling", "sales"]

person = st.fixed_dictionaries(
    {
        "dept": st.integers(0, 3),
        "loc": st.integers(0, 2),
        "zone": st.sampled_from(ZONES),
        "langs": st.sampled_from(LANGS),
        "interests": st.lists(st.sampled_from(TAGS), max_size=3, unique=True),
        "gives": st.booleans(),
        "cap": st.integers(1, 3),
        "manager": st.integers(0, 30),
    }
)
roster = st.lists(person, min_size=3, max_size=18)
wish = st.fixed_dictionaries(
    {
        "requester": st.integers(0, 30),
        "tags": st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
        "people": st.integers(1, 4),
        "other_location": st.booleans(),
    }
)


def build(rows, blocked_pairs):
    org = Organization.objects.create(name="Gen", slug="gen", timezone="Europe/Berlin")
    depts = [Department.objects.create(organization=org, name=f"D{i}") for i in range(4)]
    locs = [Location.objects.create(organization=org, name=f"L{i}") for i in range(3)]
    people = []
    for k, row in enumerate(rows):
        p = Person.objects.create(
            organization=org,
            email=f"p{k}@gen.test",
            name=f"P{k}",
            department=depts[row["dept"]],
            location=locs[row["loc"]],
            timezone=row["zone"],
            languages=row["langs"],
            interests=row["interests"],
        )
        if k and row["manager"] < k:
            p.manager = people[row["manager"]]
            p.save()
        people.append(p)
        if row["gives"]:
            giver_save(person=p, active=True, monthly_cap=row["cap"])
    for a, b in blocked_pairs:
        if a < len(people) and b < len(people) and a != b:
            BlockedPair.objects.get_or_create(organization=org, person=people[a], other=people[b])
    return org, people


def assert_session_keeps_the_rules(request: PerspectiveRequest) -> None:
    match = request.match
    ids = list(MatchMember.objects.filter(match=match).values_list("person_id", flat=True))
    rules = program_rules(perspective_program(request.organization))
    engine = engine_people(request.organization_id, ids)
    problems = hard_rule_problems(
        [engine[i] for i in ids],
        history=organization_history(
            request.organization_id,
            on=match.round.date,
            cooldown_weeks=rules.cooldown_weeks,
            person_ids=ids,
            exclude_round_id=match.round_id,
        ),
        blocked=organization_blocked(request.organization_id, person_ids=ids),
        rules=rules,
        on=match.round.date,
    )
    assert problems == [], [p.text for p in problems]
    requester = request.requester
    others = Person.objects.filter(pk__in=ids).exclude(pk=requester.pk)
    assert others.exists()
    for p in others:
        assert p.department_id != requester.department_id
        assert p.manager_id != requester.pk and requester.manager_id != p.pk
        if request.other_location:
            assert p.location_id != requester.location_id


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=roster,
    blocked_pairs=st.lists(st.tuples(st.integers(0, 17), st.integers(0, 17)), max_size=6),
    wishes=st.lists(wish, min_size=1, max_size=4),
    answers=st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_every_session_over_generated_rosters_has_no_hard_rule_problems(
    rows, blocked_pairs, wishes, answers
):
    with transaction.atomic():
        org, people = build(rows, blocked_pairs)
        yes_no = iter(answers)
        sessions = 0
        for w in wishes:
            requester = people[w["requester"] % len(people)]
            try:
                request = request_create(
                    requester=requester,
                    topic="generated",
                    tags=w["tags"],
                    people_wanted=w["people"],
                    other_location=w["other_location"],
                    needed_by=date(2026, 12, 11),
                )
            except ValidationError:
                continue  # nobody fits: refused, nothing stored
            while request.status == PerspectiveRequest.Status.OPEN:
                ask = request.asks.filter(status=Ask.Status.ASKED).first()
                assert ask is not None, "an open request always waits for someone"
                ask_answer(ask=ask, accept=next(yes_no, True))
                request.refresh_from_db()
            if request.status == PerspectiveRequest.Status.SCHEDULED:
                sessions += 1
                assert_session_keeps_the_rules(request)
        event(f"sessions set up: {min(sessions, 3)}{'+' if sessions > 3 else ''}")
        # Nobody was asked more often than their cap allows.
        since = clock.now() - CAP_WINDOW
        held = Counter(
            Ask.objects.filter(organization=org, asked_at__gte=since)
            .exclude(status__in=[Ask.Status.DECLINED, Ask.Status.WITHDRAWN])
            .values_list("person_id", flat=True)
        )
        for p in people:
            if held[p.pk]:
                assert held[p.pk] <= p.giver.monthly_cap
        transaction.set_rollback(True)
