"""A person's data export holds their own totals only; erasure deletes their rows."""

from __future__ import annotations

import json

from crosspaths.collaboration.models import Interaction
from crosspaths.privacy.services import person_data, person_erase


def count(cast, x, y, n, channel="chat", week="2026-11-16"):
    a, b = sorted((x.pk, y.pk))
    Interaction.objects.create(
        organization=cast.org,
        period_start=week,
        person_a_id=a,
        person_b_id=b,
        channel=channel,
        count=n,
    )


def test_the_export_shows_own_totals_and_no_colleague(cast):
    count(cast, cast.bob, cast.alice, 5)
    count(cast, cast.bob, cast.chidi, 2, "mail", "2026-11-09")
    count(cast, cast.alice, cast.chidi, 9)
    data = person_data(person=cast.bob)["collaboration"]
    assert data["totals_by_channel"] == {
        "chat": 5,
        "mail": 2,
        "meeting": 0,
        "document": 0,
        "intranet": 0,
    }
    assert (data["first_week"], data["last_week"]) == ("2026-11-09", "2026-11-16")
    dumped = json.dumps(data)
    assert "Alice" not in dumped and "Chidi" not in dumped and str(cast.chidi.pk) not in dumped


def test_erasure_deletes_the_persons_rows_only(cast):
    count(cast, cast.bob, cast.alice, 5)
    count(cast, cast.alice, cast.chidi, 9)
    person_erase(person=cast.bob, actor=cast.bob)
    assert list(Interaction.objects.values_list("count", flat=True)) == [9]
