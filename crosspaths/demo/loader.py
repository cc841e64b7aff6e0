"""Write a generated demo organization into the database, fast enough for 100,000 people.

Rows go in with ``bulk_create`` in one transaction; managers are inserted before
their reports (the generator orders people by tier) so their keys are known.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from crosspaths import clock
from crosspaths.dbstats import analyze_after_commit
from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Department, Location, Organization, Person, Team
from crosspaths.programs import scheduling
from crosspaths.programs.models import Enrollment, Match, MatchMember, Program, Round
from crosspaths.programs.services import round_draft, round_publish

from .synthetic import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    LOCATION_COUNTRIES,
    LOCATIONS,
    DemoPerson,
    generate_people,
)

BATCH = 2000
REAL_ROUND_MAX_PEOPLE = 5000


def _cast_demo_logins(people: list[DemoPerson]) -> None:
    """Give the demo's sign-in people memorable names: Alice heads People (HR admin),
    Bob is an engineer in Munich."""
    alice = next(p for p in people if p.department == "People" and p.tier == 0)
    bob = next(
        p
        for p in people
        if p.department == "Engineering" and p.tier == 2 and p.location == "Munich"
    )
    for person, (email, name, _) in zip((alice, bob), DEMO_LOGINS, strict=True):
        person.email, person.name, person.active = email, name, True
    bob.languages = ("de", "en")


@transaction.atomic
def load_demo_organization(
    *,
    people: int = 300,
    seed: int = 42,
    slug: str = "demo",
    name: str = "Northwind Demo",
    past_rounds: int | None = None,
    today: date | None = None,
    with_logins: bool = True,
) -> Organization:
    """Generate ``people`` for ``seed`` and write them as a demo organization."""
    today = today or clock.today()
    return load(
        people=generate_people(people, seed=seed, today=today),
        seed=seed,
        slug=slug,
        name=name,
        past_rounds=past_rounds,
        today=today,
        with_logins=with_logins,
    )


def load(
    *,
    people: list[DemoPerson],
    seed: int,
    slug: str,
    name: str,
    past_rounds: int | None,
    today: date,
    with_logins: bool,
) -> Organization:
    rng = random.Random(seed + 1)
    if with_logins:
        _cast_demo_logins(people)
    org = Organization.objects.create(name=name, slug=slug, timezone="Europe/Berlin", language="en")
    departments = {
        d: Department.objects.create(organization=org, name=d)
        for d in dict.fromkeys(p.department for p in people)
    }
    locations = {
        loc: Location.objects.create(
            organization=org,
            name=loc,
            timezone=tz,
            country=LOCATION_COUNTRIES.get(loc, "").partition("-")[0],
            subdivision=LOCATION_COUNTRIES.get(loc, "").partition("-")[2],
        )
        for loc, tz, _, _ in LOCATIONS
    }
    team_department = {p.team: p.department for p in people if p.team}
    teams = {
        t: obj
        for t, obj in zip(
            team_department,
            Team.objects.bulk_create(
                [
                    Team(organization=org, name=t, department=departments[d])
                    for t, d in team_department.items()
                ],
                batch_size=BATCH,
            ),
            strict=True,
        )
    }
    now = clock.now()
    # Invitations went out some weeks before the first past round; a separate random
    # stream keeps the rest of the demo as it was.
    history = random.Random(seed + 2)
    invited = {p.id: now - timedelta(days=history.uniform(45, 80)) for p in people}
    pk_by_id: dict[str, int] = {}
    for tier in (0, 1, 2):
        rows = [
            Person(
                organization=org,
                external_id=p.id,
                email=p.email,
                name=p.name,
                department=departments[p.department],
                team=teams.get(p.team),
                location=locations[p.location],
                title=p.title,
                level=p.level,
                manager_id=pk_by_id.get(p.manager_id),
                start_date=p.start_date,
                timezone=p.timezone,
                language="de" if p.languages == ("de",) else "",
                languages=list(p.languages),
                interests=list(p.interests),
                active=p.active,
                roster_synced=True,
                invited_at=invited[p.id],
                onboarded_at=invited[p.id] + timedelta(days=history.uniform(0, 10))
                if rng.random() < 0.85
                else None,
                deactivated_at=None if p.active else now,
            )
            for p in people
            if p.tier == tier
        ]
        for obj in Person.objects.bulk_create(rows, batch_size=BATCH):
            pk_by_id[obj.external_id] = obj.pk
    if with_logins:
        _create_logins(org)

    coffee = Program.objects.create(
        organization=org,
        name="Virtual coffee",
        description="Thirty minutes on video with a colleague from another part of the company.",
        format=Program.Format.VIRTUAL_COFFEE,
        cadence=Program.Cadence.WEEKLY,
        weekday=Program.Weekday.MONDAY,
        time=time(9, 0),
        starts_on=today - timedelta(days=7 * 30),
        group_size=2,
        cooldown_weeks=12,
    )
    lunch = Program.objects.create(
        organization=org,
        name="Lunch roulette",
        description="Lunch for four at your office, with people you have not met yet.",
        format=Program.Format.LUNCH,
        cadence=Program.Cadence.BIWEEKLY,
        weekday=Program.Weekday.THURSDAY,
        time=time(9, 0),
        starts_on=today - timedelta(days=7 * 30),
        group_size=4,
        cooldown_weeks=8,
        requires_review=True,
    )
    active = [p for p in people if p.active]
    local_today = clock.now().astimezone(ZoneInfo(org.timezone)).date()
    login_emails = {email for email, _, _ in DEMO_LOGINS} if with_logins else set()
    for program, share in ((coffee, 0.7), (lunch, 0.4)):
        enrolled = [p for p in active if p.email in login_emails or rng.random() < share]
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    organization=org,
                    program=program,
                    person_id=pk_by_id[p.id],
                    paused_until=today + timedelta(days=10) if rng.random() < 0.05 else None,
                )
                for p in enrolled
            ],
            batch_size=BATCH,
        )
        # Joined when they accepted the invitation (the field defaults to "now").
        accepted = Person.objects.filter(pk=OuterRef("person_id")).annotate(
            at=Coalesce("onboarded_at", "invited_at")
        )
        Enrollment.objects.filter(program=program).update(
            joined_at=Subquery(accepted.values("at")[:1])
        )
        rounds = past_rounds if past_rounds is not None else (6 if len(people) <= 5000 else 2)
        step = 7 if program.cadence == Program.Cadence.WEEKLY else 14
        # The current round: the latest on or before today where the organization is
        # (its window holds now), so the first start sends this round's introductions
        # only, never last week's with their check-ins.
        last = scheduling.latest_date_on_or_before(program, local_today) or today
        count = rounds if program is coffee else max(1, rounds // 2)
        # Older rounds are random groups (history to learn from); in a demo of pilot size
        # the latest one is made by the real pipeline, engine and all, so it shows
        # reasons, slots and e-mails (lunch asks for review, so its latest round waits as
        # a draft). A benchmark-sized demo keeps it random and published: loading stays
        # well under a minute at 100,000 people.
        real_latest = len(people) <= REAL_ROUND_MAX_PEOPLE
        for k in range(count - 1, 0 if real_latest else -1, -1):
            _past_round(
                org=org,
                program=program,
                day=last - timedelta(days=step * k),
                members=enrolled,
                pk_by_id=pk_by_id,
                rng=rng,
                published=k == 0,
            )
        if real_latest:
            latest = round_draft(program=program, on=last)
            if not program.requires_review:
                round_publish(round=latest)
    analyze_after_commit(Person, Team, Enrollment, Match, MatchMember, CheckIn, rows=len(people))
    return org


def _create_logins(org: Organization) -> None:
    User = get_user_model()
    for email, _, role in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(username=email, defaults={"email": email})
        user.set_password(DEMO_PASSWORD)
        user.save()
        Person.objects.filter(organization=org, email=email).update(user=user, role=role)


def _groups(
    members: Sequence[DemoPerson], size: int, rng: random.Random, by_location: bool
) -> list[list[DemoPerson]]:
    """Random groups (the demo's history, not the engine): per location for in-person."""
    pools: dict[str, list[DemoPerson]] = defaultdict(list)
    for m in members:
        pools[m.location if by_location else ""].append(m)
    groups: list[list[DemoPerson]] = []
    for pool in pools.values():
        pool = list(pool)
        rng.shuffle(pool)
        count = len(pool) // size
        if count == 0:
            continue
        chunks = [pool[i * size : (i + 1) * size] for i in range(count)]
        for i, extra in enumerate(pool[count * size :]):
            chunks[i % count].append(extra)
        groups.extend(chunks)
    return groups


def _past_round(
    *,
    org: Organization,
    program: Program,
    day: date,
    members: list[DemoPerson],
    pk_by_id: dict[str, int],
    rng: random.Random,
    published: bool = False,
) -> None:
    now = clock.now()
    rnd = Round.objects.create(
        organization=org,
        program=program,
        date=day,
        status=Round.Status.PUBLISHED if published else Round.Status.CLOSED,
        published_at=now,
        closed_at=None if published else now,
    )
    groups = _groups(members, program.group_size, rng, by_location=program.mode == "in-person")
    zone = ZoneInfo(org.timezone)
    matches = Match.objects.bulk_create(
        [
            Match(
                organization=org,
                round=rnd,
                organizer_id=pk_by_id[g[0].id],
                suggested_start=datetime.combine(
                    day + timedelta(days=2), time(11 if program.mode == "virtual" else 12), zone
                ),
                suggested_end=datetime.combine(
                    day + timedelta(days=2),
                    time(11, 30) if program.mode == "virtual" else time(13),
                    zone,
                ),
                video_link=f"https://meet.jit.si/crosspaths-{rng.getrandbits(96):024x}"
                if program.mode == "virtual"
                else "",
                reasons=_reasons(g),
            )
            for g in groups
        ],
        batch_size=BATCH,
    )
    memberships = MatchMember.objects.bulk_create(
        [
            MatchMember(organization=org, match=m, round=rnd, person_id=pk_by_id[p.id])
            for m, g in zip(matches, groups, strict=True)
            for p in g
        ],
        batch_size=BATCH,
    )
    if published:
        return  # nobody has answered a round that is still running
    checkins = []
    for mm in memberships:
        if rng.random() < 0.7:
            met = rng.random() < 0.78
            checkins.append(
                CheckIn(
                    organization=org,
                    member=mm,
                    met=met,
                    rating=rng.choice((3, 4, 4, 5, 5, 5)) if met and rng.random() < 0.8 else None,
                )
            )
    CheckIn.objects.bulk_create(checkins, batch_size=BATCH)


def _reasons(group: Sequence[DemoPerson]) -> list[dict[str, object]]:
    reasons: list[dict[str, object]] = []
    departments = sorted({p.department for p in group})
    if len(departments) > 1:
        reasons.append(
            {
                "code": "different_departments",
                "text": "different departments: " + ", ".join(departments),
                "params": {"departments": departments},
            }
        )
    shared = sorted(set.intersection(*(set(p.interests) for p in group)))
    if shared:
        reasons.append(
            {
                "code": "shared_interests",
                "text": "you all like " + ", ".join(shared),
                "params": {"interests": shared},
            }
        )
    return reasons
