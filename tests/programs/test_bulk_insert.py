"""crosspaths/bulk.py: COPY writes what the ORM would have written, hands back the ids
it reserved, and refuses a model it cannot write the same way."""

import json
from datetime import UTC, date, datetime

import pytest
from django.db import models
from django.test.utils import isolate_apps
from hypothesis import given, settings
from hypothesis import strategies as st

from crosspaths.bulk import JsonText, _stored_fields, insert_rows
from crosspaths.matching.types import Reason
from crosspaths.programs.models import Match, MatchMember, Round
from crosspaths.programs.services import _reason_dicts, _ReasonsJson

from .crowd import coffee, crowd

START = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("database", [pytest.param("pg", marks=pytest.mark.postgres), "any"])
def test_rows_come_back_as_written_with_their_ids(cast, database):
    program = coffee(cast.org)
    rnd = Round.objects.create(organization=cast.org, program=program, date=date(2026, 11, 30))
    people = crowd(cast.org, 4)
    reasons = [
        {
            "code": "dept",
            "text": 'Sales \u00d7 Stra\u00dfe "quoted"\ttab\\',
            "params": {"n": [1, 2]},
        }
    ]
    columns = (
        "organization_id", "round_id", "organizer_id", "suggested_start", "suggested_end",
        "video_link", "reasons", "score", "created_at", "updated_at",
    )  # fmt: skip
    rows = [
        (cast.org.pk, rnd.pk, people[0].pk, START, START.replace(hour=11),
         "https://meet.example/abc", reasons, 0.5, START, START),
        (cast.org.pk, rnd.pk, people[2].pk, None, None, "", [], -1.25, START, START),
    ]  # fmt: skip
    ids = insert_rows(Match, columns, rows, ids=True)
    assert len(ids) == 2 and len(set(ids)) == 2
    for pk, row in zip(ids, rows, strict=True):
        stored = Match.objects.get(pk=pk)
        # created_at/updated_at: as given on PostgreSQL; bulk_create stamps them anew.
        assert tuple(getattr(stored, name) for name in columns[:-2]) == row[:-2]
        assert stored.created_at and stored.updated_at
        # What the row left out is the field's default, as the ORM would store it.
        assert (stored.location_id, stored.sequence, stored.confirmed_at) == (None, 0, None)
    insert_rows(
        MatchMember,
        ("organization_id", "match_id", "round_id", "person_id"),
        [
            (cast.org.pk, pk, rnd.pk, p.pk)
            for pk, pair in zip(ids, (people[:2], people[2:]), strict=True)
            for p in pair
        ],
    )
    assert sorted(MatchMember.objects.filter(round=rnd).values_list("match_id", "person_id")) == [
        (ids[0], people[0].pk), (ids[0], people[1].pk), (ids[1], people[2].pk), (ids[1], people[3].pk)
    ]  # fmt: skip
    # The sequence moved past the reserved ids: the ORM's next row does not collide.
    later = Match.objects.create(organization=cast.org, round=rnd, organizer=people[1], score=0)
    assert later.pk > max(ids)


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


@pytest.mark.parametrize("database", [pytest.param("pg", marks=pytest.mark.postgres), "any"])
def test_json_text_is_stored_as_the_json_it_is(cast, database):
    """A JsonText value is the column's JSON already: stored as that value, not as a
    JSON string holding it (which json.dumps of the str would give)."""
    program = coffee(cast.org)
    rnd = Round.objects.create(organization=cast.org, program=program, date=date(2026, 11, 30))
    text = JsonText('[{"code": "dept", "text": "Stra\\u00dfe \\"q\\"", "params": {"n": [1]}}]')
    columns = (
        "organization_id", "round_id", "video_link", "reasons", "score", "created_at", "updated_at",
    )  # fmt: skip
    row = (cast.org.pk, rnd.pk, "", text, 0.0, START, START)
    (pk,) = insert_rows(Match, columns, [row], ids=True)
    assert Match.objects.get(pk=pk).reasons == [
        {"code": "dept", "text": 'Stra\u00dfe "q"', "params": {"n": [1]}}
    ]


@settings(max_examples=60, deadline=None)
@given(
    pool=st.lists(
        st.builds(
            Reason,
            st.sampled_from(["dept", "team", "first_meeting", "interests"]),
            st.text(max_size=20),
            st.dictionaries(
                st.text(max_size=5),
                st.one_of(st.integers(), st.text(max_size=8), st.lists(st.text(max_size=5))),
                max_size=3,
            ),
        ),
        min_size=1,
        max_size=6,
    ),
    picks=st.lists(st.lists(st.integers(0, 5), max_size=5), max_size=20),
)
def test_a_groups_reasons_join_to_the_json_of_their_dicts(pool, picks):
    """Groups share Reason objects (round_reasons); the joined pieces are byte for
    byte json.dumps of the group's reason dicts."""
    encode = _ReasonsJson()
    for pick in picks:
        reasons = tuple(pool[k % len(pool)] for k in pick)
        assert encode(reasons) == json.dumps(_reason_dicts(reasons))
        assert json.loads(encode(reasons)) == _reason_dicts(reasons)
