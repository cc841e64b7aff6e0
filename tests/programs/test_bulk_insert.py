"""crosspaths/bulk.py: COPY writes what the ORM would have written, hands back the ids
it reserved, and refuses a model it cannot write the same way."""

from datetime import UTC, date, datetime

import pytest
from django.db import models
from django.test.utils import isolate_apps

from crosspaths.bulk import _stored_fields, insert_objects
from crosspaths.programs.models import Match, MatchMember, Round

from .crowd import coffee, crowd

START = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("database", [pytest.param("pg", marks=pytest.mark.postgres), "any"])
def test_objects_come_back_as_written_with_their_ids(cast, database):
    program = coffee(cast.org)
    rnd = Round.objects.create(organization=cast.org, program=program, date=date(2026, 11, 30))
    people = crowd(cast.org, 4)
    reasons = [
        {"code": "dept", "text": 'Sales \u00d7 Straße "quoted"\ttab', "params": {"n": [1, 2]}}
    ]
    matches = [
        Match(
            organization=cast.org,
            round=rnd,
            organizer=people[0],
            suggested_start=START,
            suggested_end=START.replace(hour=11),
            video_link="https://meet.example/abc",
            reasons=reasons,
            score=0.5,
        ),
        Match(organization=cast.org, round=rnd, organizer=people[2], reasons=[], score=-1.25),
    ]
    insert_objects(Match, matches)
    assert all(m.pk for m in matches)
    for written in matches:
        stored = Match.objects.get(pk=written.pk)
        for field in Match._meta.concrete_fields:
            assert getattr(stored, field.attname) == getattr(written, field.attname), field.name
    assert matches[0].created_at is not None
    members = [
        MatchMember(organization=cast.org, match=m, round=rnd, person=p)
        for m, pair in zip(matches, (people[:2], people[2:]), strict=True)
        for p in pair
    ]
    insert_objects(MatchMember, members, ids=False)
    assert sorted(
        MatchMember.objects.filter(round=rnd).values_list("match_id", "person_id")
    ) == sorted((m.match_id, m.person_id) for m in members)
    # The sequence moved past the reserved ids: the ORM's next row does not collide.
    later = Match.objects.create(organization=cast.org, round=rnd, organizer=people[1], score=0)
    assert later.pk > max(m.pk for m in matches)


@isolate_apps("crosspaths.programs")
def test_a_field_copy_would_store_differently_is_refused():
    class Priced(models.Model):
        price = models.DecimalField(max_digits=6, decimal_places=2)

        class Meta:
            app_label = "programs"

        def __str__(self) -> str:
            return str(self.price)

    with pytest.raises(TypeError, match=r"Priced\.price"):
        _stored_fields(Priced)


@pytest.mark.parametrize("database", [pytest.param("pg", marks=pytest.mark.postgres), "any"])
def test_rows_without_objects_are_written_and_missing_values_refused(cast, database):
    from crosspaths.bulk import insert_rows
    from crosspaths.programs.models import LeftOut

    program = coffee(cast.org)
    rnd = Round.objects.create(organization=cast.org, program=program, date=date(2026, 11, 30))
    people = crowd(cast.org, 2)
    insert_rows(
        LeftOut,
        ("organization_id", "round_id", "person_id", "code", "reason"),
        [
            (cast.org.pk, rnd.pk, p.pk, "no_partner", f"Nobody \u00fcbrig for {p.pk}")
            for p in people
        ],
    )
    assert sorted(LeftOut.objects.filter(round=rnd).values_list("person_id", "code", "reason")) == [
        (p.pk, "no_partner", f"Nobody \u00fcbrig for {p.pk}")
        for p in sorted(people, key=lambda p: p.pk)
    ]
    if database == "pg":
        with pytest.raises(TypeError, match=r"no value for .*created_at"):
            insert_rows(Match, ("organization_id", "round_id"), [(cast.org.pk, rnd.pk)])
